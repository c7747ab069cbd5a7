/**
 * Shop verification both ways (lib/events/catalogue.ts, docs/commerce.md
 * "Verification"): reviewers hear about a new submission, the seller hears the
 * decision, a suspension and a reinstatement. Category "commerce".
 */
import { registerEventMapping } from "./registry";

const shopData = (d: { shopId: string }) => ({ shopId: d.shopId });

registerEventMapping("commerce.shop.verification_submitted", {
	type: "commerce.verification_submitted",
	category: "commerce",
	template: "commerce.verification_submitted",
	recipients: d => d.reviewerIds.filter(id => id !== d.ownerId),
	data: d => ({ shopId: d.shopId, verificationId: d.verificationId })
});

registerEventMapping("commerce.shop.approved", {
	type: "commerce.shop_approved",
	category: "commerce",
	template: "commerce.shop_approved",
	recipients: d => [d.ownerId],
	data: shopData
});

registerEventMapping("commerce.shop.rejected", {
	type: "commerce.shop_rejected",
	category: "commerce",
	template: "commerce.shop_rejected",
	recipients: d => [d.ownerId],
	data: shopData
});

registerEventMapping("commerce.shop.suspended", {
	type: "commerce.shop_suspended",
	category: "commerce",
	template: "commerce.shop_suspended",
	recipients: d => [d.ownerId],
	data: shopData
});

registerEventMapping("commerce.shop.reinstated", {
	type: "commerce.shop_reinstated",
	category: "commerce",
	template: "commerce.shop_reinstated",
	recipients: d => [d.ownerId],
	data: d => ({ shopId: d.shopId, status: d.status })
});
