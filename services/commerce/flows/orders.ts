/**
 * Orders (docs/commerce.md "Orders"): reading them as buyer, seller or admin,
 * and every transition. A transition locks the order row, asks the pure
 * state machine (rules/order-state.ts), calls payments when money moves
 * (refund, release, freeze; idempotent keys, so a retried transition never
 * moves money twice), then writes the status, one history row per status
 * passed and one durable event per status in the same transaction.
 */
import type { Transaction } from "sequelize";
import { countBusiness } from "../../../lib/observability/business-metrics";
import { inTransaction } from "../../../lib/db/transaction";
import { readPage, toPage, type Page } from "../../../lib/pagination";
import { CommerceError } from "../errors";
import { availableActions, decide, type Actor, type CancelReason, type OrderAction, type OrderStatus } from "../rules/order-state";
import type { CommerceRuntime } from "../runtime";
import { select, type Db } from "../store/db";
import { findOrder, historyOf, insertHistory, itemsOf, listOrders, updateOrder, type OrderItemRow, type OrderRow } from "../store/orders";
import { releaseReservations } from "../store/reservations";

export const dbOf = (rt: CommerceRuntime, t?: Transaction): Db => ({ sequelize: rt.sequelize, t });
export const orderPurpose = (orderId: string) => ({ type: "order" as const, id: orderId });

export type Role = "buyer" | "seller" | "admin";

export function roleOf(order: Pick<OrderRow, "buyer_id" | "seller_id">, userId: string, isAdmin = false): Role | null {
	if (order.buyer_id === userId) return "buyer";
	if (order.seller_id === userId) return "seller";
	return isAdmin ? "admin" : null;
}

// ---- views ----

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function itemView(it: OrderItemRow) {
	return {
		id: it.id,
		productId: it.product_id,
		variantId: it.variant_id,
		title: it.title,
		sku: it.sku,
		options: it.options,
		imageFileId: it.image_file_id,
		unitPrice: it.unit_price,
		quantity: it.quantity,
		lineTotal: it.line_total
	};
}

export function orderView(o: OrderRow, items: OrderItemRow[], shopName: string | null, role: Role | null) {
	return {
		id: o.id,
		number: o.number,
		status: o.status,
		cancelReason: o.cancel_reason,
		buyerId: o.buyer_id,
		sellerId: o.seller_id,
		shop: { id: o.shop_id, name: shopName },
		currency: o.currency.trim(),
		subtotal: o.subtotal,
		deliveryFee: o.delivery_fee,
		total: o.total,
		shippingAddress: o.shipping_address,
		items: items.map(itemView),
		payment: { intentId: o.intent_id },
		shipment: { carrier: o.carrier, trackingRef: o.tracking_ref },
		paidAt: iso(o.paid_at),
		shippedAt: iso(o.shipped_at),
		deliveredAt: iso(o.delivered_at),
		completedAt: iso(o.completed_at),
		cancelledAt: iso(o.cancelled_at),
		refundedAt: iso(o.refunded_at),
		createdAt: iso(o.created_at),
		updatedAt: iso(o.updated_at),
		/** What the viewer can do now (buttons). */
		actions: role === "buyer" || role === "seller" ? availableActions({ status: o.status, paidAt: o.paid_at }, role) : []
	};
}

export type OrderView = ReturnType<typeof orderView>;

export async function shopNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
	if (!ids.length) return new Map();
	const rows = await select<{ id: string; name: string }>(db, "SELECT id, name FROM commerce.shops WHERE id IN (:ids)", { ids: [...new Set(ids)] });
	return new Map(rows.map(r => [r.id, r.name]));
}

export async function orderViews(db: Db, orders: readonly OrderRow[], roleFor: (o: OrderRow) => Role | null): Promise<OrderView[]> {
	const [items, names] = await Promise.all([itemsOf(db, orders.map(o => o.id)), shopNames(db, orders.map(o => o.shop_id))]);
	return orders.map(o => orderView(o, items.get(o.id) ?? [], names.get(o.shop_id) ?? null, roleFor(o)));
}

// ---- reads ----

/** One order with its history and dispute, for its buyer, its seller or an admin; 404 for anyone else. */
export async function getOrder(rt: CommerceRuntime, userId: string, isAdmin: boolean, id: string) {
	const db = dbOf(rt);
	const o = await findOrder(db, id);
	const role = o && roleOf(o, userId, isAdmin);
	if (!o || !role) throw CommerceError.orderNotFound();
	const [view] = await orderViews(db, [o], () => role);
	const [history, disputes] = await Promise.all([
		historyOf(db, id),
		select<{ id: string; reason: string; status: string; resolution: string | null; refund_amount: string | null; created_at: Date; resolved_at: Date | null }>(
			db,
			"SELECT id, reason, status, resolution, refund_amount, created_at, resolved_at FROM commerce.disputes WHERE order_id = :id",
			{ id }
		)
	]);
	const d = disputes[0];
	return {
		...view,
		history: history.map(h => ({ from: h.from_status, to: h.to_status, actor: h.actor, note: h.note, at: iso(h.at) })),
		dispute: d
			? { id: d.id, reason: d.reason, status: d.status, resolution: d.resolution, refundAmount: d.refund_amount === null ? null : Number(d.refund_amount), openedAt: iso(d.created_at), resolvedAt: iso(d.resolved_at) }
			: null
	};
}

export async function buyerOrders(rt: CommerceRuntime, buyerId: string, params: { cursor?: string; limit?: number; status?: OrderStatus }): Promise<Page<OrderView>> {
	const { limit, after } = readPage<[string, string]>(params);
	const db = dbOf(rt);
	const rows = await listOrders(db, { buyerId }, { after, limit: limit + 1, status: params.status });
	const page = toPage(rows, limit, r => [new Date(r.created_at).toISOString(), r.id]);
	return { items: await orderViews(db, page.items, () => "buyer"), nextCursor: page.nextCursor };
}

/** A shop's orders, for its owner (or an admin): 404 for an unknown shop, 403 for someone else's. */
export async function shopOrders(
	rt: CommerceRuntime,
	userId: string,
	isAdmin: boolean,
	shopId: string,
	params: { cursor?: string; limit?: number; status?: OrderStatus }
): Promise<Page<OrderView>> {
	const db = dbOf(rt);
	const [shop] = await select<{ owner_id: string }>(db, "SELECT owner_id FROM commerce.shops WHERE id = :shopId", { shopId });
	if (!shop) throw CommerceError.shopNotFound();
	if (shop.owner_id !== userId && !isAdmin) throw CommerceError.notShopOwner();
	const { limit, after } = readPage<[string, string]>(params);
	const rows = await listOrders(db, { shopId }, { after, limit: limit + 1, status: params.status });
	const page = toPage(rows, limit, r => [new Date(r.created_at).toISOString(), r.id]);
	return { items: await orderViews(db, page.items, o => (o.seller_id === userId ? "seller" : "admin")), nextCursor: page.nextCursor };
}

// ---- the one way a status changes ----

const STAMP: Partial<Record<OrderStatus, keyof OrderRow>> = {
	paid: "paid_at",
	shipped: "shipped_at",
	delivered: "delivered_at",
	completed: "completed_at",
	cancelled: "cancelled_at",
	refunded: "refunded_at"
};

export interface Transition {
	action: OrderAction;
	actor: Actor;
	actorId: string | null;
	resolution?: "release" | "refund" | "split";
	cancelReason?: CancelReason;
	carrier?: string | null;
	trackingRef?: string | null;
	dispute?: { id: string; reason: string };
	note?: string | null;
}

/** Checks the step against the state machine; throws the client's error when it is refused. */
export function check(o: OrderRow, tr: Pick<Transition, "action" | "actor" | "resolution">) {
	const d = decide({ status: o.status, paidAt: o.paid_at }, tr.action, tr.actor, tr.resolution);
	if (!d.ok) {
		if (d.code === "NOT_ALLOWED") throw CommerceError.notOrderParty(tr.actor === "buyer" ? "seller" : "buyer");
		throw CommerceError.orderState(o.status, tr.action, d.allowedFrom);
	}
	return d;
}

/**
 * Writes a checked transition of a locked order: status and timestamps,
 * history rows, stock given back when it ends cancelled or refunded before
 * shipping, and one event per status passed. Returns the updated row.
 */
export async function applyTransition(rt: CommerceRuntime, t: Transaction, o: OrderRow, tr: Transition): Promise<OrderRow> {
	const d = check(o, tr);
	const db = dbOf(rt, t);
	const now = new Date();
	const fields: Record<string, unknown> = { status: d.to };
	let from: OrderStatus = o.status;
	for (const to of d.path) {
		await insertHistory(db, { orderId: o.id, from, to, actor: tr.actor, actorId: tr.actorId, note: tr.note ?? (to === "cancelled" ? tr.cancelReason : null) ?? null });
		const stamp = STAMP[to];
		if (stamp) fields[stamp] = now;
		from = to;
	}
	if (tr.cancelReason) fields.cancel_reason = tr.cancelReason;
	if (tr.action === "ship") Object.assign(fields, { carrier: tr.carrier ?? null, tracking_ref: tr.trackingRef ?? null });
	await updateOrder(db, o.id, fields as Parameters<typeof updateOrder>[2]);
	// Cancelled before shipping (with or without a refund): the stock is for sale again.
	if (d.path.includes("cancelled")) await releaseReservations(db, o.id);

	t.afterCommit(() => countOrders(rt, d.path));
	const base = { orderId: o.id, number: o.number, buyerId: o.buyer_id, sellerId: o.seller_id, shopId: o.shop_id, total: o.total, currency: o.currency.trim() };
	const trio = { orderId: o.id, buyerId: o.buyer_id, sellerId: o.seller_id };
	for (const to of d.path) {
		if (to === "paid") await rt.raiseEvent(t, "commerce.order.paid", base, tr.actorId);
		else if (to === "shipped") await rt.raiseEvent(t, "commerce.order.shipped", { ...base, carrier: tr.carrier ?? null, trackingRef: tr.trackingRef ?? null }, tr.actorId);
		else if (to === "delivered") await rt.raiseEvent(t, "commerce.order.delivered", { ...base, by: tr.actor === "buyer" ? "buyer" : "system" }, tr.actorId);
		else if (to === "completed") await rt.raiseEvent(t, "commerce.order.completed", trio, tr.actorId);
		else if (to === "cancelled") await rt.raiseEvent(t, "commerce.order.cancelled", { ...base, reason: tr.cancelReason ?? "buyer_cancelled" }, tr.actorId);
		else if (to === "refunded") await rt.raiseEvent(t, "commerce.order.refunded", trio, tr.actorId);
		else if (to === "disputed" && tr.dispute) await rt.raiseEvent(t, "commerce.order.disputed", { ...base, disputeId: tr.dispute.id, reason: tr.dispute.reason }, tr.actorId);
	}
	return (await findOrder(db, o.id))!;
}

/** Counts orders reaching each status (nexgate_orders_total), once the change is committed. */
export function countOrders(rt: Pick<CommerceRuntime, "broker">, statuses: readonly OrderStatus[], times = 1): void {
	for (const status of statuses) countBusiness(rt.broker, "nexgate_orders_total", { status }, times);
}

/** Runs `work` on the locked order of a buyer or seller (404 for anyone else) and answers with the viewer's view. */
export async function withOrder(
	rt: CommerceRuntime,
	userId: string,
	orderId: string,
	work: (t: Transaction, o: OrderRow, role: Role) => Promise<OrderRow>
): Promise<OrderView> {
	const { row, role } = await inTransaction(rt.sequelize, async t => {
		const o = await findOrder(dbOf(rt, t), orderId, true);
		const r = o && roleOf(o, userId);
		if (!o || !r) throw CommerceError.orderNotFound();
		return { row: await work(t, o, r), role: r };
	});
	return (await orderViews(dbOf(rt), [row], () => role))[0];
}

// ---- the parties' actions ----

/**
 * Cancel before shipping. Unpaid: cancelled, stock back. Paid: the escrow is
 * refunded to the phone that paid (payments.refund, keyed by the order so a
 * retry never refunds twice) and the order ends refunded, stock back.
 */
export function cancelOrder(rt: CommerceRuntime, userId: string, orderId: string): Promise<OrderView> {
	return withOrder(rt, userId, orderId, async (t, o, role) => {
		const actor = role === "seller" ? "seller" : "buyer";
		const d = check(o, { action: "cancel", actor });
		if (d.to === "refunded") await refundEscrow(rt, o.id, `commerce:cancel:${o.id}`);
		return applyTransition(rt, t, o, { action: "cancel", actor, actorId: userId, cancelReason: actor === "seller" ? "seller_cancelled" : "buyer_cancelled" });
	});
}

export function shipOrder(rt: CommerceRuntime, userId: string, orderId: string, p: { carrier?: string; trackingRef?: string }): Promise<OrderView> {
	return withOrder(rt, userId, orderId, (t, o, role) =>
		applyTransition(rt, t, o, { action: "ship", actor: role === "seller" ? "seller" : "buyer", actorId: userId, carrier: p.carrier?.trim() || null, trackingRef: p.trackingRef?.trim() || null })
	);
}

/**
 * The buyer says the goods arrived: the escrow is released to the seller
 * (payments.releaseEscrow) and the order completes. If payments already
 * released it by itself (its auto-release window), that is the same outcome.
 */
export function confirmDelivery(rt: CommerceRuntime, userId: string, orderId: string): Promise<OrderView> {
	return withOrder(rt, userId, orderId, async (t, o, role) => {
		const actor = role === "buyer" ? "buyer" : "seller";
		check(o, { action: "confirm", actor });
		await releaseEscrow(rt, o.id);
		return applyTransition(rt, t, o, { action: "confirm", actor, actorId: userId });
	});
}

export async function releaseEscrow(rt: CommerceRuntime, orderId: string): Promise<void> {
	try {
		await rt.broker.call("payments.releaseEscrow", { purpose: orderPurpose(orderId) });
	} catch (err) {
		if ((err as { type?: string }).type !== "ESCROW_STATE") throw err;
		const escrow = await rt.broker.call<{ status: string }, unknown>("payments.getEscrow", { purpose: orderPurpose(orderId) });
		if (escrow.status !== "released") throw err;
	}
}

/**
 * Gives the whole escrow back to the phone that paid. A repeat after our own
 * transaction failed finds the escrow already refunded (payments answers
 * ESCROW_STATE): the same outcome, so the transition goes on.
 */
export async function refundEscrow(rt: CommerceRuntime, orderId: string, key: string): Promise<void> {
	try {
		await rt.broker.call("payments.refund", { purpose: orderPurpose(orderId), to: "provider", idempotencyKey: key });
	} catch (err) {
		if ((err as { type?: string }).type !== "ESCROW_STATE") throw err;
		const escrow = await rt.broker.call<{ status: string }, unknown>("payments.getEscrow", { purpose: orderPurpose(orderId) });
		if (escrow.status !== "refunded") throw err;
	}
}
