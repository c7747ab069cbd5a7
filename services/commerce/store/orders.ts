/** SQL for orders, their item snapshots and their history (docs/commerce.md "Orders"). */
import type { ShippingAddress } from "../rules/address";
import type { Actor, CancelReason, OrderStatus } from "../rules/order-state";
import { execute, select, selectOne, uuidArray, type Db } from "./db";

const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export interface OrderRow {
	id: string;
	number: string;
	checkout_id: string;
	buyer_id: string;
	shop_id: string;
	seller_id: string;
	status: OrderStatus;
	cancel_reason: CancelReason | null;
	currency: string;
	subtotal: number;
	delivery_fee: number;
	total: number;
	shipping_address: ShippingAddress;
	intent_id: string | null;
	carrier: string | null;
	tracking_ref: string | null;
	paid_at: Date | null;
	shipped_at: Date | null;
	delivered_at: Date | null;
	completes_at: Date | null;
	completed_at: Date | null;
	cancelled_at: Date | null;
	refunded_at: Date | null;
	created_at: Date;
	updated_at: Date;
}

export interface OrderItemRow {
	id: string;
	order_id: string;
	product_id: string;
	variant_id: string;
	title: string;
	sku: string | null;
	options: Record<string, string>;
	image_file_id: string | null;
	unit_price: number;
	quantity: number;
	line_total: number;
}

export interface HistoryRow {
	from_status: OrderStatus | null;
	to_status: OrderStatus;
	actor: Actor;
	actor_id: string | null;
	note: string | null;
	at: Date;
}

function toOrder(r: OrderRow): OrderRow {
	return { ...r, subtotal: n(r.subtotal), delivery_fee: n(r.delivery_fee), total: n(r.total) };
}

export async function nextOrderSequence(db: Db): Promise<number> {
	const row = await selectOne<{ v: string }>(db, "SELECT nextval('commerce.order_number_seq') AS v");
	return n(row?.v);
}

export async function insertOrder(
	db: Db,
	o: Pick<OrderRow, "id" | "number" | "checkout_id" | "buyer_id" | "shop_id" | "seller_id" | "currency" | "subtotal" | "delivery_fee" | "total" | "shipping_address">
): Promise<void> {
	await execute(
		db,
		`INSERT INTO commerce.orders (id, number, checkout_id, buyer_id, shop_id, seller_id, status, currency, subtotal, delivery_fee, total, shipping_address)
		 VALUES (:id, :number, :checkout_id, :buyer_id, :shop_id, :seller_id, 'pending_payment', :currency, :subtotal, :delivery_fee, :total, :address)`,
		{ ...o, address: JSON.stringify(o.shipping_address) }
	);
}

export async function insertItems(db: Db, orderId: string, items: ReadonlyArray<Omit<OrderItemRow, "order_id">>): Promise<void> {
	for (const [position, it] of items.entries())
		await execute(
			db,
			`INSERT INTO commerce.order_items (id, order_id, product_id, variant_id, title, sku, options, image_file_id, unit_price, quantity, line_total, position)
			 VALUES (:id, :orderId, :product_id, :variant_id, :title, :sku, :options, :image_file_id, :unit_price, :quantity, :line_total, :position)`,
			{ ...it, orderId, position, options: JSON.stringify(it.options ?? {}) }
		);
}

export async function insertHistory(db: Db, h: { orderId: string; from: OrderStatus | null; to: OrderStatus; actor: Actor; actorId: string | null; note?: string | null }): Promise<void> {
	await execute(
		db,
		`INSERT INTO commerce.order_history (order_id, from_status, to_status, actor, actor_id, note) VALUES (:orderId, :from, :to, :actor, :actorId, :note)`,
		{ ...h, note: h.note ?? null }
	);
}

export async function findOrder(db: Db, id: string, lock = false): Promise<OrderRow | null> {
	const row = await selectOne<OrderRow>(db, `SELECT * FROM commerce.orders WHERE id = :id${lock ? " FOR UPDATE" : ""}`, { id });
	return row && toOrder(row);
}

export async function ordersByIds(db: Db, ids: readonly string[]): Promise<OrderRow[]> {
	if (!ids.length) return [];
	const rows = await select<OrderRow>(db, `SELECT * FROM commerce.orders WHERE id = ANY(CAST(:ids AS uuid[])) ORDER BY created_at, number`, { ids: uuidArray(ids) });
	return rows.map(toOrder);
}

export async function ordersOfCheckout(db: Db, checkoutId: string): Promise<OrderRow[]> {
	const rows = await select<OrderRow>(db, "SELECT * FROM commerce.orders WHERE checkout_id = :checkoutId ORDER BY number", { checkoutId });
	return rows.map(toOrder);
}

/** Columns a transition may set. */
type Settable = Partial<Pick<OrderRow, "status" | "cancel_reason" | "intent_id" | "carrier" | "tracking_ref" | "paid_at" | "shipped_at" | "delivered_at" | "completes_at" | "completed_at" | "cancelled_at" | "refunded_at">>;

export async function updateOrder(db: Db, id: string, fields: Settable): Promise<void> {
	const keys = Object.keys(fields) as Array<keyof Settable>;
	if (!keys.length) return;
	const sets = keys.map(k => `${k} = :${k}`).join(", ");
	await execute(db, `UPDATE commerce.orders SET ${sets}, updated_at = now() WHERE id = :id`, { ...fields, id });
}

export async function setIntent(db: Db, checkoutId: string, intentId: string): Promise<void> {
	await execute(db, "UPDATE commerce.orders SET intent_id = :intentId, updated_at = now() WHERE checkout_id = :checkoutId AND intent_id IS NULL", { checkoutId, intentId });
}

export async function itemsOf(db: Db, orderIds: readonly string[]): Promise<Map<string, OrderItemRow[]>> {
	const out = new Map<string, OrderItemRow[]>(orderIds.map(id => [id, []]));
	if (!orderIds.length) return out;
	const rows = await select<OrderItemRow>(db, "SELECT * FROM commerce.order_items WHERE order_id = ANY(CAST(:ids AS uuid[])) ORDER BY order_id, position", { ids: uuidArray(orderIds) });
	for (const r of rows) out.get(r.order_id)?.push({ ...r, unit_price: n(r.unit_price), quantity: n(r.quantity), line_total: n(r.line_total) });
	return out;
}

export function historyOf(db: Db, orderId: string): Promise<HistoryRow[]> {
	return select<HistoryRow>(db, "SELECT from_status, to_status, actor, actor_id, note, at FROM commerce.order_history WHERE order_id = :orderId ORDER BY id", { orderId });
}

export interface ListQuery {
	after: [string, string] | null;
	limit: number;
	status?: OrderStatus;
}

/** Newest first, keyset on (created_at, id). */
export async function listOrders(db: Db, by: { buyerId: string } | { shopId: string }, q: ListQuery): Promise<OrderRow[]> {
	const where = ["buyerId" in by ? "buyer_id = :owner" : "shop_id = :owner"];
	if (q.status) where.push("status = :status");
	if (q.after) where.push("(created_at, id) < (CAST(:afterAt AS timestamptz), CAST(:afterId AS uuid))");
	const rows = await select<OrderRow>(db, `SELECT * FROM commerce.orders WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT :limit`, {
		owner: "buyerId" in by ? by.buyerId : by.shopId,
		status: q.status ?? null,
		afterAt: q.after?.[0] ?? null,
		afterId: q.after?.[1] ?? null,
		limit: q.limit
	});
	return rows.map(toOrder);
}

/** Shipped long enough ago that the completion worker marks them delivered. */
export async function shippedBefore(db: Db, before: Date, limit: number): Promise<string[]> {
	const rows = await select<{ id: string }>(db, "SELECT id FROM commerce.orders WHERE status = 'shipped' AND shipped_at <= :before ORDER BY shipped_at LIMIT :limit", { before, limit });
	return rows.map(r => r.id);
}

/** Awaiting a payment whose stock hold lapsed more than `graceS` ago. */
export async function unpaidPastHold(db: Db, graceS: number, limit: number): Promise<Array<{ id: string; intent_id: string | null }>> {
	return select<{ id: string; intent_id: string | null }>(
		db,
		`SELECT o.id, o.intent_id FROM commerce.orders o
		  WHERE o.status = 'pending_payment'
		    AND EXISTS (SELECT 1 FROM commerce.stock_reservations r WHERE r.order_id = o.id AND r.status = 'held' AND r.expires_at <= now() - make_interval(secs => :graceS))
		  ORDER BY o.created_at LIMIT :limit`,
		{ graceS, limit }
	);
}

/** Whether the product is in one of the buyer's orders with this status (reviews). */
export async function productIdsOfOrder(db: Db, orderId: string): Promise<string[]> {
	const rows = await select<{ product_id: string }>(db, "SELECT DISTINCT product_id FROM commerce.order_items WHERE order_id = :orderId", { orderId });
	return rows.map(r => r.product_id);
}
