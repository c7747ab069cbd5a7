/**
 * Issuing and revoking tickets, called by EVT's booking flows inside their
 * own transaction (docs/events.md "Tickets"): a booking is confirmed and its
 * tickets exist, or neither. Codes are signed here, at insert, with the
 * event's active key, so a ticket's code never changes while it is valid.
 */
import type { Transaction } from "sequelize";
import { newId } from "../../../lib/ids";
import { signCompact } from "../rules/jws";
import { toWire, validityWindow } from "../rules/ticket-code";
import type { EventsRuntime } from "../runtime";
import type { Db } from "../../../lib/db/sql";
import { insertTickets, revokeWhere, type NewTicket, type TicketRow } from "../store/tickets";
import { eventRef, type EventRef } from "./event-ref";
import { signingKey } from "./keyring";

export type { TicketRow } from "../store/tickets";

export interface IssueRequest {
	bookingId: string;
	eventId: string;
	holderId: string;
	items: Array<{ ticketTypeId: string; quantity: number }>;
}

export interface TicketSpec {
	ticketTypeId: string;
	holderId: string;
	transferredFrom?: string | null;
}

/** Signs and inserts one ticket per spec (shared by booking issue and transfer). */
export async function signAndInsert(rt: EventsRuntime, db: Db, event: EventRef, bookingId: string, specs: TicketSpec[]): Promise<TicketRow[]> {
	if (specs.length === 0) return [];
	const key = await signingKey(rt, db, event.id);
	const { validFrom, validUntil } = validityWindow(event.starts_at, event.ends_at, rt.cfg.tickets);
	const issuedAt = new Date();
	const rows: NewTicket[] = specs.map(s => {
		const id = newId();
		return {
			id,
			bookingId,
			eventId: event.id,
			ticketTypeId: s.ticketTypeId,
			holderId: s.holderId,
			code: signCompact(key.kid, toWire({ ticketId: id, eventId: event.id, ticketTypeId: s.ticketTypeId, validFrom, validUntil }), key.privateKey),
			kid: key.kid,
			validFrom: new Date(validFrom * 1000),
			validUntil: new Date(validUntil * 1000),
			issuedAt,
			transferredFrom: s.transferredFrom ?? null
		};
	});
	return insertTickets(db, rows);
}

export async function issueTickets(rt: EventsRuntime, t: Transaction, req: IssueRequest): Promise<TicketRow[]> {
	const db = { sequelize: rt.sequelize, t };
	const event = await eventRef(db, req.eventId);
	if (!event) throw new Error(`issueTickets: event ${req.eventId} does not exist`);
	const specs = req.items.flatMap(i => Array.from({ length: i.quantity }, () => ({ ticketTypeId: i.ticketTypeId, holderId: req.holderId })));
	return signAndInsert(rt, db, event, req.bookingId, specs);
}

/** Revokes every live ticket of a booking (cancellation, refund); their ids go on the revocation list. */
export function revokeBookingTickets(rt: EventsRuntime, t: Transaction, bookingId: string, reason: string): Promise<TicketRow[]> {
	return revokeWhere({ sequelize: rt.sequelize, t }, { bookingIds: [bookingId] }, reason);
}
