/**
 * Escrow (PROVIDERS.md §4.2 rule 5): held → released | refunded | disputed,
 * disputed → released | refunded | split. Terminal states are absorbing.
 * Partial refunds keep an escrow held with what is left; the last unit out
 * decides the terminal state.
 */
export const ESCROW_STATUSES = ["held", "disputed", "released", "refunded", "split"] as const;
export type EscrowStatus = (typeof ESCROW_STATUSES)[number];

export type EscrowAction = "collect" | "release" | "refund" | "dispute" | "resolve";

/** Why an action is refused in a state, or null when it is allowed. */
export function refusal(status: EscrowStatus, action: EscrowAction): string | null {
	switch (action) {
		case "collect":
			return status === "held" || status === "disputed" ? null : `the escrow is already ${status}`;
		case "release":
		case "refund":
			return status === "held" ? null : status === "disputed" ? "the escrow is disputed: an admin resolves it" : `the escrow is already ${status}`;
		case "dispute":
			return status === "held" ? null : `only a held escrow can be disputed (it is ${status})`;
		case "resolve":
			return status === "disputed" ? null : `only a disputed escrow can be resolved (it is ${status})`;
	}
}

export interface EscrowAmounts {
	collected: number;
	released: number;
	commission: number;
	refunded: number;
}

/** What the escrow still holds. */
export function remaining(e: EscrowAmounts): number {
	return e.collected - e.released - e.commission - e.refunded;
}
