/**
 * Other domains' events that move a trust-score factor or the posts count
 * (lib/events/catalogue.ts declares them with `consumers: ["users"]`). Each
 * runs once per event (handleOnce); the score itself is computed from the
 * factors when read (rules/trust-score.ts), so it is always current.
 */
import type { EventEnvelope } from "../../../lib/events/envelope";
import type { EventType } from "../../../lib/events/catalogue";
import { addRating, bump } from "../store/stats";
import type { Db } from "../../../lib/db/sql";

/** Ratings outside 1–5 stars (a producer bug) and ratings of oneself are never counted. */
const validRating = (r: unknown): r is number => Number.isInteger(r) && (r as number) >= 1 && (r as number) <= 5;

export const FACTOR_EVENTS = [
	"commerce.order.completed",
	"commerce.order.refunded",
	"commerce.dispute.resolved",
	"commerce.review.created",
	"events.rating.created",
	"social.report.upheld",
	"social.post.created",
	"social.post.deleted"
] as const satisfies readonly EventType[];

export type FactorEvent = (typeof FACTOR_EVENTS)[number];

/** Applies one event to the factors it moves. */
export async function applyFactorEvent(db: Db, envelope: EventEnvelope<FactorEvent>): Promise<void> {
	switch (envelope.type) {
		case "commerce.order.completed": {
			const d = (envelope as EventEnvelope<"commerce.order.completed">).data;
			await bump(db, d.buyerId, "orders_bought", 1);
			await bump(db, d.sellerId, "orders_sold", 1);
			return;
		}
		case "commerce.order.refunded": {
			// A refund reflects on the seller who could not deliver, not on the buyer who was refunded.
			const d = (envelope as EventEnvelope<"commerce.order.refunded">).data;
			await bump(db, d.sellerId, "refunds", 1);
			return;
		}
		case "commerce.dispute.resolved": {
			const d = (envelope as EventEnvelope<"commerce.dispute.resolved">).data;
			if (!d.loserId) return;
			await bump(db, d.loserId, "disputes_lost", 1);
			return;
		}
		case "commerce.review.created": {
			const d = (envelope as EventEnvelope<"commerce.review.created">).data;
			if (!validRating(d.rating) || d.authorId === d.sellerId) return;
			await addRating(db, d.sellerId, d.rating);
			return;
		}
		case "events.rating.created": {
			const d = (envelope as EventEnvelope<"events.rating.created">).data;
			if (!validRating(d.rating) || d.authorId === d.organizerId) return;
			await addRating(db, d.organizerId, d.rating);
			return;
		}
		case "social.report.upheld": {
			const d = (envelope as EventEnvelope<"social.report.upheld">).data;
			await bump(db, d.targetUserId, "reports_upheld", 1);
			return;
		}
		case "social.post.created": {
			const d = (envelope as EventEnvelope<"social.post.created">).data;
			await bump(db, d.authorId, "posts", 1);
			return;
		}
		case "social.post.deleted": {
			const d = (envelope as EventEnvelope<"social.post.deleted">).data;
			await bump(db, d.authorId, "posts", -1);
			return;
		}
	}
}
