/**
 * What payments tells commerce (durable events, group "commerce", each
 * processed once through handleOnce in the transaction of its effects):
 *
 * - payments.intent.succeeded: each allocation's order becomes paid and its
 *   reserved stock sold. Money for an order that is no longer waiting (the
 *   buyer cancelled, or the hold lapsed and the sweeper cancelled it) is
 *   refunded to the phone that paid, keyed by the order so it happens once.
 * - payments.intent.failed | expired: each waiting order is cancelled
 *   (payment_failed | payment_expired), its stock released and its items put
 *   back in the buyer's cart.
 * - payments.escrow.released: a delivered order whose escrow payments
 *   released by itself (auto-release after delivery) completes.
 */
import type { Transaction } from "sequelize";
import type { EventEnvelope } from "../../../lib/events/envelope";
import { newId } from "../../../lib/ids";
import type { CommerceRuntime } from "../runtime";
import { restoreItems } from "../store/cart";
import { findOrder, itemsOf, type OrderRow } from "../store/orders";
import { commitReservations } from "../store/reservations";
import { applyTransition, dbOf, refundEscrow } from "./orders";

type Allocated = { purpose: { type: string; id: string }; credited?: "escrow" | "wallet" };

function orderIdsOf(data: { purpose: { type: string; id: string }; allocations?: Allocated[] }): Allocated[] {
	const list = data.allocations?.length ? data.allocations : [{ purpose: data.purpose }];
	return list.filter(a => a.purpose.type === "order");
}

/** Paid: only an order still waiting moves; late money for a cancelled one goes back. */
export async function onIntentSucceeded(rt: CommerceRuntime, t: Transaction, e: EventEnvelope<"payments.intent.succeeded">): Promise<number> {
	let paid = 0;
	for (const a of orderIdsOf(e.data)) {
		const o = await findOrder(dbOf(rt, t), a.purpose.id, true);
		if (!o) {
			rt.logger.warn(`commerce: payment ${e.data.intentId} names unknown order ${a.purpose.id}`);
			continue;
		}
		if (o.status === "pending_payment") {
			await commitReservations(dbOf(rt, t), o.id);
			await applyTransition(rt, t, o, { action: "pay", actor: "system", actorId: null, note: `payment ${e.data.intentId}` });
			paid += 1;
		} else if (o.status === "cancelled" && !o.paid_at && a.credited !== "wallet") {
			// The escrow is still open and holds money for an order nobody will ship: give it back.
			await refundEscrow(rt, o.id, `commerce:late:${o.id}`);
			rt.logger.info(`commerce: late payment for cancelled order ${o.number} refunded`);
		}
	}
	return paid;
}

/** Not paid: waiting orders are cancelled with the reason, stock released, items back in the cart. */
export async function onIntentFailed(rt: CommerceRuntime, t: Transaction, e: EventEnvelope<"payments.intent.failed" | "payments.intent.expired">): Promise<number> {
	const reason = e.type === "payments.intent.expired" ? "payment_expired" : "payment_failed";
	let cancelled = 0;
	for (const a of orderIdsOf(e.data)) {
		const o = await findOrder(dbOf(rt, t), a.purpose.id, true);
		if (!o || o.status !== "pending_payment") continue;
		await cancelUnpaid(rt, t, o, reason);
		cancelled += 1;
	}
	return cancelled;
}

/** An unpaid order given up: cancelled, stock back (applyTransition), items back in the buyer's cart. */
export async function cancelUnpaid(rt: CommerceRuntime, t: Transaction, o: OrderRow, reason: "payment_failed" | "payment_expired"): Promise<void> {
	await applyTransition(rt, t, o, { action: "cancel", actor: "system", actorId: null, cancelReason: reason });
	const items = (await itemsOf(dbOf(rt, t), [o.id])).get(o.id) ?? [];
	await restoreItems(
		dbOf(rt, t),
		o.buyer_id,
		items.map(it => ({ id: newId(), productId: it.product_id, variantId: it.variant_id, quantity: it.quantity, unitPrice: it.unit_price })),
		rt.cfg.orders.cartMaxQuantity
	);
}

/** payments released a delivered order's escrow by itself: the order completes. */
export async function onEscrowReleased(rt: CommerceRuntime, t: Transaction, e: EventEnvelope<"payments.escrow.released">): Promise<boolean> {
	if (e.data.purpose.type !== "order") return false;
	const o = await findOrder(dbOf(rt, t), e.data.purpose.id, true);
	if (!o || o.status !== "delivered") return false;
	await applyTransition(rt, t, o, { action: "complete", actor: "system", actorId: null, note: `escrow released (${e.data.by})` });
	return true;
}
