/**
 * A batch of sales written in one statement, one round trip (flows/sales.ts):
 * the bookings, then — for the bookings actually inserted only — their
 * tickets and the seats per type, under the capacity condition. A booking
 * whose (buyer, Idempotency-Key) another transaction took first is skipped
 * (ON CONFLICT DO NOTHING) instead of failing the batch, and so are its
 * tickets and its seats.
 */
import type { EventRef } from "../tickets/event-ref";
import { COLUMNS, type BookingRow, type NewBooking } from "./bookings";
import { select, uuidArray, type Db } from "./sql";
import { TYPE_COLUMNS, type TicketTypeRow } from "./ticket-types";
import { ticketRecordset, TICKETS_INSERT, type NewTicket } from "./tickets";

export type SaleEvent = EventRef & { title: string };

type Joined = { e_id: string; e_organizer_id: string; e_status: SaleEvent["status"]; e_starts_at: Date; e_ends_at: Date; e_title: string } & Partial<TicketTypeRow>;

/**
 * A batch's first statement: the event row FOR KEY SHARE (batches run side by side, but not beside the
 * event's cancellation, which takes FOR UPDATE; it is the mode the bookings' and tickets' foreign keys
 * take anyway), then the asked types FOR NO KEY UPDATE in id order (two batches lock them in the same
 * order: no deadlock; unlike FOR UPDATE it lets the tickets' foreign-key checks through). One round trip.
 */
export async function lockForSale(db: Db, eventId: string, typeIds: readonly string[]): Promise<{ event: SaleEvent | null; types: TicketTypeRow[] }> {
	const rows = await select<Joined>(
		db,
		`WITH e AS (SELECT id, organizer_id, status, starts_at, ends_at, title FROM events.events WHERE id = :eventId FOR KEY SHARE),
		      tt AS (SELECT ${TYPE_COLUMNS} FROM events.ticket_types
		              WHERE event_id = :eventId AND id = ANY(:ids::uuid[]) AND EXISTS (SELECT 1 FROM e) ORDER BY id FOR NO KEY UPDATE)
		 SELECT e.id AS e_id, e.organizer_id AS e_organizer_id, e.status AS e_status, e.starts_at AS e_starts_at, e.ends_at AS e_ends_at, e.title AS e_title, tt.*
		   FROM e LEFT JOIN tt ON true`,
		{ eventId, ids: uuidArray(typeIds) }
	);
	if (rows.length === 0) return { event: null, types: [] };
	const [r] = rows;
	const event = { id: r.e_id, organizer_id: r.e_organizer_id, status: r.e_status, starts_at: r.e_starts_at, ends_at: r.e_ends_at, title: r.e_title };
	const types = rows.filter(row => row.id).map(({ e_id: _i, e_organizer_id: _o, e_status: _s, e_starts_at: _a, e_ends_at: _b, e_title: _t, ...tt }) => tt as TicketTypeRow);
	return { event, types };
}

export interface SalesWritten {
	/** The bookings inserted (a subset of those asked, in no particular order). */
	made: BookingRow[];
	/** Ticket types whose seats were not there: zero under the batch's type locks. */
	typesShort: number;
}

export async function writeSales(db: Db, bookings: NewBooking[], tickets: NewTicket[]): Promise<SalesWritten> {
	if (bookings.length === 0) return { made: [], typesShort: 0 };
	const rows = await select<BookingRow & { types_short: number }>(
		db,
		`WITH b AS (
		   INSERT INTO events.bookings (id, event_id, buyer_id, status, items, quantity, total, currency, expires_at, idempotency_key, confirmed_at)
		   SELECT x.id, x.event_id, x.buyer_id, x.status, x.items, x.quantity, x.total, x.currency, x.expires_at, x.idempotency_key,
		          CASE WHEN x.status = 'confirmed' THEN now() END
		     FROM jsonb_to_recordset(CAST(:bookings AS jsonb)) AS x(id uuid, event_id uuid, buyer_id uuid, status text, items jsonb, quantity integer,
		          total bigint, currency text, expires_at timestamptz, idempotency_key text)
		   ON CONFLICT (buyer_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
		   RETURNING ${COLUMNS}
		 ), t AS (
		   ${TICKETS_INSERT} WHERE x.booking_id IN (SELECT id FROM b)
		 ), seats AS (
		   SELECT (i->>'ticketTypeId')::uuid AS id,
		          sum(CASE WHEN b.status = 'confirmed' THEN (i->>'quantity')::int ELSE 0 END) AS sold,
		          sum(CASE WHEN b.status = 'confirmed' THEN 0 ELSE (i->>'quantity')::int END) AS held
		     FROM b, jsonb_array_elements(b.items) AS i GROUP BY 1
		 ), taken AS (
		   UPDATE events.ticket_types tt SET sold = tt.sold + seats.sold, held = tt.held + seats.held FROM seats
		    WHERE tt.id = seats.id AND tt.sold + tt.held + seats.sold + seats.held <= tt.capacity RETURNING tt.id
		 )
		 SELECT b.*, ((SELECT count(*) FROM seats) - (SELECT count(*) FROM taken))::int AS types_short FROM b`,
		{
			bookings: JSON.stringify(
				bookings.map(b => ({
					id: b.id,
					event_id: b.eventId,
					buyer_id: b.buyerId,
					status: b.status,
					items: b.items,
					quantity: b.quantity,
					total: b.total,
					currency: b.currency,
					expires_at: b.expiresAt?.toISOString() ?? null,
					idempotency_key: b.idempotencyKey
				}))
			),
			rows: ticketRecordset(tickets)
		}
	);
	return { made: rows.map(({ types_short: _, ...row }) => row), typesShort: rows[0]?.types_short ?? 0 };
}
