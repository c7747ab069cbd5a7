/**
 * SQL for ticket types. Seats are taken only by conditional UPDATEs (here
 * `sell`, and a batch's in store/sales.ts) that succeed only while
 * sold + held + n <= capacity, on the type's row locked, so parallel
 * bookings never oversell (the CHECK on the table is the backstop).
 */
import type { TicketTypeFields } from "../rules/ticket-type";
import { execute, select, type Db } from "./sql";

export interface TicketTypeRow {
	id: string;
	event_id: string;
	name: string;
	price: number;
	currency: string;
	capacity: number;
	sold: number;
	held: number;
	sales_start: Date | null;
	sales_end: Date | null;
	per_order_limit: number;
	hidden: boolean;
	unlock_code_hash: string | null;
	allows_reentry: boolean;
	created_at: Date;
}

/** A type row's columns as the flows read them (store/sales.ts locks them with the event). */
export const TYPE_COLUMNS = `id, event_id, name, price::float8 AS price, currency, capacity, sold, held, sales_start, sales_end, per_order_limit, hidden,
	unlock_code_hash, allows_reentry, created_at`;

export async function insertTicketType(db: Db, id: string, eventId: string, f: TicketTypeFields): Promise<TicketTypeRow> {
	const [row] = await select<TicketTypeRow>(
		db,
		`INSERT INTO events.ticket_types (id, event_id, name, price, currency, capacity, sales_start, sales_end, per_order_limit, hidden, unlock_code_hash, allows_reentry)
		 VALUES (:id, :eventId, :name, :price, :currency, :capacity, :salesStart, :salesEnd, :perOrderLimit, :hidden, :unlockCodeHash, :allowsReentry)
		 RETURNING ${TYPE_COLUMNS}`,
		{ id, eventId, ...f }
	);
	return row;
}

export function ticketTypesOf(db: Db, eventIds: readonly string[]): Promise<TicketTypeRow[]> {
	if (eventIds.length === 0) return Promise.resolve([]);
	return select<TicketTypeRow>(db, `SELECT ${TYPE_COLUMNS} FROM events.ticket_types WHERE event_id = ANY(:ids::uuid[]) ORDER BY created_at, id`, { ids: `{${eventIds.join(",")}}` });
}

/** Held seats become sold (a booking was paid). */
export function holdToSold(db: Db, ticketTypeId: string, quantity: number): Promise<number> {
	return execute(db, `UPDATE events.ticket_types SET held = held - :quantity, sold = sold + :quantity WHERE id = :ticketTypeId`, { ticketTypeId, quantity });
}

/** Takes seats as sold at once (free bookings); false when they are not there. */
export async function sell(db: Db, ticketTypeId: string, quantity: number): Promise<boolean> {
	return (await execute(db, `UPDATE events.ticket_types SET sold = sold + :quantity WHERE id = :ticketTypeId AND sold + held + :quantity <= capacity`, { ticketTypeId, quantity })) === 1;
}

export function releaseHeld(db: Db, ticketTypeId: string, quantity: number): Promise<number> {
	return execute(db, `UPDATE events.ticket_types SET held = held - :quantity WHERE id = :ticketTypeId`, { ticketTypeId, quantity });
}

export function releaseSold(db: Db, ticketTypeId: string, quantity: number): Promise<number> {
	return execute(db, `UPDATE events.ticket_types SET sold = sold - :quantity WHERE id = :ticketTypeId`, { ticketTypeId, quantity });
}

/** The event's ticket currency, once a first type fixed it (one currency per event: a booking pays one intent). */
export async function eventCurrency(db: Db, eventId: string): Promise<string | null> {
	const [row] = await select<{ currency: string }>(db, `SELECT currency FROM events.ticket_types WHERE event_id = :eventId LIMIT 1`, { eventId });
	return row?.currency ?? null;
}
