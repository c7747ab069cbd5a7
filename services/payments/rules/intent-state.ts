/**
 * The payment intent's life (issue 7 §3): pending → processing →
 * succeeded | failed | cancelled | expired. Final states are absorbing, with
 * one documented exception handled by the settle flow, not here: money that
 * arrives after expiry is still booked (to the payer's wallet), the intent
 * stays expired and is flagged (PROVIDERS.md §4.2 rule 10).
 */
export const INTENT_STATUSES = ["pending", "processing", "succeeded", "failed", "cancelled", "expired"] as const;
export type IntentStatus = (typeof INTENT_STATUSES)[number];

const NEXT: Record<IntentStatus, readonly IntentStatus[]> = {
	pending: ["processing", "succeeded", "failed", "cancelled", "expired"],
	processing: ["succeeded", "failed", "cancelled", "expired"],
	succeeded: [],
	failed: [],
	cancelled: [],
	expired: []
};

export function canMove(from: IntentStatus, to: IntentStatus): boolean {
	return NEXT[from].includes(to);
}

/** What the provider finally said about a collection, after confirmation. */
export type CollectionOutcome =
	| { state: "succeeded"; amountMinor: number | null; receipt: string | null; phone: string | null }
	| { state: "failed" | "cancelled"; code: string; reason: string };
