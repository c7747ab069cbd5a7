/**
 * An event's states: draft → published → happening → completed, and
 * cancelled from draft, published or happening. Publishing is the
 * organizer's act; happening and completed follow the clock (the worker
 * applies `statusByTime`); completed and cancelled are final.
 */
export const EVENT_STATUSES = ["draft", "published", "happening", "completed", "cancelled"] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export type Act = "publish" | "edit" | "cancel" | "addTicketType" | "book";

const ALLOWED: Record<Act, readonly EventStatus[]> = {
	publish: ["draft"],
	// Details can be corrected until the doors open; once it happens, it is history.
	edit: ["draft", "published"],
	cancel: ["draft", "published", "happening"],
	addTicketType: ["draft", "published"],
	// Tickets are sold until the event ends (door sales).
	book: ["published", "happening"]
};

export function may(act: Act, status: EventStatus): boolean {
	return ALLOWED[act].includes(status);
}

/** Where the clock moves a live event to at `now`; the same status when nothing changes. */
export function statusByTime(status: EventStatus, startsAt: Date, endsAt: Date, now: Date): EventStatus {
	if (status !== "published" && status !== "happening") return status;
	if (now.getTime() >= endsAt.getTime()) return "completed";
	if (now.getTime() >= startsAt.getTime()) return "happening";
	return status;
}

/** Visible to everyone (listing, cards, bookings): every state but a draft. */
export const isPublic = (status: EventStatus) => status !== "draft";
