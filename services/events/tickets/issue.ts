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

/** One signed ticket row per spec, all with the event's active key. */
async function signTickets(rt: EventsRuntime, db: Db, event: EventRef, specs: Array<TicketSpec & { bookingId: string }>): Promise<NewTicket[]> {
	if (specs.length === 0) return [];
	const key = await signingKey(rt, db, event.id);
	const { validFrom, validUntil } = validityWindow(event.starts_at, event.ends_at, rt.cfg.tickets);
	const issuedAt = new Date();
	return specs.map(s => {
		const id = newId();
		return {
			id,
			bookingId: s.bookingId,
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
}

/** Signs and inserts one ticket per spec (shared by booking issue and transfer). */
export async function signAndInsert(rt: EventsRuntime, db: Db, event: EventRef, bookingId: string, specs: TicketSpec[]): Promise<TicketRow[]> {
	return insertTickets(db, await signTickets(rt, db, event, specs.map(s => ({ ...s, bookingId }))));
}

const specsOf = (req: Omit<IssueRequest, "eventId">) =>
	req.items.flatMap(i => Array.from({ length: i.quantity }, () => ({ bookingId: req.bookingId, ticketTypeId: i.ticketTypeId, holderId: req.holderId })));

export async function issueTickets(rt: EventsRuntime, t: Transaction, req: IssueRequest): Promise<TicketRow[]> {
	const db = { sequelize: rt.sequelize, t };
	const event = await eventRef(db, req.eventId);
	if (!event) throw new Error(`issueTickets: event ${req.eventId} does not exist`);
	return insertTickets(db, await signTickets(rt, db, event, specsOf(req)));
}

/** The signed tickets of a batch of free bookings of one event; store/sales.ts inserts them with the bookings. */
export function signForBookings(rt: EventsRuntime, db: Db, event: EventRef, bookings: Array<Omit<IssueRequest, "eventId">>): Promise<NewTicket[]> {
	return signTickets(rt, db, event, bookings.flatMap(specsOf));
}

/** Revokes every live ticket of a booking (cancellation, refund); their ids go on the revocation list. */
export function revokeBookingTickets(rt: EventsRuntime, t: Transaction, bookingId: string, reason: string): Promise<TicketRow[]> {
	return revokeWhere({ sequelize: rt.sequelize, t }, { bookingIds: [bookingId] }, reason);
}
