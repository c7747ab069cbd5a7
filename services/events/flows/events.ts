/**
 * Events as the organizer makes them: create a draft (with a duplicate
 * warning), edit, publish (raising events.event.published in the same
 * transaction), read one, list and search.
 */
import type { Transaction } from "sequelize";
import { inTransaction } from "../../../lib/db/transaction";
import { newId } from "../../../lib/ids";
import { readPage, toPage, type Page } from "../../../lib/pagination";
import { EventsError } from "../errors";
import { attendeeChanges, type AttendeeChange } from "../rules/attendee-changes";
import { looksLikeDuplicate, titleKey } from "../rules/duplicate";
import { CATEGORIES, parseInstant, resolveEventFields, type EventFields, type EventInput } from "../rules/event-input";
import { parseNear, prefixQuery } from "../rules/event-search";
import { isPublic, may } from "../rules/lifecycle";
import { NO_REFUNDS, resolveRefundPolicy, type RefundPolicy } from "../rules/refund-policy";
import { claimCover, coverViews, releaseCover } from "../peers";
import type { EventsRuntime } from "../runtime";
import { getEvent, insertEvent, organizerEventsAround, searchEvents, setStatus, updateEventFields, type EventRow } from "../store/events";
import { ticketTypesOf } from "../store/ticket-types";
import { ticketHolders } from "../store/tickets";
import { eventView, type EventView } from "./views";

export interface CreateEventInput extends EventInput {
	coverFileId?: string | null;
	refundPolicy?: Partial<RefundPolicy>;
}

export interface DuplicateWarning {
	type: "possible_duplicate";
	eventId: string;
	title: string;
	startsAt: string;
}

const db = (rt: EventsRuntime, t?: import("sequelize").Transaction) => ({ sequelize: rt.sequelize, t });

function fieldsOf(e: EventRow): EventFields {
	return { title: e.title, description: e.description, category: e.category as EventFields["category"], startsAt: e.starts_at, endsAt: e.ends_at, timezone: e.timezone, venue: e.venue, onlineUrl: e.online_url };
}

function valid<T extends object>(r: T | { field: string; message: string }): T {
	if ("field" in r) throw EventsError.invalid(r.field, r.message);
	return r as T;
}

async function duplicatesOf(rt: EventsRuntime, organizerId: string, f: EventFields, exceptId: string | null): Promise<DuplicateWarning[]> {
	const windowMs = rt.cfg.duplicateWindowHours * 3_600_000;
	const around = await organizerEventsAround(db(rt), organizerId, f.startsAt, windowMs, exceptId);
	return around
		.filter(o => looksLikeDuplicate(f, { title: o.title, startsAt: o.starts_at, venue: o.venue, onlineUrl: o.online_url }, { windowMs, distanceM: rt.cfg.duplicateDistanceM }))
		.map(o => ({ type: "possible_duplicate" as const, eventId: o.id, title: o.title, startsAt: o.starts_at.toISOString() }));
}

export async function renderEvents(rt: EventsRuntime, rows: readonly EventRow[], viewerId: string | null, unlockCode?: string): Promise<EventView[]> {
	const [types, covers] = await Promise.all([
		ticketTypesOf(db(rt), rows.map(r => r.id)),
		coverViews(rt.broker, rows.map(r => r.cover_file_id).filter((id): id is string => !!id), rt.logger)
	]);
	return rows.map(r => eventView(r, types.filter(t => t.event_id === r.id), r.cover_file_id ? covers.get(r.cover_file_id) : undefined, viewerId, unlockCode));
}

export async function createEvent(rt: EventsRuntime, organizerId: string, input: CreateEventInput): Promise<{ event: EventView; warnings: DuplicateWarning[] }> {
	const fields = valid(resolveEventFields(input, null, new Date()));
	const refundPolicy = valid(resolveRefundPolicy(input.refundPolicy, NO_REFUNDS));
	const id = newId();
	const coverFileId = input.coverFileId?.toLowerCase() ?? null;
	if (coverFileId) await claimCover(rt.broker, organizerId, coverFileId, id);
	try {
		const warnings = await duplicatesOf(rt, organizerId, fields, null);
		const row = await insertEvent(db(rt), { id, organizerId, ...fields, titleKey: titleKey(fields.title), coverFileId, refundPolicy });
		const [event] = await renderEvents(rt, [row], organizerId);
		return { event, warnings };
	} catch (err) {
		if (coverFileId) await releaseCover(rt.broker, coverFileId, id, rt.logger);
		throw err;
	}
}

/** The event as its organizer may change it: absent or someone else's draft is 404, someone else's public event 403. */
export async function ownEvent(rt: EventsRuntime, organizerId: string, eventId: string, t?: import("sequelize").Transaction): Promise<EventRow> {
	const e = await getEvent(db(rt, t), eventId, !!t);
	if (!e || (e.organizer_id !== organizerId && !isPublic(e.status))) throw EventsError.eventNotFound();
	if (e.organizer_id !== organizerId) throw EventsError.notOrganizer();
	return e;
}

export async function readEvent(rt: EventsRuntime, viewerId: string | null, eventId: string, unlockCode?: string): Promise<EventView> {
	const e = await getEvent(db(rt), eventId);
	if (!e || (!isPublic(e.status) && e.organizer_id !== viewerId)) throw EventsError.eventNotFound();
	return (await renderEvents(rt, [e], viewerId, unlockCode))[0];
}

export async function updateEvent(rt: EventsRuntime, organizerId: string, eventId: string, input: CreateEventInput): Promise<{ event: EventView; warnings: DuplicateWarning[] }> {
	const newCover = input.coverFileId === undefined ? undefined : (input.coverFileId?.toLowerCase() ?? null);
	let claimed = false;
	const { row, oldCover } = await inTransaction(rt.sequelize, async t => {
		const e = await ownEvent(rt, organizerId, eventId, t);
		if (!may("edit", e.status)) throw EventsError.eventState(e.status, "edited");
		const fields = valid(resolveEventFields(input, fieldsOf(e), new Date()));
		const refundPolicy = valid(resolveRefundPolicy(input.refundPolicy, e.refund_policy));
		if (newCover && newCover !== e.cover_file_id) {
			await claimCover(rt.broker, organizerId, newCover, eventId);
			claimed = true;
		}
		const coverFileId = newCover === undefined ? e.cover_file_id : newCover;
		const updated = await updateEventFields(db(rt, t), eventId, { ...fields, titleKey: titleKey(fields.title), coverFileId, refundPolicy });
		await tellHolders(rt, t, updated, attendeeChanges(fieldsOf(e), fields));
		return { row: updated, oldCover: e.cover_file_id !== coverFileId ? e.cover_file_id : null };
	}).catch(async err => {
		if (claimed && newCover) await releaseCover(rt.broker, newCover, eventId, rt.logger);
		throw err;
	});
	if (oldCover) await releaseCover(rt.broker, oldCover, eventId, rt.logger);
	const warnings = await duplicatesOf(rt, organizerId, fieldsOf(row), eventId);
	return { event: (await renderEvents(rt, [row], organizerId))[0], warnings };
}

/** A live event's ticket holders hear of a new time or place, one notification each, with the edit's commit. */
async function tellHolders(rt: EventsRuntime, t: Transaction, e: EventRow, changes: AttendeeChange[]): Promise<void> {
	if (changes.length === 0 || !isPublic(e.status)) return;
	const holders = await ticketHolders(db(rt, t), e.id);
	await rt.raiseEvents(
		t,
		"events.event.changed",
		holders.map(holderId => ({ data: { eventId: e.id, eventTitle: e.title, holderId, changes }, actorId: e.organizer_id }))
	);
}

export async function publishEvent(rt: EventsRuntime, organizerId: string, eventId: string, postToFeed: boolean): Promise<EventView> {
	const row = await inTransaction(rt.sequelize, async t => {
		const e = await ownEvent(rt, organizerId, eventId, t);
		if (!may("publish", e.status)) throw EventsError.eventState(e.status, "published");
		if (e.starts_at.getTime() <= Date.now()) throw EventsError.invalid("startsAt", "an event that already started cannot be published");
		const types = await ticketTypesOf(db(rt, t), [eventId]);
		// Nothing could be booked: a published event without tickets is a dead end for attendees.
		if (types.length === 0) throw EventsError.noTicketTypes();
		const published = await setStatus(db(rt, t), eventId, ["draft"], "published");
		if (!published) throw EventsError.eventState(e.status, "published");
		await rt.raiseEvent(t, "events.event.published", { eventId, organizerId, postToFeed, title: e.title }, organizerId);
		return published;
	});
	rt.kickWorker();
	return (await renderEvents(rt, [row], organizerId))[0];
}

export interface ListQuery {
	q?: string;
	from?: string;
	to?: string;
	category?: string;
	city?: string;
	near?: string;
	radiusKm?: number;
	mine?: boolean;
	cursor?: string;
	limit?: number;
}

export async function listEvents(rt: EventsRuntime, viewerId: string | null, query: ListQuery): Promise<Page<EventView>> {
	const from = query.from ? parseInstant(query.from) : new Date();
	if (!from) throw EventsError.invalid("from", "an ISO 8601 time with an offset");
	const to = query.to ? parseInstant(query.to) : undefined;
	if (to === null) throw EventsError.invalid("to", "an ISO 8601 time with an offset");
	if (to && to.getTime() <= from.getTime()) throw EventsError.invalid("to", "must be after from");
	if (query.category && !(CATEGORIES as readonly string[]).includes(query.category)) throw EventsError.invalid("category", `one of ${CATEGORIES.join(", ")}`);
	let near: { lat: number; lng: number; radiusKm: number } | undefined;
	if (query.near) {
		const p = parseNear(query.near);
		if (!p) throw EventsError.invalid("near", "lat,lng");
		near = { ...p, radiusKm: query.radiusKm ?? 25 };
	}
	let tsq: string | undefined;
	if (query.q !== undefined && query.q.trim() !== "") {
		const built = prefixQuery(query.q);
		if (!built) throw EventsError.invalid("q", "letters or digits to search for");
		tsq = built;
	}
	if (query.mine && !viewerId) throw EventsError.invalid("mine", "sign in to list your own events");
	const { limit, after: position } = readPage<[string, string]>(query);
	const after = position ? { startsAt: position[0], id: position[1] } : null;
	const rows = await searchEvents(db(rt), {
		q: tsq,
		from,
		to,
		category: query.category,
		city: query.city,
		near,
		organizerId: query.mine ? (viewerId as string) : undefined,
		after,
		limit
	});
	const page = toPage(rows, limit, r => [r.starts_at.toISOString(), r.id]);
	return { items: await renderEvents(rt, page.items, viewerId), nextCursor: page.nextCursor };
}
