/** Review routes (API.md "commerce"; docs/commerce.md "Reviews"). */
import { paginationParams } from "../../../lib/pagination";
import { createReview, listReviews, replyToReview, reportReview } from "../flows/reviews";
import { REPLY_TEXT_MAX, REPORT_REASON_MAX, REVIEW_PHOTOS_MAX, REVIEW_TEXT_MAX } from "../rules/review";
import { me, pathId, type ActionGroup, type Ctx, type This } from "./context";

export const reviewActions: ActionGroup = {
	createReview: {
		rest: "POST /products/:id/reviews",
		rateLimit: { window: 60_000, limit: 30 },
		openapi: { summary: "Review a product I bought in a completed order (once per product): rating 1–5, text, photos", status: 201 },
		params: {
			...pathId,
			orderId: "uuid",
			rating: { type: "number", integer: true, min: 1, max: 5 },
			text: { type: "string", max: REVIEW_TEXT_MAX * 2, optional: true },
			photoFileIds: { type: "array", items: "uuid", max: REVIEW_PHOTOS_MAX, optional: true }
		},
		async handler(this: This, ctx: Ctx<{ id: string; orderId: string; rating: number; text?: string; photoFileIds?: string[] }>) {
			const review = await createReview(this.rt, me(ctx), ctx.params.id.toLowerCase(), {
				orderId: ctx.params.orderId.toLowerCase(),
				rating: ctx.params.rating,
				text: ctx.params.text,
				photoFileIds: ctx.params.photoFileIds
			});
			ctx.meta.$statusCode = 201;
			ctx.meta.$location = `/api/v1/commerce/products/${review.productId}/reviews`;
			return review;
		}
	},

	listReviews: {
		rest: "GET /products/:id/reviews",
		auth: "optional",
		openapi: { summary: "A product's reviews, newest first, with its average rating" },
		params: { ...pathId, ...paginationParams },
		handler(this: This, ctx: Ctx<{ id: string; cursor?: string; limit?: number }>) {
			return listReviews(this.rt, ctx.meta.user?.userId ?? null, ctx.params.id.toLowerCase(), ctx.params);
		}
	},

	replyToReview: {
		rest: "POST /reviews/:id/reply",
		openapi: { summary: "The seller answers a review of their product (once)" },
		params: { ...pathId, text: { type: "string", min: 1, max: REPLY_TEXT_MAX * 2 } },
		handler(this: This, ctx: Ctx<{ id: string; text: string }>) {
			return replyToReview(this.rt, me(ctx), ctx.params.id.toLowerCase(), ctx.params.text);
		}
	},

	reportReview: {
		rest: "POST /reviews/:id/report",
		rateLimit: { window: 60_000, limit: 30 },
		openapi: { summary: "Report a review (once per user); enough reports hide it" },
		params: { ...pathId, reason: { type: "string", min: 1, max: REPORT_REASON_MAX * 2 } },
		handler(this: This, ctx: Ctx<{ id: string; reason: string }>) {
			return reportReview(this.rt, me(ctx), ctx.params.id.toLowerCase(), ctx.params.reason);
		}
	}
};
