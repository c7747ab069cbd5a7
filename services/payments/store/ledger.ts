/**
 * The double-entry ledger in PostgreSQL. `post` writes one journal entry:
 * the transaction row first (its UNIQUE external_id makes a repeat a no-op),
 * then the accounts, locked in id order so concurrent entries never deadlock,
 * checked against going negative, updated, and the postings with the balance
 * each leaves. It must run inside the caller's transaction, so the entry
 * commits or rolls back with the state change (intent, escrow, payout) and
 * the outbox event it belongs to.
 */
import { unprocessable } from "../../../lib/errors";
import { newId } from "../../../lib/ids";
import { applyLegs, assertBalanced, effectiveLegs, type AccountRef, type JournalEntry } from "../rules/ledger";
import type { Currency } from "../rules/money";
import { execute, n, select, selectOne, type Db } from "../../../lib/db/sql";

export interface PostResult {
	transactionId: string;
	/** False when an entry with this external id already existed (nothing was posted again). */
	created: boolean;
}

interface AccountRow {
	id: string;
	code: string;
	balance: string;
	allow_negative: boolean;
}

/** Creates the accounts that do not exist yet (idempotent, race-free through the UNIQUE key). */
async function ensureAccounts(db: Db, refs: AccountRef[], currency: Currency): Promise<void> {
	const values: string[] = [];
	const replacements: Record<string, unknown> = { currency };
	refs.forEach((r, i) => {
		values.push(`(:id${i}, :code${i}, :currency, :kind${i}, :owner${i}, :neg${i})`);
		Object.assign(replacements, { [`id${i}`]: newId(), [`code${i}`]: r.code, [`kind${i}`]: r.kind, [`owner${i}`]: r.ownerId, [`neg${i}`]: r.allowNegative });
	});
	await execute(
		db,
		`INSERT INTO payments.accounts (id, code, currency, kind, owner_id, allow_negative) VALUES ${values.join(", ")} ON CONFLICT (code, currency) DO NOTHING`,
		replacements
	);
}

export async function post(db: Db, entry: JournalEntry): Promise<PostResult> {
	if (!db.t) throw new Error("ledger.post must run inside a transaction");
	assertBalanced(entry);
	const legs = effectiveLegs(entry);
	const inserted = await select<{ id: string }>(
		db,
		`INSERT INTO payments.ledger_transactions (id, external_id, kind, memo) VALUES (:id, :externalId, :kind, :memo)
		 ON CONFLICT (external_id) DO NOTHING RETURNING id`,
		{ id: newId(), externalId: entry.externalId, kind: entry.kind, memo: JSON.stringify(entry.memo ?? {}) }
	);
	if (inserted.length === 0) {
		const existing = await selectOne<{ id: string }>(db, "SELECT id FROM payments.ledger_transactions WHERE external_id = :e", { e: entry.externalId });
		return { transactionId: existing!.id, created: false };
	}
	const transactionId = inserted[0].id;

	await ensureAccounts(db, legs.map(l => l.account), entry.currency);
	const rows = await select<AccountRow>(
		db,
		`SELECT id, code, balance, allow_negative FROM payments.accounts WHERE currency = :currency AND code IN (:codes) ORDER BY id FOR UPDATE`,
		{ currency: entry.currency, codes: legs.map(l => l.account.code) }
	);
	const byCode = new Map(rows.map(r => [r.code, r]));
	const { next, overdrawn } = applyLegs(new Map(rows.map(r => [r.code, n(r.balance)])), legs);
	if (overdrawn.length)
		throw unprocessable("Insufficient funds", "INSUFFICIENT_FUNDS", { accounts: overdrawn.map(code => (code.startsWith("user:") ? "wallet" : code)) });

	const values: string[] = [];
	const replacements: Record<string, unknown> = { tx: transactionId, currency: entry.currency };
	legs.forEach((leg, i) => {
		values.push(`(:tx, :acct${i}, :amt${i}, :currency, :after${i})`);
		Object.assign(replacements, { [`acct${i}`]: byCode.get(leg.account.code)!.id, [`amt${i}`]: leg.amount, [`after${i}`]: next.get(leg.account.code) });
	});
	await execute(db, `INSERT INTO payments.ledger_postings (transaction_id, account_id, amount, currency, balance_after) VALUES ${values.join(", ")}`, replacements);
	const updates = legs.map((leg, i) => `(:uid${i}::uuid, :bal${i}::bigint)`);
	const upd: Record<string, unknown> = {};
	legs.forEach((leg, i) => Object.assign(upd, { [`uid${i}`]: byCode.get(leg.account.code)!.id, [`bal${i}`]: next.get(leg.account.code) }));
	await execute(
		db,
		`UPDATE payments.accounts a SET balance = v.balance, updated_at = now() FROM (VALUES ${updates.join(", ")}) AS v(id, balance) WHERE a.id = v.id`,
		upd
	);
	return { transactionId, created: true };
}

/** An account's balance (0 when it has never been used). */
export async function balanceOf(db: Db, code: string, currency: Currency): Promise<number> {
	const row = await selectOne<{ balance: string }>(db, "SELECT balance FROM payments.accounts WHERE code = :code AND currency = :currency", { code, currency });
	return row ? n(row.balance) : 0;
}

export interface InvariantReport {
	ok: boolean;
	accounts: number;
	transactions: number;
	postings: number;
	/** Per currency, the sum of every balance: 0 when no money was created or destroyed. */
	totals: Record<string, number>;
	problems: string[];
}

/**
 * Proves that no money was created or destroyed: every entry sums to zero per
 * currency, every cached balance equals the sum of its postings, the balances
 * of each currency sum to zero, and no account that may not be negative is.
 */
export async function checkInvariants(db: Db): Promise<InvariantReport> {
	const problems: string[] = [];
	const unbalanced = await select<{ transaction_id: string; currency: string; sum: string }>(
		db,
		`SELECT transaction_id, currency, sum(amount) AS sum FROM payments.ledger_postings GROUP BY transaction_id, currency HAVING sum(amount) <> 0 LIMIT 20`
	);
	for (const u of unbalanced) problems.push(`transaction ${u.transaction_id} sums to ${u.sum} ${u.currency}`);
	const drift = await select<{ code: string; currency: string; balance: string; sum: string }>(
		db,
		`SELECT a.code, a.currency, a.balance, coalesce(p.sum, 0) AS sum FROM payments.accounts a
		 LEFT JOIN (SELECT account_id, sum(amount) AS sum FROM payments.ledger_postings GROUP BY account_id) p ON p.account_id = a.id
		 WHERE a.balance <> coalesce(p.sum, 0) LIMIT 20`
	);
	for (const d of drift) problems.push(`account ${d.code} (${d.currency}) holds ${d.balance} but its postings sum to ${d.sum}`);
	const negative = await select<{ code: string; currency: string; balance: string }>(
		db,
		`SELECT code, currency, balance FROM payments.accounts WHERE NOT allow_negative AND balance < 0 LIMIT 20`
	);
	for (const a of negative) problems.push(`account ${a.code} (${a.currency}) is negative: ${a.balance}`);
	const totals: Record<string, number> = {};
	for (const r of await select<{ currency: string; sum: string }>(db, "SELECT currency, sum(balance) AS sum FROM payments.accounts GROUP BY currency")) {
		totals[r.currency] = n(r.sum);
		if (n(r.sum) !== 0) problems.push(`the balances of ${r.currency} sum to ${r.sum}, not 0`);
	}
	const [counts] = await select<{ accounts: string; transactions: string; postings: string }>(
		db,
		`SELECT (SELECT count(*) FROM payments.accounts) AS accounts, (SELECT count(*) FROM payments.ledger_transactions) AS transactions,
		        (SELECT count(*) FROM payments.ledger_postings) AS postings`
	);
	return { ok: problems.length === 0, accounts: n(counts.accounts), transactions: n(counts.transactions), postings: n(counts.postings), totals, problems };
}
