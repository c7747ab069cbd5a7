/**
 * One payment for several escrows (a checkout across shops): the intent's
 * amount is split into allocations, one per purpose, each with its payee.
 * Without a split, the intent is one allocation: its purpose, payee and amount.
 */
export interface PurposeRef {
	type: "order" | "booking";
	id: string;
}

export interface AllocationInput {
	purpose: PurposeRef;
	payeeId?: string | null;
	amount: number;
}

export interface NormalisedAllocation {
	purpose: PurposeRef;
	payeeId: string | null;
	amount: number;
}

/** Enough for the widest checkout (one order per shop) without letting one intent lock thousands of purposes. */
export const MAX_ALLOCATIONS = 50;

export type AllocationProblem =
	| { code: "ALLOCATIONS_TOO_MANY"; message: string }
	| { code: "ALLOCATION_PURPOSE_REPEATED"; message: string }
	| { code: "ALLOCATIONS_PURPOSE_MISMATCH"; message: string }
	| { code: "ALLOCATIONS_SUM_MISMATCH"; message: string }
	| { code: "SELF_PAYMENT"; message: string };

export function normaliseAllocations(p: {
	payerId: string;
	payeeId?: string | null;
	amount: number;
	purpose: PurposeRef;
	allocations?: readonly AllocationInput[];
}): NormalisedAllocation[] | AllocationProblem {
	const list: NormalisedAllocation[] = p.allocations?.length
		? p.allocations.map(a => ({ purpose: { type: a.purpose.type, id: a.purpose.id }, payeeId: a.payeeId ?? null, amount: a.amount }))
		: [{ purpose: { type: p.purpose.type, id: p.purpose.id }, payeeId: p.payeeId ?? null, amount: p.amount }];
	if (list.length > MAX_ALLOCATIONS) return { code: "ALLOCATIONS_TOO_MANY", message: `At most ${MAX_ALLOCATIONS} allocations per payment` };
	const seen = new Set<string>();
	for (const a of list) {
		const key = `${a.purpose.type}:${a.purpose.id}`;
		if (seen.has(key)) return { code: "ALLOCATION_PURPOSE_REPEATED", message: `${key} appears twice` };
		seen.add(key);
		if (a.payeeId && a.payeeId === p.payerId) return { code: "SELF_PAYMENT", message: "The payer cannot pay themselves" };
	}
	if (list[0].purpose.type !== p.purpose.type || list[0].purpose.id !== p.purpose.id)
		return { code: "ALLOCATIONS_PURPOSE_MISMATCH", message: "The intent's purpose must be its first allocation's" };
	const sum = list.reduce((s, a) => s + a.amount, 0);
	if (sum !== p.amount) return { code: "ALLOCATIONS_SUM_MISMATCH", message: `The allocations add up to ${sum}, not ${p.amount}` };
	return list;
}

/** The payee an intent shows: the one payee when every allocation has the same, else none. */
export function singlePayee(list: readonly NormalisedAllocation[]): string | null {
	const payees = new Set(list.map(a => a.payeeId));
	return payees.size === 1 ? list[0].payeeId : null;
}
