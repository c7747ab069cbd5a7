/** Payouts (withdrawals and refunds to a phone, by transfer or by reversal of the collection) and their view. */
import type { Currency } from "../rules/money";
import { maskPhone, type ProviderName } from "../rules/providers";
import { n, select, selectOne, type Db } from "../../../lib/db/sql";

export type PayoutStatusName = "pending" | "processing" | "paid" | "failed";
/** `payout`: a new transfer to the phone (B2C, cash-in, wallet-to-mobile); `reversal`: the collection given back by its receipt. */
export type PayoutRail = "payout" | "reversal";

export interface PayoutRow {
	id: string;
	user_id: string;
	method_id: string | null;
	amount: string;
	currency: Currency;
	provider: ProviderName;
	phone: string;
	reason: "withdrawal" | "refund";
	status: PayoutStatusName;
	rail: PayoutRail;
	/** For a reversal: the receipt of the collection it gives back. */
	original_receipt: string | null;
	provider_reference: string | null;
	callback_token_hash: string;
	idempotency_key: string | null;
	failure_code: string | null;
	failure_reason: string | null;
	next_check_at: Date;
	checks: number;
	created_at: Date;
	updated_at: Date;
	finished_at: Date | null;
}

export function payoutView(p: PayoutRow) {
	return {
		id: p.id,
		status: p.status,
		amount: n(p.amount),
		currency: p.currency,
		provider: p.provider,
		phone: maskPhone(p.phone),
		reason: p.reason,
		rail: p.rail,
		methodId: p.method_id,
		failure: p.failure_code ? { code: p.failure_code, reason: p.failure_reason } : null,
		createdAt: new Date(p.created_at).toISOString(),
		updatedAt: new Date(p.updated_at).toISOString()
	};
}

export function findPayout(db: Db, id: string, lock = false): Promise<PayoutRow | null> {
	return selectOne<PayoutRow>(db, `SELECT * FROM payments.payouts WHERE id = :id${lock ? " FOR UPDATE" : ""}`, { id });
}

export function claimDuePayouts(db: Db, limit: number, firstS: number, maxS: number): Promise<PayoutRow[]> {
	return select<PayoutRow>(
		db,
		`UPDATE payments.payouts p SET checks = p.checks + 1,
		        next_check_at = now() + make_interval(secs => LEAST(:maxS, :firstS * power(2, LEAST(p.checks, 20))))
		 WHERE p.id IN (SELECT id FROM payments.payouts WHERE status IN ('pending', 'processing') AND next_check_at <= now()
		                ORDER BY next_check_at LIMIT :limit FOR UPDATE SKIP LOCKED)
		 RETURNING p.*`,
		{ limit, firstS, maxS }
	);
}

/** How much of a receipt is reversed or being reversed (failed reversals gave nothing back). */
export async function reversedOfReceipt(db: Db, receipt: string): Promise<number> {
	const row = await selectOne<{ total: string | null }>(
		db,
		"SELECT sum(amount) AS total FROM payments.payouts WHERE rail = 'reversal' AND original_receipt = :receipt AND status <> 'failed'",
		{ receipt }
	);
	return row?.total ? n(row.total) : 0;
}
