/** SQL for tickets. Status and first entry change only under the row lock (lockTicket). */
import { execute, select, uuidArray, type Db } from "../../../lib/db/sql";

export type TicketStatus = "valid" | "used" | "revoked";

export interface TicketRow {
	id: string;
	booking_id: string;
	event_id: string;
	ticket_type_id: string;
	holder_id: string;
	status: TicketStatus;
	code: string;
	code_kid: string;
	valid_from: Date;
	valid_until: Date;
	issued_at: Date;
	checked_in_at: Date | null;
	entries: number;
	revoked_at: Date | null;
	revoke_reason: string | null;
	replaced_by: string | null;
	transferred_from: string | null;
}

const COLUMNS = `id, booking_id, event_id, ticket_type_id, holder_id, status, code, code_kid, valid_from, valid_until, issued_at,
	checked_in_at, entries, revoked_at, revoke_reason, replaced_by, transferred_from`;

export interface NewTicket {
	id: string;
	bookingId: string;
	eventId: string;
	ticketTypeId: string;
	holderId: string;
	code: string;
	kid: string;
	validFrom: Date;
	validUntil: Date;
	issuedAt: Date;
	transferredFrom: string | null;
}

/** The tickets INSERT from a JSON recordset `x` (store/sales.ts filters it to the bookings a batch made). */
export const TICKETS_INSERT = `INSERT INTO events.tickets (id, booking_id, event_id, ticket_type_id, holder_id, status, code, code_kid, valid_from, valid_until, issued_at, transferred_from)
		 SELECT x.id, x.booking_id, x.event_id, x.ticket_type_id, x.holder_id, 'valid', x.code, x.code_kid, x.valid_from, x.valid_until, x.issued_at, x.transferred_from
		   FROM json_to_recordset(CAST(:rows AS json)) AS x(id uuid, booking_id uuid, event_id uuid, ticket_type_id uuid, holder_id uuid, code text, code_kid text,
		        valid_from timestamptz, valid_until timestamptz, issued_at timestamptz, transferred_from uuid)`;

export function ticketRecordset(tickets: NewTicket[]): string {
	return JSON.stringify(
		tickets.map(t => ({
			id: t.id,
			booking_id: t.bookingId,
			event_id: t.eventId,
			ticket_type_id: t.ticketTypeId,
			holder_id: t.holderId,
			code: t.code,
			code_kid: t.kid,
			valid_from: t.validFrom.toISOString(),
			valid_until: t.validUntil.toISOString(),
			issued_at: t.issuedAt.toISOString(),
			transferred_from: t.transferredFrom
		}))
	);
}

export async function insertTickets(db: Db, tickets: NewTicket[]): Promise<TicketRow[]> {
	if (tickets.length === 0) return [];
	return select<TicketRow>(db, `${TICKETS_INSERT} RETURNING ${COLUMNS}`, { rows: ticketRecordset(tickets) });
}

export async function findTicket(db: Db, id: string, lock = false): Promise<TicketRow | null> {
	const [row] = await select<TicketRow>(db, `SELECT ${COLUMNS} FROM events.tickets WHERE id = :id ${lock ? "FOR UPDATE" : ""}`, { id });
	return row ?? null;
}

/** A holder's tickets, newest first, keyset-paged on (issued_at, id). */
export function ticketsOfHolder(db: Db, holderId: string, limit: number, after: [string, string] | null): Promise<TicketRow[]> {
	return select<TicketRow>(
		db,
		`SELECT ${COLUMNS} FROM events.tickets
		  WHERE holder_id = :holderId ${after ? "AND (issued_at, id) < (CAST(:at AS timestamptz), CAST(:id AS uuid))" : ""}
		  ORDER BY issued_at DESC, id DESC LIMIT :limit`,
		{ holderId, limit, at: after?.[0] ?? null, id: after?.[1] ?? null }
	);
}

/** Everyone holding a valid ticket of the event, once each. */
export async function ticketHolders(db: Db, eventId: string): Promise<string[]> {
	const rows = await select<{ holder_id: string }>(db, `SELECT DISTINCT holder_id FROM events.tickets WHERE event_id = :eventId AND status = 'valid'`, { eventId });
	return rows.map(r => r.holder_id);
}

/** Revokes every live ticket of the given bookings (or of one event); returns the revoked rows. */
export function revokeWhere(db: Db, where: { bookingIds: string[] } | { eventId: string }, reason: string): Promise<TicketRow[]> {
	const cond = "bookingIds" in where ? "booking_id = ANY(CAST(:ids AS uuid[]))" : "event_id = :eventId";
	return select<TicketRow>(
		db,
		`UPDATE events.tickets SET status = 'revoked', revoked_at = now(), revoke_reason = :reason
		  WHERE ${cond} AND status <> 'revoked' RETURNING ${COLUMNS}`,
		{ reason, ids: "bookingIds" in where ? uuidArray(where.bookingIds) : null, eventId: "eventId" in where ? where.eventId : null }
	);
}

export async function revokeForTransfer(db: Db, id: string, replacedBy: string): Promise<void> {
	await execute(db, "UPDATE events.tickets SET status = 'revoked', revoked_at = now(), revoke_reason = 'transferred', replaced_by = :replacedBy WHERE id = :id", { id, replacedBy });
}

/** Records an entry: the first one moves the ticket to used (a revoked ticket's status is never changed). */
export async function recordEntry(db: Db, id: string, checkedInAt: Date): Promise<void> {
	await execute(
		db,
		`UPDATE events.tickets SET entries = entries + 1, checked_in_at = :checkedInAt,
		        status = CASE WHEN status = 'valid' THEN 'used' ELSE status END
		  WHERE id = :id`,
		{ id, checkedInAt }
	);
}

export interface RevokedRow {
	id: string;
	revoked_at: Date;
}

/** Revoked tickets of an event still inside their validity window, oldest revocation first (incremental downloads). */
export function revokedTickets(db: Db, eventId: string, since: Date | null): Promise<RevokedRow[]> {
	return select<RevokedRow>(
		db,
		`SELECT id, revoked_at FROM events.tickets
		  WHERE event_id = :eventId AND status = 'revoked' AND valid_until > now() - interval '1 day' ${since ? "AND revoked_at > :since" : ""}
		  ORDER BY revoked_at, id`,
		{ eventId, since }
	);
}

export interface ScanRow extends TicketRow {
	allows_reentry: boolean;
	ticket_type_name: string;
}

/** The ticket with what a scan decides on, locked until the check-in's transaction ends. */
export async function lockForScan(db: Db, id: string): Promise<ScanRow | null> {
	const [row] = await select<ScanRow>(
		db,
		`SELECT t.id, t.booking_id, t.event_id, t.ticket_type_id, t.holder_id, t.status, t.code, t.code_kid, t.valid_from, t.valid_until, t.issued_at,
		        t.checked_in_at, t.entries, t.revoked_at, t.revoke_reason, t.replaced_by, t.transferred_from,
		        tt.allows_reentry, tt.name AS ticket_type_name
		   FROM events.tickets t JOIN events.ticket_types tt ON tt.id = t.ticket_type_id
		  WHERE t.id = :id FOR UPDATE OF t`,
		{ id }
	);
	return row ?? null;
}
