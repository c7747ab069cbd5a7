/**
 * Disputes (docs/commerce.md "Orders"): the buyer disputes a paid, shipped or
 * delivered order, which freezes its escrow (payments.freezeEscrow: neither
 * released nor refunded until decided); an admin resolves it through
 * payments.resolveDispute — release to the seller (completed), refund the
 * buyer, or split (both refunded: the buyer got money back) — and the party it
 * went against is named for the users' trust score.
 */
import { inTransaction } from "../../../lib/db/transaction";
import { newId } from "../../../lib/ids";
import { CommerceError } from "../errors";
import type { CommerceRuntime } from "../runtime";
import { execute, selectOne } from "../store/db";
import { findOrder } from "../store/orders";
import { applyTransition, check, dbOf, orderPurpose, orderViews, withOrder, type OrderView } from "./orders";

export const DISPUTE_REASON_MAX = 1000;

export function openDispute(rt: CommerceRuntime, userId: string, orderId: string, reason: string): Promise<OrderView> {
	const text = reason.normalize("NFC").trim();
	if (!text || [...text].length > DISPUTE_REASON_MAX) throw CommerceError.invalid("reason", `1–${DISPUTE_REASON_MAX} characters`);
	return withOrder(rt, userId, orderId, async (t, o, role) => {
		const actor = role === "buyer" ? "buyer" : "seller";
		check(o, { action: "dispute", actor });
		await rt.broker.call("payments.freezeEscrow", { purpose: orderPurpose(o.id), reason: text.slice(0, 500) });
		const id = newId();
		await execute(
			dbOf(rt, t),
			"INSERT INTO commerce.disputes (id, order_id, opened_by, reason, opened_from, status) VALUES (:id, :orderId, :userId, :reason, :from, 'open')",
			{ id, orderId: o.id, userId, reason: text, from: o.status }
		);
		return applyTransition(rt, t, o, { action: "dispute", actor, actorId: userId, dispute: { id, reason: text }, note: text });
	});
}

export interface Resolution {
	resolution: "release" | "refund" | "split";
	/** split only: what goes back to the buyer; the rest is released to the seller. */
	refundAmount?: number;
}

export async function resolveDispute(rt: CommerceRuntime, adminId: string, orderId: string, r: Resolution): Promise<OrderView> {
	const row = await inTransaction(rt.sequelize, async t => {
		const db = dbOf(rt, t);
		const o = await findOrder(db, orderId, true);
		if (!o) throw CommerceError.orderNotFound();
		const dispute = await selectOne<{ id: string }>(db, "SELECT id FROM commerce.disputes WHERE order_id = :orderId AND status = 'open' FOR UPDATE", { orderId });
		if (!dispute) throw CommerceError.disputeNotFound();
		check(o, { action: "resolve", actor: "admin", resolution: r.resolution });
		if (r.resolution === "split" && !(Number.isInteger(r.refundAmount) && r.refundAmount! > 0 && r.refundAmount! < o.total))
			throw CommerceError.invalid("refundAmount", `a split refunds between 1 and ${o.total - 1}`);
		await rt.broker.call("payments.resolveDispute", {
			purpose: orderPurpose(o.id),
			resolution: r.resolution,
			...(r.resolution === "split" ? { refundAmount: r.refundAmount } : {}),
			to: "provider"
		});
		const loserId = r.resolution === "release" ? o.buyer_id : r.resolution === "refund" ? o.seller_id : null;
		await execute(
			db,
			`UPDATE commerce.disputes SET status = 'resolved', resolution = :resolution, refund_amount = :refund, loser_id = :loserId, resolved_by = :adminId, resolved_at = now()
			  WHERE id = :id`,
			{ id: dispute.id, resolution: r.resolution, refund: r.resolution === "refund" ? o.total : r.resolution === "split" ? r.refundAmount : 0, loserId, adminId }
		);
		await rt.raiseEvent(t, "commerce.dispute.resolved", { disputeId: dispute.id, orderId: o.id, buyerId: o.buyer_id, sellerId: o.seller_id, loserId }, adminId);
		return applyTransition(rt, t, o, { action: "resolve", actor: "admin", actorId: adminId, resolution: r.resolution, note: r.resolution });
	});
	return (await orderViews(dbOf(rt), [row], () => "admin"))[0];
}
