/** The commerce domain's error types (docs/commerce.md lists them). */
import { badRequest, conflict, ErrorType, forbidden, notFound, unprocessable } from "../../lib/errors";

export const CommerceError = {
	invalid: (field: string, message: string) => badRequest(`${field}: ${message}`, ErrorType.VALIDATION_ERROR, [{ field, type: "invalid", message }]),
	// ---- shops and verification (CAT) ----
	/** Absent, or not visible to the caller (a shop not yet active is its owner's and the admins'). */
	shopNotFound: () => notFound("Shop not found", "SHOP_NOT_FOUND"),
	notShopOwner: () => forbidden("Only the shop's owner may do this", "NOT_SHOP_OWNER"),
	slugTaken: (slug: string) => conflict(`The shop address "${slug}" is taken`, "SLUG_TAKEN", { slug }),
	tooManyShops: (max: number) => unprocessable(`A user may own at most ${max} shops`, "TOO_MANY_SHOPS", { max }),
	shopState: (status: string, action: string) => conflict(`A shop that is ${status} cannot ${action}`, "SHOP_STATE", { status, action }),
	shopNotActive: () => unprocessable("Only a verified (active) shop can publish products", "SHOP_NOT_ACTIVE"),
	verificationPending: () => conflict("A verification is already waiting for review", "VERIFICATION_PENDING"),
	noVerification: () => notFound("This shop has not submitted a verification", "VERIFICATION_NOT_FOUND"),
	noPendingVerification: () => conflict("This shop has no verification waiting for review", "NO_PENDING_VERIFICATION"),
	// ---- catalog (CAT) ----
	productNotFound: () => notFound("Product not found", "PRODUCT_NOT_FOUND"),
	variantNotFound: (id: string) => notFound(`Variant ${id} not found`, "VARIANT_NOT_FOUND", { variantId: id }),
	categoryNotFound: () => unprocessable("No such category", "CATEGORY_NOT_FOUND"),
	currencyMismatch: (shop: string) => unprocessable(`This shop sells in ${shop}`, "CURRENCY_MISMATCH", { currency: shop }),
	stockConflict: (variantId: string, available: number) =>
		conflict("The stock changed while you edited it (orders reserve stock); adjust by a difference or set again", "STOCK_CONFLICT", { variantId, available }),
	duplicateSku: (sku: string) => conflict(`SKU "${sku}" is used twice in this product`, "DUPLICATE_SKU", { sku }),
	// ---- cart, checkout, orders, reviews (ORD) ----
	cartItemNotFound: () => notFound("Cart item not found", "CART_ITEM_NOT_FOUND"),
	productUnavailable: () => unprocessable("This product cannot be bought now", "PRODUCT_UNAVAILABLE"),
	variantRequired: () => unprocessable("This product has several variants: choose one (variantId)", "VARIANT_REQUIRED"),
	ownProduct: () => unprocessable("You cannot buy from your own shop", "OWN_PRODUCT"),
	insufficientStock: (available: number) => unprocessable(`Only ${available} left`, "INSUFFICIENT_STOCK", { available }),
	quantityTooLarge: (max: number) => unprocessable(`At most ${max} of one item per cart line`, "QUANTITY_TOO_LARGE", { max }),
	cartFull: (max: number) => unprocessable(`A cart holds at most ${max} different items`, "CART_FULL", { max }),
	cartEmpty: () => unprocessable("The cart is empty", "CART_EMPTY"),
	mixedCurrencies: (currencies: string[]) => unprocessable("One payment cannot mix currencies: check out one currency at a time", "MIXED_CURRENCIES", { currencies }),
	/** Stock ran out for some lines (data.changes says which and how many are left); nothing was reserved. */
	outOfStock: (changes: unknown[]) => conflict("Some items sold out or have less stock than you asked for", "OUT_OF_STOCK", { changes }),
	/** Prices changed since the buyer last saw them; the cart now shows the new ones and a repeat goes through. */
	cartChanged: (changes: unknown[]) => conflict("Prices in your cart changed", "CART_CHANGED", { changes }),
	idempotencyKeyRequired: () => badRequest("Send an Idempotency-Key header (1–255 visible characters)", ErrorType.VALIDATION_ERROR, [{ field: "Idempotency-Key", type: "required", message: "header required" }]),
	idempotencyKeyReused: () => conflict("This Idempotency-Key was used for a different checkout", "IDEMPOTENCY_KEY_REUSED"),
	addressInvalid: (problems: Array<{ field: string; message: string }>) =>
		badRequest(`Shipping address: ${problems.map(p => `${p.field} ${p.message}`).join("; ")}`, ErrorType.VALIDATION_ERROR, problems.map(p => ({ ...p, type: "invalid" }))),
	/** Absent, or neither the caller's order nor an order of the caller's shop. */
	orderNotFound: () => notFound("Order not found", "ORDER_NOT_FOUND"),
	orderState: (status: string, action: string, allowedFrom: readonly string[]) =>
		conflict(`An order that is ${status} cannot be ${action}`, "ORDER_STATE", { status, action, allowedFrom }),
	notOrderParty: (who: string) => forbidden(`Only the order's ${who} may do this`, "NOT_ORDER_PARTY"),
	reviewNotFound: () => notFound("Review not found", "REVIEW_NOT_FOUND"),
	reviewRefused: (code: string, message: string) => unprocessable(message, code),
	alreadyReviewed: () => conflict("You already reviewed this product", "ALREADY_REVIEWED"),
	alreadyReplied: () => conflict("The seller already replied to this review", "ALREADY_REPLIED"),
	notReviewSeller: () => forbidden("Only the seller of the reviewed product may reply", "NOT_SHOP_OWNER"),
	ownReview: () => unprocessable("You cannot report your own review", "OWN_REVIEW"),
	disputeNotFound: () => notFound("This order has no open dispute", "DISPUTE_NOT_FOUND")
};
