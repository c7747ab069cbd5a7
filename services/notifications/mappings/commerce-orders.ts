/**
 * Orders, disputes and reviews (lib/events/catalogue.ts, docs/commerce.md
 * "Orders", "Reviews"): each transition tells the party who did not make
 * it — the seller hears of a paid order (ship it), a dispute, a cancellation
 * by the buyer, a review and a completion; the buyer hears of shipping, of a
 * delivery marked by the system, of a cancellation (payment failed or
 * expired, or by the seller) and of a refund. Category "commerce". The
 * buyer's payment itself is announced by payments (payment.succeeded).
 * Data carries the ids (and the order number, the cancellation reason, the
 * rating) the app needs to open the right screen.
 */
import { displayAmount } from "./payments";
import { registerEventMapping } from "./registry";

const orderData = (d: { orderId: string }) => ({ orderId: d.orderId });
const orderParams = (d: { total: number; currency: string }) => ({ amount: displayAmount(d.total, d.currency) });

registerEventMapping("commerce.order.paid", {
	type: "commerce.order_paid",
	category: "commerce",
	template: "commerce.order_paid",
	recipients: d => [d.sellerId],
	params: orderParams,
	data: d => ({ orderId: d.orderId, number: d.number })
});

registerEventMapping("commerce.order.shipped", {
	type: "commerce.order_shipped",
	category: "commerce",
	template: "commerce.order_shipped",
	recipients: d => [d.buyerId],
	data: orderData
});

// A buyer's confirmation completes the order at once: only the system's marking is news.
registerEventMapping("commerce.order.delivered", {
	type: "commerce.order_delivered",
	category: "commerce",
	template: "commerce.order_delivered",
	recipients: d => (d.by === "system" ? [d.buyerId, d.sellerId] : []),
	data: orderData
});

registerEventMapping("commerce.order.completed", {
	type: "commerce.order_completed",
	category: "commerce",
	template: "commerce.order_completed",
	recipients: d => [d.sellerId],
	data: orderData
});

registerEventMapping("commerce.order.cancelled", {
	type: "commerce.order_cancelled",
	category: "commerce",
	template: "commerce.order_cancelled",
	// Nobody is told of their own cancellation; a seller never heard of an order that was never paid.
	recipients: d => (d.reason === "buyer_cancelled" ? [d.sellerId] : [d.buyerId]),
	data: d => ({ orderId: d.orderId, reason: d.reason })
});

registerEventMapping("commerce.order.refunded", {
	type: "commerce.order_refunded",
	category: "commerce",
	template: "commerce.order_refunded",
	recipients: d => [d.buyerId],
	data: orderData
});

registerEventMapping("commerce.order.disputed", {
	type: "commerce.order_disputed",
	category: "commerce",
	template: "commerce.order_disputed",
	recipients: d => [d.sellerId],
	data: d => ({ orderId: d.orderId, disputeId: d.disputeId })
});

registerEventMapping("commerce.dispute.resolved", {
	type: "commerce.dispute_resolved",
	category: "commerce",
	template: "commerce.dispute_resolved",
	recipients: d => [d.buyerId, d.sellerId],
	data: d => ({ orderId: d.orderId, disputeId: d.disputeId })
});

registerEventMapping("commerce.review.created", {
	type: "commerce.review_created",
	category: "commerce",
	template: "commerce.review_created",
	recipients: d => (d.sellerId === d.authorId ? [] : [d.sellerId]),
	data: d => ({ productId: d.productId, reviewId: d.reviewId, rating: String(d.rating) })
});
