/** SQL for the events table. Timestamps come back as Date; money as numbers (bigint cast in SQL). */
import type { Venue } from "../rules/event-input";
import type { EventStatus } from "../rules/lifecycle";
import type { RefundPolicy } from "../rules/refund-policy";
import { execute, select, type Db } from "./sql";

export interface EventRow {
	id: string;
	organizer_id: string;
	title: string;
	description: string;
	category: string;
	starts_at: Date;
	ends_at: Date;
	timezone: string;
	venue: Venue | null;
	online_url: string | null;
	cover_file_id: string | null;
	status: EventStatus;
	refund_policy: RefundPolicy;
	published_at: Date | null;
	cancelled_at: Date | null;
	completed_at: Date | null;
	payout_done_at: Date | null;
	created_at: Date;
	updated_at: Date;
}

const COLUMNS = `id, organizer_id, title, description, category, starts_at, ends_at, timezone, venue, online_url, cover_file_id, status,
	refund_policy, published_at, cancelled_at, completed_at, payout_done_at, created_at, updated_at`;

export interface NewEvent {
	id: string;
	organizerId: string;
	title: string;
	titleKey: string;
	description: string;
	category: string;
	startsAt: Date;
	endsAt: Date;
	timezone: string;
	venue: Venue | null;
	onlineUrl: string | null;
	coverFileId: string | null;
	refundPolicy: RefundPolicy;
}

export async function insertEvent(db: Db, e: NewEvent): Promise<EventRow> {
	const [row] = await select<EventRow>(
		db,
		`INSERT INTO events.events (id, organizer_id, title, title_key, description, category, starts_at, ends_at, timezone, venue, online_url, cover_file_id, refund_policy)
		 VALUES (:id, :organizerId, :title, :titleKey, :description, :category, :startsAt, :endsAt, :timezone, :venue::jsonb, :onlineUrl, :coverFileId, :refundPolicy::jsonb)
		 RETURNING ${COLUMNS}`,
		{ ...e, venue: e.venue ? JSON.stringify(e.venue) : null, refundPolicy: JSON.stringify(e.refundPolicy) }
	);
	return row;
}

export async function getEvent(db: Db, id: string, lock = false): Promise<EventRow | null> {
	const [row] = await select<EventRow>(db, `SELECT ${COLUMNS} FROM events.events WHERE id = :id ${lock ? "FOR UPDATE" : ""}`, { id });
	return row ?? null;
}

export async function getEvents(db: Db, ids: readonly string[]): Promise<EventRow[]> {
	if (ids.length === 0) return [];
	return select<EventRow>(db, `SELECT ${COLUMNS} FROM events.events WHERE id = ANY(:ids::uuid[])`, { ids: `{${ids.join(",")}}` });
}

export async function updateEventFields(db: Db, id: string, f: Omit<NewEvent, "id" | "organizerId">): Promise<EventRow> {
	const [row] = await select<EventRow>(
		db,
		`UPDATE events.events SET title = :title, title_key = :titleKey, description = :description, category = :category, starts_at = :startsAt,
			ends_at = :endsAt, timezone = :timezone, venue = :venue::jsonb, online_url = :onlineUrl, cover_file_id = :coverFileId,
			refund_policy = :refundPolicy::jsonb, updated_at = now()
		 WHERE id = :id RETURNING ${COLUMNS}`,
		{ ...f, id, venue: f.venue ? JSON.stringify(f.venue) : null, refundPolicy: JSON.stringify(f.refundPolicy) }
	);
	return row;
}

export async function setStatus(db: Db, id: string, from: readonly EventStatus[], to: EventStatus): Promise<EventRow | null> {
	const stamp = to === "published" ? ", published_at = now()" : to === "cancelled" ? ", cancelled_at = now()" : to === "completed" ? ", completed_at = now()" : "";
	const [row] = await select<EventRow>(
		db,
		`UPDATE events.events SET status = :to, updated_at = now() ${stamp} WHERE id = :id AND status = ANY(:from::text[]) RETURNING ${COLUMNS}`,
		{ id, to, from: `{${from.join(",")}}` }
	);
	return row ?? null;
}

/** The organizer's other events starting near `startsAt`: candidates for the duplicate warning. */
export function organizerEventsAround(db: Db, organizerId: string, startsAt: Date, windowMs: number, exceptId: string | null): Promise<EventRow[]> {
	return select<EventRow>(
		db,
		`SELECT ${COLUMNS} FROM events.events
		 WHERE organizer_id = :organizerId AND status <> 'cancelled' AND id <> COALESCE(:exceptId::uuid, '00000000-0000-0000-0000-000000000000'::uuid)
		   AND starts_at BETWEEN :from AND :to
		 ORDER BY starts_at LIMIT 50`,
		{ organizerId, exceptId, from: new Date(startsAt.getTime() - windowMs), to: new Date(startsAt.getTime() + windowMs) }
	);
}

export interface SearchFilter {
	q?: string;
	from: Date;
	to?: Date;
	category?: string;
	city?: string;
	near?: { lat: number; lng: number; radiusKm: number };
	/** Only this organizer's events, in every state (the organizer's own list). */
	organizerId?: string;
	after: { startsAt: string; id: string } | null;
	limit: number;
}

/**
 * Public listing (published and happening events that have not ended by
 * `from`), or one organizer's own events in every state. Ordered by start,
 * then id, for keyset paging.
 */
export function searchEvents(db: Db, f: SearchFilter): Promise<EventRow[]> {
	const where: string[] = [f.organizerId ? "organizer_id = :organizerId" : "status IN ('published', 'happening')", "ends_at > :from"];
	const r: Record<string, unknown> = { from: f.from, limit: f.limit + 1, organizerId: f.organizerId };
	if (f.to) {
		where.push("starts_at < :to");
		r.to = f.to;
	}
	if (f.q) {
		// Every word must appear as a word prefix ("jaz" finds "Jazz"): plainto_tsquery would need whole words.
		where.push("search @@ to_tsquery('simple', :tsq)");
		r.tsq = f.q;
	}
	if (f.category) {
		where.push("category = :category");
		r.category = f.category;
	}
	if (f.city) {
		where.push("lower(venue->>'city') = lower(:city)");
		r.city = f.city;
	}
	if (f.near) {
		// A bounding box the index-free filter narrows cheaply, then the exact great-circle distance.
		const dLat = f.near.radiusKm / 111.32;
		const dLng = f.near.radiusKm / (111.32 * Math.max(0.01, Math.cos((f.near.lat * Math.PI) / 180)));
		where.push(`venue IS NOT NULL
			AND (venue->>'lat')::float8 BETWEEN :latMin AND :latMax AND (venue->>'lng')::float8 BETWEEN :lngMin AND :lngMax
			AND 6371 * 2 * asin(sqrt(power(sin(radians((venue->>'lat')::float8 - :lat) / 2), 2)
				+ cos(radians(:lat)) * cos(radians((venue->>'lat')::float8)) * power(sin(radians((venue->>'lng')::float8 - :lng) / 2), 2))) <= :radiusKm`);
		Object.assign(r, { lat: f.near.lat, lng: f.near.lng, radiusKm: f.near.radiusKm, latMin: f.near.lat - dLat, latMax: f.near.lat + dLat, lngMin: f.near.lng - dLng, lngMax: f.near.lng + dLng });
	}
	if (f.after) {
		where.push("(starts_at, id) > (:afterStarts::timestamptz, :afterId::uuid)");
		r.afterStarts = f.after.startsAt;
		r.afterId = f.after.id;
	}
	return select<EventRow>(db, `SELECT ${COLUMNS} FROM events.events WHERE ${where.join(" AND ")} ORDER BY starts_at, id LIMIT :limit`, r);
}

/** Live events the clock has moved on: published ones that started, happening ones that ended. */
export function eventsDueForMove(db: Db, now: Date, limit: number): Promise<Array<{ id: string; status: EventStatus; starts_at: Date; ends_at: Date }>> {
	return select(
		db,
		`(SELECT id, status, starts_at, ends_at FROM events.events WHERE status = 'published' AND starts_at <= :now ORDER BY starts_at LIMIT :limit)
		 UNION ALL
		 (SELECT id, status, starts_at, ends_at FROM events.events WHERE status = 'happening' AND ends_at <= :now ORDER BY ends_at LIMIT :limit)`,
		{ now, limit }
	);
}

export function markPayoutDone(db: Db, id: string): Promise<number> {
	return execute(db, `UPDATE events.events SET payout_done_at = now() WHERE id = :id AND payout_done_at IS NULL`, { id });
}
