/** SQL for bookings. A booking's status moves only with its row locked (FOR UPDATE) or by a guarded UPDATE. */
import type { BookingStatus, PricedItem } from "../rules/booking";
import { execute, select, type Db } from "./sql";

export interface BookingRow {
	id: string;
	event_id: string;
	buyer_id: string;
	status: BookingStatus;
	items: PricedItem[];
	quantity: number;
	total: number;
	currency: string;
	intent_id: string | null;
	expires_at: Date | null;
	idempotency_key: string | null;
	refund_amount: number | null;
	refund_due: boolean;
	refunded_at: Date | null;
	cancel_reason: string | null;
	escrow_released_at: Date | null;
	confirmed_at: Date | null;
	cancelled_at: Date | null;
	created_at: Date;
	updated_at: Date;
}

/** A booking row's columns as the flows read them (store/sales.ts returns the same from its INSERT). */
export const COLUMNS = `id, event_id, buyer_id, status, items, quantity, total::float8 AS total, currency, intent_id, expires_at, idempotency_key,
	refund_amount::float8 AS refund_amount, refund_due, refunded_at, cancel_reason, escrow_released_at, confirmed_at, cancelled_at, created_at, updated_at`;

export interface NewBooking {
	id: string;
	eventId: string;
	buyerId: string;
	status: "pending_payment" | "confirmed";
	items: PricedItem[];
	quantity: number;
	total: number;
	currency: string;
	expiresAt: Date | null;
	idempotencyKey: string | null;
}

export async function getBooking(db: Db, id: string, lock = false): Promise<BookingRow | null> {
	const [row] = await select<BookingRow>(db, `SELECT ${COLUMNS} FROM events.bookings WHERE id = :id ${lock ? "FOR UPDATE" : ""}`, { id });
	return row ?? null;
}

export async function bookingByKey(db: Db, buyerId: string, key: string): Promise<BookingRow | null> {
	const [row] = await select<BookingRow>(db, `SELECT ${COLUMNS} FROM events.bookings WHERE buyer_id = :buyerId AND idempotency_key = :key`, { buyerId, key });
	return row ?? null;
}

export function myBookings(db: Db, buyerId: string, after: [string, string] | null, limit: number): Promise<BookingRow[]> {
	return select<BookingRow>(
		db,
		`SELECT ${COLUMNS} FROM events.bookings WHERE buyer_id = :buyerId ${after ? "AND (created_at, id) < (:at::timestamptz, :id::uuid)" : ""}
		 ORDER BY created_at DESC, id DESC LIMIT :limit`,
		{ buyerId, limit: limit + 1, at: after?.[0], id: after?.[1] }
	);
}

export function setIntent(db: Db, id: string, intentId: string): Promise<number> {
	return execute(db, `UPDATE events.bookings SET intent_id = :intentId, updated_at = now() WHERE id = :id AND intent_id IS NULL`, { id, intentId });
}

export function markConfirmed(db: Db, id: string, intentId: string | null): Promise<number> {
	return execute(
		db,
		`UPDATE events.bookings SET status = 'confirmed', confirmed_at = now(), expires_at = NULL, intent_id = COALESCE(:intentId::uuid, intent_id), updated_at = now() WHERE id = :id`,
		{ id, intentId }
	);
}

/** Ends a booking: expired (hold ran out), or cancelled with a reason; `refundAmount` > 0 queues a refund for the worker. */
export function markEnded(db: Db, id: string, status: "expired" | "cancelled", reason: string, refundAmount: number | null): Promise<number> {
	return execute(
		db,
		`UPDATE events.bookings SET status = :status, cancel_reason = :reason, cancelled_at = now(), expires_at = NULL,
			refund_amount = :refundAmount, refund_due = COALESCE(:refundAmount, 0) > 0, updated_at = now() WHERE id = :id`,
		{ id, status, reason, refundAmount }
	);
}

/** A payment that arrived for a booking already ended: all of it goes back. */
export function queueRefund(db: Db, id: string, amount: number): Promise<number> {
	return execute(db, `UPDATE events.bookings SET refund_amount = :amount, refund_due = true, updated_at = now() WHERE id = :id AND refunded_at IS NULL`, { id, amount });
}

export function markRefunded(db: Db, id: string): Promise<number> {
	return execute(db, `UPDATE events.bookings SET status = 'refunded', refund_due = false, refunded_at = now(), updated_at = now() WHERE id = :id AND refund_due`, { id });
}

export function holdsPastExpiry(db: Db, now: Date, limit: number): Promise<Array<{ id: string }>> {
	return select(db, `SELECT id FROM events.bookings WHERE status = 'pending_payment' AND expires_at <= :now ORDER BY expires_at LIMIT :limit`, { now, limit });
}

export function refundsDue(db: Db, limit: number): Promise<BookingRow[]> {
	return select<BookingRow>(db, `SELECT ${COLUMNS} FROM events.bookings WHERE refund_due ORDER BY updated_at LIMIT :limit`, { limit });
}

/** Bookings of an event that may still hold seats, in id order (the order every multi-row lock takes). */
export function liveBookingsOf(db: Db, eventId: string): Promise<BookingRow[]> {
	return select<BookingRow>(db, `SELECT ${COLUMNS} FROM events.bookings WHERE event_id = :eventId AND status IN ('pending_payment', 'confirmed') ORDER BY id FOR UPDATE`, { eventId });
}

/** Paid bookings of an event whose escrow still holds money for the organizer. */
export function escrowsToRelease(db: Db, eventId: string, limit: number): Promise<BookingRow[]> {
	return select<BookingRow>(
		db,
		`SELECT ${COLUMNS} FROM events.bookings
		 WHERE event_id = :eventId AND total > 0 AND escrow_released_at IS NULL AND intent_id IS NOT NULL
		   AND (status = 'confirmed' OR (status = 'refunded' AND refund_amount < total) OR (status = 'cancelled' AND NOT refund_due AND confirmed_at IS NOT NULL))
		 ORDER BY id LIMIT :limit`,
		{ eventId, limit }
	);
}

export function markEscrowReleased(db: Db, id: string): Promise<number> {
	return execute(db, `UPDATE events.bookings SET escrow_released_at = now(), updated_at = now() WHERE id = :id`, { id });
}

/** Whether any ticket of the booking was already used at the door (TIX's tickets table). */
export async function anyTicketUsed(db: Db, bookingId: string): Promise<boolean> {
	const rows = await select(db, `SELECT 1 FROM events.tickets WHERE booking_id = :bookingId AND (status = 'used' OR checked_in_at IS NOT NULL) LIMIT 1`, { bookingId });
	return rows.length > 0;
}
