/** Organizer rating routes (API.md "events"). */
import { organizerRating, rateEvent } from "../flows/ratings";
import { RATING_TEXT_MAX } from "../rules/rating";
import { me, pathId, type ActionGroup, type Ctx, type This } from "./context";

export const ratingActions: ActionGroup = {
	rateEvent: {
		rest: "POST /:id/ratings",
		rateLimit: { window: 60_000, limit: 20 },
		openapi: { summary: "Rate an event I entered (a ticket of mine was checked in): 1–5 stars, once; it counts for the organizer", status: 201 },
		params: { ...pathId, rating: { type: "number", integer: true }, text: { type: "string", max: RATING_TEXT_MAX * 2, optional: true } },
		async handler(this: This, ctx: Ctx<{ id: string; rating: number; text?: string }>) {
			const rating = await rateEvent(this.rt, me(ctx), ctx.params.id.toLowerCase(), { rating: ctx.params.rating, text: ctx.params.text });
			ctx.meta.$statusCode = 201;
			ctx.meta.$location = `/api/v1/events/organizers/${rating.organizerId}/rating`;
			return rating;
		}
	},

	organizerRating: {
		rest: "GET /organizers/:userId/rating",
		auth: "optional",
		openapi: { summary: "An organizer's aggregate rating: { average, count, distribution (1–5 stars), eventsRated }" },
		params: { userId: { type: "uuid" } },
		handler(this: This, ctx: Ctx<{ userId: string }>) {
			return organizerRating(this.rt, ctx.params.userId.toLowerCase());
		}
	}
};
