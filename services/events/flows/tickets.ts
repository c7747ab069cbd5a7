/**
 * A holder's tickets, transfer to another user, and the revocation list
 * offline scanners download (docs/events.md "Tickets").
 */
import { inTransaction } from "../../../lib/db/transaction";
import { readPage, toPage, type Page } from "../../../lib/pagination";
import { compactId } from "../rules/ticket-code";
import type { EventsRuntime } from "../runtime";
import { findTicket, revokeForTransfer, revokedTickets, ticketsOfHolder } from "../store/tickets";
import { scannerFor } from "../tickets/access";
import { eventRef, LIVE_STATUSES } from "../tickets/event-ref";
import { TicketsError } from "../tickets/errors";
import { signAndInsert } from "../tickets/issue";
import { ticketView, ticketWithQr, type TicketView } from "../tickets/view";

const db = (rt: EventsRuntime) => ({ sequelize: rt.sequelize });

export async function myTickets(rt: EventsRuntime, userId: string, params: { cursor?: string; limit?: number }): Promise<Page<TicketView>> {
	const { limit, after } = readPage<[string, string]>(params);
	if (after !== null && !(Array.isArray(after) && after.length === 2 && !Number.isNaN(Date.parse(String(after[0]))) && /^[0-9a-f-]{36}$/.test(String(after[1]))))
		throw TicketsError.invalidCursor();
	const rows = await ticketsOfHolder(db(rt), userId, limit + 1, after);
	return toPage(rows.map(ticketView), limit, last => [last.issuedAt, last.id]);
}

/** The holder's ticket with its QR image; anyone else's is 404. */
export async function getTicket(rt: EventsRuntime, userId: string, id: string): Promise<TicketView> {
	const row = await findTicket(db(rt), id);
	if (!row || row.holder_id !== userId) throw TicketsError.ticketNotFound();
	return ticketWithQr(row);
}

/** Users the recipient id names, through users.profiles (absent = unknown or deleted). */
async function recipientExists(rt: EventsRuntime, userId: string): Promise<boolean> {
	let profiles: Record<string, unknown>;
	try {
		profiles = await rt.broker.call("users.profiles", { ids: [userId] });
	} catch (err) {
		rt.logger.warn("users.profiles failed while checking a ticket transfer's recipient", err);
		throw TicketsError.usersUnavailable();
	}
	return Boolean(profiles?.[userId]);
}

/**
 * Moves a valid ticket to another user: the old row is revoked (its id goes on
 * the revocation list, replaced_by names the new one) and a new ticket with a
 * new id and code is issued to the recipient, in one transaction.
 */
export async function transferTicket(rt: EventsRuntime, userId: string, id: string, toUserId: string): Promise<TicketView> {
	const peek = await findTicket(db(rt), id);
	if (!peek || peek.holder_id !== userId) throw TicketsError.ticketNotFound();
	if (toUserId === userId) throw TicketsError.transferToSelf();
	if (!(await recipientExists(rt, toUserId))) throw TicketsError.recipientNotFound();
	const fresh = await inTransaction(rt.sequelize, async t => {
		const tdb = { sequelize: rt.sequelize, t };
		const event = await eventRef(tdb, peek.event_id, "share");
		const row = await findTicket(tdb, id, true);
		if (!event || !row || row.holder_id !== userId) throw TicketsError.ticketNotFound();
		if (row.status !== "valid") throw TicketsError.notTransferable(row.status);
		if (!LIVE_STATUSES.has(event.status)) throw TicketsError.eventNotLive(event.status);
		const [issued] = await signAndInsert(rt, tdb, event, row.booking_id, [{ ticketTypeId: row.ticket_type_id, holderId: toUserId, transferredFrom: row.id }]);
		await revokeForTransfer(tdb, row.id, issued.id);
		await rt.raiseEvent(t, "events.ticket.transferred", { ticketId: issued.id, eventId: event.id, eventTitle: event.title, fromUserId: userId, toUserId }, userId);
		return issued;
	});
	return ticketWithQr(fresh);
}

export interface RevocationList {
	eventId: string;
	/** Revoked tickets still inside their window: `t` is the id as it appears in the code's `t` claim. */
	items: Array<{ ticketId: string; t: string; revokedAt: string }>;
	/** Pass as `since` next time. It lags the clock a little so a revocation committing late is sent again, not missed. */
	asOf: string;
}

/** How far `asOf` lags: longer than any transaction that revokes tickets. */
const AS_OF_LAG_MS = 5 * 60_000;

/** For the event's scanner devices: the list they check offline. */
export async function revocationList(rt: EventsRuntime, scannerToken: string | null, eventId: string, since: string | undefined): Promise<RevocationList> {
	let sinceDate: Date | null = null;
	if (since !== undefined) {
		sinceDate = new Date(since);
		if (Number.isNaN(sinceDate.getTime())) throw TicketsError.invalidSince();
	}
	await scannerFor(rt, scannerToken, eventId);
	const asOf = new Date(Date.now() - AS_OF_LAG_MS);
	const rows = await revokedTickets(db(rt), eventId, sinceDate);
	return {
		eventId,
		items: rows.map(r => ({ ticketId: r.id, t: compactId(r.id), revokedAt: r.revoked_at.toISOString() })),
		asOf: asOf.toISOString()
	};
}
