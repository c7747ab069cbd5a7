/**
 * What in an edit of a published event its ticket holders must be told: a
 * new time (start, end or time zone) or a new place (venue or online link).
 * A new title, description, category or cover changes nothing they act on.
 */
import type { EventFields, Venue } from "./event-input";

export type AttendeeChange = "time" | "place";

const sameVenue = (a: Venue | null, b: Venue | null) =>
	a === b || (a !== null && b !== null && a.name === b.name && a.address === b.address && a.city === b.city && a.lat === b.lat && a.lng === b.lng);

export function attendeeChanges(before: EventFields, after: EventFields): AttendeeChange[] {
	const changes: AttendeeChange[] = [];
	if (before.startsAt.getTime() !== after.startsAt.getTime() || before.endsAt.getTime() !== after.endsAt.getTime() || before.timezone !== after.timezone)
		changes.push("time");
	if (!sameVenue(before.venue, after.venue) || before.onlineUrl !== after.onlineUrl) changes.push("place");
	return changes;
}
