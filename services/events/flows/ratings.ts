/**
 * Organizer ratings: an attendee who entered the event (a ticket of theirs
 * checked in) rates it once, 1–5 stars with an optional text; the rating
 * counts for the organizer and raises events.rating.created (users' trust
 * score) in the same transaction.
 */
import { inTransaction } from "../../../lib/db/transaction";
import { newId } from "../../../lib/ids";
import { EventsError } from "../errors";
import { aggregate, isStars, RATING_TEXT_MAX } from "../rules/rating";
import type { EventsRuntime } from "../runtime";
import { getEvent } from "../store/events";
import { checkedIn, insertRating, starCounts } from "../store/ratings";

export async function rateEvent(rt: EventsRuntime, authorId: string, eventId: string, input: { rating: number; text?: string }) {
	if (!isStars(input.rating)) throw EventsError.invalid("rating", "whole stars 1–5");
	const text = (input.text ?? "").trim();
	if ([...text].length > RATING_TEXT_MAX) throw EventsError.invalid("text", `at most ${RATING_TEXT_MAX} characters`);
	return inTransaction(rt.sequelize, async t => {
		const db = { sequelize: rt.sequelize, t };
		const e = await getEvent(db, eventId);
		if (!e || e.status === "draft") throw EventsError.eventNotFound();
		if (e.organizer_id === authorId) throw EventsError.notAttendee();
		if (e.status === "cancelled") throw EventsError.notRatable();
		if (!(await checkedIn(db, eventId, authorId))) throw EventsError.notAttendee();
		const row = await insertRating(db, { id: newId(), eventId, organizerId: e.organizer_id, authorId, rating: input.rating, text });
		if (!row) throw EventsError.alreadyRated();
		await rt.raiseEvent(t, "events.rating.created", { ratingId: row.id, eventId, organizerId: e.organizer_id, authorId, rating: row.rating }, authorId);
		return { id: row.id, eventId, organizerId: e.organizer_id, authorId, rating: row.rating, text: row.text, createdAt: row.created_at.toISOString() };
	});
}

export async function organizerRating(rt: EventsRuntime, organizerId: string) {
	const { counts, events } = await starCounts({ sequelize: rt.sequelize }, organizerId);
	return { organizerId, ...aggregate(counts), eventsRated: events };
}
