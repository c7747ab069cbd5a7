/** How an intent's amount is split between purposes (one escrow each); every intent has at least one. */
import type { Purpose } from "./escrows";
import { execute, n, select, type Db } from "../../../lib/db/sql";

export interface Allocation {
	purpose: Purpose;
	payeeId: string | null;
	amount: number;
}

export async function insertAllocations(db: Db, intentId: string, allocations: readonly Allocation[]): Promise<void> {
	for (const [position, a] of allocations.entries())
		await execute(
			db,
			`INSERT INTO payments.intent_allocations (intent_id, position, purpose_type, purpose_id, payee_id, amount)
			 VALUES (:intentId, :position, :type, :id, :payeeId, :amount)`,
			{ intentId, position, type: a.purpose.type, id: a.purpose.id, payeeId: a.payeeId, amount: a.amount }
		);
}

export async function allocationsOf(db: Db, intentId: string): Promise<Allocation[]> {
	const rows = await select<{ purpose_type: Purpose["type"]; purpose_id: string; payee_id: string | null; amount: string }>(
		db,
		"SELECT purpose_type, purpose_id, payee_id, amount FROM payments.intent_allocations WHERE intent_id = :intentId ORDER BY position",
		{ intentId }
	);
	return rows.map(r => ({ purpose: { type: r.purpose_type, id: r.purpose_id }, payeeId: r.payee_id, amount: n(r.amount) }));
}

/** The status of an open or paid intent covering any of these purposes, if one exists. */
export async function busyPurpose(db: Db, purposes: readonly Purpose[]): Promise<"succeeded" | "open" | null> {
	const rows = await select<{ status: string }>(
		db,
		`SELECT i.status FROM payments.intent_allocations a JOIN payments.payment_intents i ON i.id = a.intent_id
		 WHERE (a.purpose_type, a.purpose_id) IN (SELECT * FROM unnest(ARRAY[:types]::text[], ARRAY[:ids]::uuid[]))
		   AND i.status IN ('pending', 'processing', 'succeeded')
		 ORDER BY i.status = 'succeeded' DESC LIMIT 1`,
		{ types: purposes.map(p => p.type), ids: purposes.map(p => p.id) }
	);
	if (!rows.length) return null;
	return rows[0].status === "succeeded" ? "succeeded" : "open";
}

/**
 * The succeeded collections of a provider that paid into a purpose, with their receipt and the whole amount the
 * receipt carried (all its allocations). A flagged one (part of it went to a wallet) has no usable receipt here.
 */
export function fundingCollections(db: Db, purpose: Purpose, provider: string): Promise<Array<{ intent_id: string; receipt: string | null; received_amount: string }>> {
	return select(
		db,
		`SELECT i.id AS intent_id, CASE WHEN i.flag IS NULL THEN i.receipt END AS receipt, coalesce(i.received_amount, i.amount) AS received_amount
		 FROM payments.intent_allocations a JOIN payments.payment_intents i ON i.id = a.intent_id
		 WHERE a.purpose_type = :type AND a.purpose_id = :id AND i.status = 'succeeded' AND i.provider = :provider
		 ORDER BY i.created_at`,
		{ type: purpose.type, id: purpose.id, provider }
	);
}
