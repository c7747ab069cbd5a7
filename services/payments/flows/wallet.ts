/** The user's money: wallet balance, sales still held in escrow, and the wallet's postings. */
import { badRequest, ErrorType } from "../../../lib/errors";
import { readPage, toPage } from "../../../lib/pagination";
import type { Currency } from "../rules/money";
import { accounts } from "../rules/ledger";
import { dbOf, type PaymentsRuntime } from "../runtime";
import { balanceOf } from "../store/ledger";
import { n, select } from "../../../lib/db/sql";

export async function wallet(rt: PaymentsRuntime, userId: string, currency: Currency) {
	const db = dbOf(rt);
	const available = await balanceOf(db, accounts.wallet(userId).code, currency);
	const [held] = await select<{ sum: string | null }>(
		db,
		`SELECT sum(collected - released - commission - refunded) AS sum FROM payments.escrows WHERE payee_id = :userId AND currency = :currency AND status IN ('held', 'disputed')`,
		{ userId, currency }
	);
	return { currency, available, held: n(held?.sum) };
}

interface PostingRow {
	id: string;
	transaction_id: string;
	kind: string;
	amount: string;
	currency: Currency;
	balance_after: string;
	memo: Record<string, unknown>;
	created_at: Date;
}

/** Newest first; the cursor is the posting id (a bigserial, so strictly ordered). */
export async function transactions(rt: PaymentsRuntime, userId: string, params: { cursor?: string; limit?: number; currency?: Currency }) {
	const { limit, after } = readPage<string>(params);
	if (after !== null && (typeof after !== "string" || !/^\d{1,19}$/.test(after))) throw badRequest("Invalid cursor", ErrorType.INVALID_CURSOR);
	const rows = await select<PostingRow>(
		dbOf(rt),
		`SELECT p.id, p.transaction_id, t.kind, p.amount, p.currency, p.balance_after, t.memo, p.created_at
		 FROM payments.ledger_postings p JOIN payments.accounts a ON a.id = p.account_id JOIN payments.ledger_transactions t ON t.id = p.transaction_id
		 WHERE a.code = :code ${params.currency ? "AND a.currency = :currency" : ""} ${after ? "AND p.id < :after" : ""}
		 ORDER BY p.id DESC LIMIT :take`,
		{ code: accounts.wallet(userId).code, currency: params.currency, after, take: limit + 1 }
	);
	const page = toPage(rows, limit, r => String(r.id));
	return {
		items: page.items.map(r => ({
			id: String(r.id),
			transactionId: r.transaction_id,
			kind: r.kind,
			amount: n(r.amount),
			currency: r.currency,
			balanceAfter: n(r.balance_after),
			reference: (r.memo.payoutId ?? r.memo.escrowId ?? r.memo.intentId ?? null) as string | null,
			createdAt: new Date(r.created_at).toISOString()
		})),
		nextCursor: page.nextCursor
	};
}
