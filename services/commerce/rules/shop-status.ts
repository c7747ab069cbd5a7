/**
 * The shop's life (docs/commerce.md "Shops"): a new shop waits for
 * verification; an administrator approves it (active) or rejects it with a
 * reason (the seller may submit again); an administrator may suspend an active
 * or waiting shop and reinstate it. Only an active shop publishes products,
 * shows in search and receives payouts.
 */
export const SHOP_STATUSES = ["pending_verification", "active", "rejected", "suspended"] as const;
export type ShopStatus = (typeof SHOP_STATUSES)[number];

export type ShopAction = "submit_verification" | "approve" | "reject" | "suspend" | "reinstate";

const FROM: Record<ShopAction, readonly ShopStatus[]> = {
	// A rejected seller fixes the documents and submits again; an active shop has nothing left to prove.
	submit_verification: ["pending_verification", "rejected"],
	approve: ["pending_verification"],
	reject: ["pending_verification"],
	suspend: ["active", "pending_verification"],
	reinstate: ["suspended"]
};

export function canDo(status: ShopStatus, action: ShopAction): boolean {
	return FROM[action].includes(status);
}

/** Where an allowed action leads. A reinstated shop is active only if it was ever verified. */
export function nextStatus(status: ShopStatus, action: ShopAction, wasVerified: boolean): ShopStatus {
	if (!canDo(status, action)) throw new Error(`shop ${status} cannot ${action}`);
	switch (action) {
		case "submit_verification":
			return "pending_verification";
		case "approve":
			return "active";
		case "reject":
			return "rejected";
		case "suspend":
			return "suspended";
		case "reinstate":
			return wasVerified ? "active" : "pending_verification";
	}
}

/** Products of this shop may be published and bought. */
export const sells = (status: ShopStatus) => status === "active";
/** Money from this shop's escrows may go to its owner (payments asks through the order, which checked this at checkout). */
export const receivesPayouts = sells;
/** Who sees a shop that is not active: its owner and administrators; everyone else gets 404. */
export const publiclyVisible = sells;
