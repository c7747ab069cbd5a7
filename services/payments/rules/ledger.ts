/**
 * The ledger's pure rules (PROVIDERS.md §4.2): the accounts by name, and the
 * check that a journal entry balances. Convention: an account's balance is
 * the sum of its postings; a transfer of x from A to B posts −x on A and +x
 * on B, so every entry sums to zero per currency. Accounts that stand for the
 * outside world (a provider's clearing account, suspense) may go negative;
 * user wallets, escrows and payouts in transit may not.
 */
import { assertAmount, type Currency } from "./money";

export type AccountKind = "wallet" | "escrow" | "clearing" | "revenue" | "in_transit" | "suspense";

export interface AccountRef {
	code: string;
	kind: AccountKind;
	ownerId: string | null;
	allowNegative: boolean;
}

export interface Leg {
	account: AccountRef;
	/** Signed minor units: negative leaves the account, positive enters it. */
	amount: number;
}

export interface JournalEntry {
	/** Unique per business fact (`collect:mpesa:<CheckoutRequestID>`, `release:<escrowId>`…): a second post is a no-op. */
	externalId: string;
	kind: string;
	currency: Currency;
	legs: Leg[];
	memo?: Record<string, unknown>;
}

export const accounts = {
	wallet: (userId: string): AccountRef => ({ code: `user:${userId}:wallet`, kind: "wallet", ownerId: userId, allowNegative: false }),
	escrow: (purposeType: string, purposeId: string): AccountRef => ({ code: `escrow:${purposeType}:${purposeId}`, kind: "escrow", ownerId: null, allowNegative: false }),
	clearing: (provider: string): AccountRef => ({ code: `provider:${provider}:clearing`, kind: "clearing", ownerId: null, allowNegative: true }),
	feeRevenue: (): AccountRef => ({ code: "platform:fee_revenue", kind: "revenue", ownerId: null, allowNegative: false }),
	payoutsInTransit: (): AccountRef => ({ code: "payouts:in_flight", kind: "in_transit", ownerId: null, allowNegative: false }),
	suspense: (): AccountRef => ({ code: "suspense", kind: "suspense", ownerId: null, allowNegative: true })
};

/** A transfer of `amount` from one account to another: the common two-legged entry. */
export function transfer(from: AccountRef, to: AccountRef, amount: number): Leg[] {
	return [
		{ account: from, amount: -amount },
		{ account: to, amount }
	];
}

/** One source paying several accounts (a payment split across escrows): one leg per distinct account. */
export function fanOut(from: AccountRef, parts: readonly { to: AccountRef; amount: number }[]): Leg[] {
	const byCode = new Map<string, Leg>();
	for (const p of parts) {
		const leg = byCode.get(p.to.code);
		if (leg) leg.amount += p.amount;
		else byCode.set(p.to.code, { account: p.to, amount: p.amount });
	}
	const total = parts.reduce((s, p) => s + p.amount, 0);
	return [{ account: from, amount: -total }, ...byCode.values()];
}

export class UnbalancedEntry extends Error {
	constructor(message: string) {
		super(message);
		this.name = "UnbalancedEntry";
	}
}

/** Refuses an entry that does not sum to zero, has an empty or zero leg, or repeats an account. */
export function assertBalanced(entry: JournalEntry): void {
	const legs = entry.legs.filter(l => l.amount !== 0);
	if (legs.length < 2) throw new UnbalancedEntry(`entry ${entry.externalId} needs at least two non-zero legs`);
	const seen = new Set<string>();
	let sum = 0;
	for (const leg of legs) {
		assertAmount(Math.abs(leg.amount));
		if (seen.has(leg.account.code)) throw new UnbalancedEntry(`entry ${entry.externalId} names ${leg.account.code} twice`);
		seen.add(leg.account.code);
		sum += leg.amount;
	}
	if (sum !== 0) throw new UnbalancedEntry(`entry ${entry.externalId} sums to ${sum}, not 0`);
}

/** The legs that actually move money (zero legs, e.g. a 0 % commission, are dropped). */
export function effectiveLegs(entry: JournalEntry): Leg[] {
	return entry.legs.filter(l => l.amount !== 0);
}

/** Balances after applying legs; the accounts that would go below zero where they may not. */
export function applyLegs(balances: Map<string, number>, legs: Leg[]): { next: Map<string, number>; overdrawn: string[] } {
	const next = new Map(balances);
	const overdrawn: string[] = [];
	for (const leg of legs) {
		const after = (next.get(leg.account.code) ?? 0) + leg.amount;
		next.set(leg.account.code, after);
		if (after < 0 && !leg.account.allowNegative) overdrawn.push(leg.account.code);
	}
	return { next, overdrawn };
}
