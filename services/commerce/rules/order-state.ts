/**
 * The order state machine (issue 8 item 7), pure: which transitions exist,
 * who may ask for each, and the guards that must hold. The flows lock the
 * order row, ask `decide`, and write the new status, a history row and the
 * transition's event in one transaction.
 *
 *   pending_payment ─pay→ paid ─ship→ shipped ─deliver→ delivered ─complete→ completed
 *         │                 │            │                  │
 *         └─cancel→ cancelled ←─cancel───┘ (before shipping) │
 *                     └─refund→ refunded (only if it had been paid)
 *   paid | shipped | delivered ─dispute→ disputed ─resolve→ completed | refunded
 */

export const ORDER_STATUSES = ["pending_payment", "paid", "shipped", "delivered", "completed", "cancelled", "refunded", "disputed"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const CANCEL_REASONS = ["payment_failed", "payment_expired", "buyer_cancelled", "seller_cancelled"] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

export type Actor = "buyer" | "seller" | "system" | "admin";

export type OrderAction = "pay" | "cancel" | "ship" | "deliver" | "confirm" | "complete" | "refund" | "dispute" | "resolve";

interface Edge {
	from: readonly OrderStatus[];
	to: OrderStatus;
	actors: readonly Actor[];
}

/**
 * `confirm` is the buyer saying the goods arrived: from shipped it passes
 * through delivered (two history rows), from delivered it completes.
 * `deliver` is the system marking a long-shipped order delivered.
 */
const EDGES: Record<OrderAction, Edge> = {
	pay: { from: ["pending_payment"], to: "paid", actors: ["system"] },
	cancel: { from: ["pending_payment", "paid"], to: "cancelled", actors: ["buyer", "seller", "system"] },
	ship: { from: ["paid"], to: "shipped", actors: ["seller"] },
	deliver: { from: ["shipped"], to: "delivered", actors: ["system"] },
	confirm: { from: ["shipped", "delivered"], to: "completed", actors: ["buyer"] },
	complete: { from: ["delivered"], to: "completed", actors: ["system"] },
	refund: { from: ["cancelled"], to: "refunded", actors: ["system"] },
	dispute: { from: ["paid", "shipped", "delivered"], to: "disputed", actors: ["buyer"] },
	resolve: { from: ["disputed"], to: "completed", actors: ["admin"] }
};

export interface OrderFacts {
	status: OrderStatus;
	/** When the payment was confirmed; null if it never was. */
	paidAt: Date | null;
}

export type Decision = { ok: true; to: OrderStatus; path: OrderStatus[] } | { ok: false; code: "ORDER_STATE" | "NOT_ALLOWED"; allowedFrom: readonly OrderStatus[] };

/**
 * Whether `actor` may apply `action` to an order in this state, and the
 * statuses it passes through (`path`, last = new status). `resolution` only
 * matters for `resolve`: a refund (full or split) ends refunded, a release completed.
 */
export function decide(order: OrderFacts, action: OrderAction, actor: Actor, resolution?: "release" | "refund" | "split"): Decision {
	const edge = EDGES[action];
	if (!edge.actors.includes(actor)) return { ok: false, code: "NOT_ALLOWED", allowedFrom: edge.from };
	if (!edge.from.includes(order.status)) return { ok: false, code: "ORDER_STATE", allowedFrom: edge.from };
	// Guard: only money that was taken can be given back.
	if (action === "refund" && !order.paidAt) return { ok: false, code: "ORDER_STATE", allowedFrom: edge.from };
	if (action === "confirm" && order.status === "shipped") return { ok: true, to: "completed", path: ["delivered", "completed"] };
	if (action === "resolve") {
		const to: OrderStatus = resolution === "release" ? "completed" : "refunded";
		return { ok: true, to, path: [to] };
	}
	// A paid order cancelled is refunded in the same step: cancelled, then refunded.
	if (action === "cancel" && order.status === "paid") return { ok: true, to: "refunded", path: ["cancelled", "refunded"] };
	return { ok: true, to: edge.to, path: [edge.to] };
}

/** The actions an actor could take now (clients show buttons from this). */
export function availableActions(order: OrderFacts, actor: Actor): OrderAction[] {
	return (Object.keys(EDGES) as OrderAction[]).filter(a => a !== "resolve" && decide(order, a, actor).ok);
}

/** Statuses from which nothing moves any more. */
export function isFinal(status: OrderStatus): boolean {
	return status === "completed" || status === "refunded" || status === "cancelled";
}

