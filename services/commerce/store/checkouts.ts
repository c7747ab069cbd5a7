/**
 * Checkouts: the idempotency record of POST /commerce/checkout, one per
 * (buyer, Idempotency-Key), written in the transaction that holds the cart.
 */
import { execute, selectOne, type Db } from "./db";

export interface CheckoutRow {
	id: string;
	buyer_id: string;
	idempotency_key: string;
	fingerprint: string;
	status: "awaiting_payment" | "created";
	currency: string;
	total: number;
	payment: { methodId: string } | { provider: string; phone: string };
	intent_id: string | null;
	created_at: Date;
}

export async function findCheckout(db: Db, buyerId: string, key: string): Promise<CheckoutRow | null> {
	const row = await selectOne<CheckoutRow>(db, `SELECT * FROM commerce.checkouts WHERE buyer_id = :buyerId AND idempotency_key = :key`, { buyerId, key });
	return row && { ...row, total: Number(row.total) };
}

export async function checkoutById(db: Db, id: string, lock = false): Promise<CheckoutRow | null> {
	const row = await selectOne<CheckoutRow>(db, `SELECT * FROM commerce.checkouts WHERE id = :id${lock ? " FOR UPDATE" : ""}`, { id });
	return row && { ...row, total: Number(row.total) };
}

export async function markCreated(db: Db, id: string, intentId: string): Promise<void> {
	await execute(db, "UPDATE commerce.checkouts SET status = 'created', intent_id = :intentId WHERE id = :id", { id, intentId });
}

export async function deleteCheckout(db: Db, id: string): Promise<void> {
	await execute(db, "DELETE FROM commerce.checkouts WHERE id = :id", { id });
}
