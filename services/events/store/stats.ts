/** The rows organizer stats are built from (rules/stats.ts shapes them); tickets and check-ins are TIX's tables. */
import type { SaleRow } from "../rules/stats";
import { select, type Db } from "./sql";

/** One row per ticket type of every booking that was ever confirmed (a later cancellation shows in `refunded`). */
export async function salesOf(db: Db, eventId: string): Promise<SaleRow[]> {
	const rows = await select<{ ticket_type_id: string; quantity: number; amount: string; at: Date }>(
		db,
		`SELECT i."ticketTypeId" AS ticket_type_id, i.quantity, (i.quantity * i."unitPrice")::bigint AS amount, b.confirmed_at AS at
		 FROM events.bookings b CROSS JOIN LATERAL jsonb_to_recordset(b.items) AS i("ticketTypeId" uuid, quantity int, "unitPrice" bigint)
		 WHERE b.event_id = :eventId AND b.confirmed_at IS NOT NULL`,
		{ eventId }
	);
	return rows.map(r => ({ ticketTypeId: r.ticket_type_id, quantity: r.quantity, amount: Number(r.amount), at: r.at }));
}

export async function refundedOf(db: Db, eventId: string): Promise<number> {
	const [row] = await select<{ sum: string | null }>(db, `SELECT sum(refund_amount) AS sum FROM events.bookings WHERE event_id = :eventId AND refunded_at IS NOT NULL`, { eventId });
	return Number(row?.sum ?? 0);
}

/** When each entry happened (scans that let someone in). */
export async function entriesOf(db: Db, eventId: string): Promise<Date[]> {
	const rows = await select<{ scanned_at: Date }>(db, `SELECT scanned_at FROM events.checkins WHERE event_id = :eventId AND entered ORDER BY scanned_at`, { eventId });
	return rows.map(r => r.scanned_at);
}

/** Tickets that still admit someone (not revoked), and how many of them came in. */
export async function ticketCounts(db: Db, eventId: string): Promise<{ issued: number; checkedIn: number }> {
	const [row] = await select<{ issued: string; checked_in: string }>(
		db,
		`SELECT count(*) FILTER (WHERE status <> 'revoked') AS issued, count(*) FILTER (WHERE status <> 'revoked' AND checked_in_at IS NOT NULL) AS checked_in
		 FROM events.tickets WHERE event_id = :eventId`,
		{ eventId }
	);
	return { issued: Number(row?.issued ?? 0), checkedIn: Number(row?.checked_in ?? 0) };
}
