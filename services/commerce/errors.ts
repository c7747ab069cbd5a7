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
	duplicateSku: (sku: string) => conflict(`SKU "${sku}" is used twice in this product`, "DUPLICATE_SKU", { sku })
};
