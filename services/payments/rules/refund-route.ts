/**
 * How a refund `to: "provider"` reaches the payer (issue 7 §8, "reversal or
 * payout"). Pure: the escrow flow gathers the facts, this decides.
 *
 * A reversal gives the collection itself back (no new transfer to a number,
 * no B2C float needed), so it is used whenever the provider has one and the
 * money is traceable to exactly one collection receipt. Daraja's reversal
 * takes an Amount, but PROVIDERS.md §1.8 does not confirm that less than the
 * receipt's amount is honoured, so a partial reversal (a part of one order,
 * or one order's share of a multi-order collection) is opt-in
 * (MPESA_REVERSAL_PARTIAL); without it those refunds go by payout, as before.
 */

export interface RefundRouteFacts {
	/** The provider has a reversal API and it is enabled. */
	reversible: boolean;
	partialAllowed: boolean;
	/** The collections that filled this escrow, with their receipts (null when the provider sent none). */
	collections: Array<{ receipt: string | null; amount: number }>;
	/** Already reversed, or being reversed, of that receipt (other refunds, other escrows of the same collection). */
	alreadyReversed: number;
	amount: number;
}

export type RefundRoute = { rail: "reversal"; receipt: string } | { rail: "payout"; why: string };

export function refundRoute(f: RefundRouteFacts): RefundRoute {
	if (!f.reversible) return { rail: "payout", why: "the provider has no reversal" };
	if (f.collections.length !== 1) return { rail: "payout", why: f.collections.length === 0 ? "no collection found" : "funded by several collections" };
	const [c] = f.collections;
	if (!c.receipt) return { rail: "payout", why: "the collection has no receipt" };
	if (f.amount <= 0 || f.alreadyReversed + f.amount > c.amount) return { rail: "payout", why: "more than the receipt has left" };
	const full = f.alreadyReversed === 0 && f.amount === c.amount;
	if (!full && !f.partialAllowed) return { rail: "payout", why: "partial reversal disabled" };
	return { rail: "reversal", receipt: c.receipt };
}
