/** Order routes (API.md "commerce"; docs/commerce.md "Orders"). */
import { paginationParams } from "../../../lib/pagination";
import { openDispute, resolveDispute, type Resolution } from "../flows/disputes";
import { buyerOrders, cancelOrder, confirmDelivery, getOrder, shipOrder, shopOrders } from "../flows/orders";
import { sweepOrders } from "../flows/completion";
import { orderCards } from "../flows/order-cards";
import { ORDER_STATUSES, type OrderStatus } from "../rules/order-state";
import { admin, isAdmin, me, pathId, type ActionGroup, type Ctx, type This } from "./context";

const status = { type: "enum", values: ORDER_STATUSES as unknown as string[], optional: true } as const;
type ListParams = { cursor?: string; limit?: number; status?: OrderStatus };

export const orderActions: ActionGroup = {
	/** Internal (messages embeds orders in chats): cards of the orders whose buyer or seller is `viewerId`; others are absent. */
	orderCards: {
		visibility: "public",
		params: { ids: { type: "array", items: "uuid", max: 100 }, viewerId: "uuid" },
		handler(this: This, ctx: Ctx<{ ids: string[]; viewerId: string }>) {
			return orderCards(this.rt, ctx.params.ids, ctx.params.viewerId);
		}
	},

	myOrders: {
		rest: "GET /orders",
		openapi: { summary: "My orders as a buyer, newest first (?status= filters)" },
		params: { ...paginationParams, status },
		handler(this: This, ctx: Ctx<ListParams>) {
			return buyerOrders(this.rt, me(ctx), ctx.params);
		}
	},

	shopOrders: {
		rest: "GET /shops/:id/orders",
		openapi: { summary: "A shop's orders, for its owner, newest first (?status= filters)" },
		params: { ...pathId, ...paginationParams, status },
		handler(this: This, ctx: Ctx<ListParams & { id: string }>) {
			return shopOrders(this.rt, me(ctx), isAdmin(ctx), ctx.params.id.toLowerCase(), ctx.params);
		}
	},

	getOrder: {
		rest: "GET /orders/:id",
		openapi: { summary: "An order (its buyer, its seller or an admin) with items, history, dispute and the actions I can take" },
		params: pathId,
		handler(this: This, ctx: Ctx<{ id: string }>) {
			return getOrder(this.rt, me(ctx), isAdmin(ctx), ctx.params.id.toLowerCase());
		}
	},

	cancelOrder: {
		rest: "POST /orders/:id/cancel",
		openapi: { summary: "Cancel before shipping (buyer or seller): unpaid → cancelled; paid → refunded in full to the paying phone; stock returned" },
		params: pathId,
		handler(this: This, ctx: Ctx<{ id: string }>) {
			return cancelOrder(this.rt, me(ctx), ctx.params.id.toLowerCase());
		}
	},

	shipOrder: {
		rest: "POST /orders/:id/ship",
		openapi: { summary: "The seller ships a paid order" },
		params: { ...pathId, carrier: { type: "string", max: 100, optional: true }, trackingRef: { type: "string", max: 100, optional: true } },
		handler(this: This, ctx: Ctx<{ id: string; carrier?: string; trackingRef?: string }>) {
			return shipOrder(this.rt, me(ctx), ctx.params.id.toLowerCase(), { carrier: ctx.params.carrier, trackingRef: ctx.params.trackingRef });
		}
	},

	confirmDelivery: {
		rest: "POST /orders/:id/confirm-delivery",
		openapi: { summary: "The buyer confirms the goods arrived: the escrow is released to the seller (minus commission) and the order completes" },
		params: pathId,
		handler(this: This, ctx: Ctx<{ id: string }>) {
			return confirmDelivery(this.rt, me(ctx), ctx.params.id.toLowerCase());
		}
	},

	disputeOrder: {
		rest: "POST /orders/:id/dispute",
		openapi: { summary: "The buyer disputes a paid, shipped or delivered order: its escrow is frozen until an admin decides" },
		params: { ...pathId, reason: { type: "string", min: 1, max: 2000 } },
		handler(this: This, ctx: Ctx<{ id: string; reason: string }>) {
			return openDispute(this.rt, me(ctx), ctx.params.id.toLowerCase(), ctx.params.reason);
		}
	},

	resolveDispute: {
		rest: "POST /orders/:id/dispute/resolve",
		auth: "admin",
		openapi: { summary: "Admin: decide a dispute — release to the seller, refund the buyer, or split (refundAmount back to the buyer)" },
		params: {
			...pathId,
			resolution: { type: "enum", values: ["release", "refund", "split"] },
			refundAmount: { type: "number", integer: true, min: 1, optional: true, convert: true }
		},
		handler(this: This, ctx: Ctx<Resolution & { id: string }>) {
			return resolveDispute(this.rt, admin(ctx), ctx.params.id.toLowerCase(), { resolution: ctx.params.resolution, refundAmount: ctx.params.refundAmount });
		}
	},

	// ---- internal ----
	sweepOrders: {
		visibility: "public",
		handler(this: This) {
			return sweepOrders(this.rt);
		}
	}
};
