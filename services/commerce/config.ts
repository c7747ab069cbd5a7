/**
 * The commerce domain's own variables (docs/configuration.md, "Commerce").
 * Parsed once when the service starts; a bad value stops start-up naming it.
 */
import { int, num, type Env } from "../../lib/config/env";

export interface CommerceConfig {
	/** Shops one user may own (any status): opening shops costs the verification team's time. */
	shopsPerOwnerMax: number;
	/** Trigram similarity a title needs to be offered when full-text search finds nothing (0–1). */
	searchTrigramThreshold: number;
	/** Variants one product may carry. */
	variantsMax: number;
	/** Cart, checkout and orders (ORD; docs/commerce.md "Cart", "Checkout", "Orders", "Reviews"). */
	orders: {
		/** How long checkout holds stock for a payment; the payment's lifetime is a minute less. */
		reservationSeconds: number;
		/** An unpaid order whose hold lapsed this long ago is cancelled by the sweeper if payments has no final answer by then. */
		paymentGraceSeconds: number;
		/** Distinct lines in one cart (one payment splits into at most this many shops). */
		cartMaxItems: number;
		/** Units of one variant per cart line. */
		cartMaxQuantity: number;
		/** A shipped order the buyer has not confirmed is marked delivered after this; payments then releases its escrow after its own window. */
		autoDeliverHours: number;
		/** How often each commerce node sweeps lapsed holds and long-shipped orders. */
		sweepSeconds: number;
		/** A review reported by this many different users is hidden from lists (0: never). */
		reviewHideReports: number;
	};
}

export function loadCommerceConfig(env: Env = process.env): CommerceConfig {
	return {
		shopsPerOwnerMax: int(env, "COMMERCE_SHOPS_PER_OWNER_MAX", 5, 1, 1000),
		searchTrigramThreshold: num(env, "COMMERCE_SEARCH_TRGM_THRESHOLD", 0.3, 0.05, 1),
		variantsMax: int(env, "COMMERCE_VARIANTS_MAX", 50, 1, 500),
		orders: {
			reservationSeconds: int(env, "COMMERCE_RESERVATION_MINUTES", 15, 2, 24 * 60) * 60,
			paymentGraceSeconds: int(env, "COMMERCE_PAYMENT_GRACE_SECONDS", 120, 0, 86_400),
			cartMaxItems: int(env, "COMMERCE_CART_MAX_ITEMS", 50, 1, 50),
			cartMaxQuantity: int(env, "COMMERCE_CART_MAX_QUANTITY", 99, 1, 10_000),
			autoDeliverHours: int(env, "COMMERCE_AUTO_DELIVER_HOURS", 14 * 24, 1, 24 * 90),
			sweepSeconds: int(env, "COMMERCE_ORDER_SWEEP_SECONDS", 30, 1, 3600),
			reviewHideReports: int(env, "COMMERCE_REVIEW_HIDE_REPORTS", 5, 0, 1000)
		}
	};
}
