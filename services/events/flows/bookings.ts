/**
 * Booking tickets. Concurrent bookings of one event in this process are
 * queued and taken in batches, one transaction per batch (flows/sales.ts):
 * the seats (sold for free tickets, held for paid ones), the bookings and,
 * for free tickets, the tickets. A paid booking then asks payments for an
 * intent whose lifetime is the hold; payments' events confirm or release it
 * (flows/payments-consumer.ts), and the worker releases holds nobody paid.
 */
import type { Transaction } from "sequelize";
import { inTransaction } from "../../../lib/db/transaction";
import { readPage, toPage, type Page } from "../../../lib/pagination";
import { EventsError } from "../errors";
import type { ItemInput } from "../rules/booking";
import { createIntent, type PaymentMethod } from "../peers";
import type { EventsRuntime } from "../runtime";
import { bookingByKey, getBooking, markEnded, myBookings, setIntent, type BookingRow } from "../store/bookings";
import { getEvent } from "../store/events";
import { select } from "../store/sql";
import { releaseHeld, releaseSold } from "../store/ticket-types";
import { BatchQueue } from "../../../lib/batch-queue";
import { MAX_BATCH, sellBatch, type BookInput, type SaleOutcome, type SaleRequest } from "./sales";

export type { BookInput } from "./sales";

const db = (rt: EventsRuntime, t?: Transaction) => ({ sequelize: rt.sequelize, t });

export function bookingView(b: BookingRow) {
	return {
		id: b.id,
		eventId: b.event_id,
		buyerId: b.buyer_id,
		status: b.status,
		items: b.items,
		quantity: b.quantity,
		total: Number(b.total),
		currency: b.currency,
		intentId: b.intent_id,
		expiresAt: b.expires_at?.toISOString() ?? null,
		refund: b.refund_amount !== null ? { amount: Number(b.refund_amount), status: b.refunded_at ? "refunded" : b.refund_due ? "pending" : "none", refundedAt: b.refunded_at?.toISOString() ?? null } : null,
		cancelReason: b.cancel_reason,
		confirmedAt: b.confirmed_at?.toISOString() ?? null,
		cancelledAt: b.cancelled_at?.toISOString() ?? null,
		createdAt: b.created_at.toISOString()
	};
}
export type BookingView = ReturnType<typeof bookingView>;

export interface BookingResult {
	booking: BookingView;
	payment: { intentId: string | null; status: string; providerReference?: string | null } | null;
}

/** The same key from the same buyer answers with the booking it made; for another request it is a conflict. */
async function replay(rt: EventsRuntime, existing: BookingRow, eventId: string, items: ItemInput[]): Promise<BookingResult> {
	const asked = new Map<string, number>();
	for (const i of items) asked.set(i.ticketTypeId.toLowerCase(), (asked.get(i.ticketTypeId.toLowerCase()) ?? 0) + i.quantity);
	const same = existing.event_id === eventId && existing.items.length === asked.size && existing.items.every(i => asked.get(i.ticketTypeId) === i.quantity);
	if (!same) throw EventsError.idempotencyKeyReused();
	return { booking: bookingView(existing), payment: existing.total > 0 ? { intentId: existing.intent_id, status: paymentStatusOf(existing) } : null };
}

function paymentStatusOf(b: BookingRow): string {
	if (b.status === "confirmed" || b.status === "refunded") return "succeeded";
	if (b.status === "pending_payment") return "processing";
	return b.cancel_reason === "payment_failed" ? "failed" : b.status === "expired" ? "expired" : "cancelled";
}

/** One batching queue per runtime (per service instance), keyed by event. */
const queues = new WeakMap<EventsRuntime, BatchQueue<SaleRequest, SaleOutcome>>();

function salesQueue(rt: EventsRuntime): BatchQueue<SaleRequest, SaleOutcome> {
	let queue = queues.get(rt);
	if (!queue) {
		queue = new BatchQueue((eventId, reqs) => sellBatch(rt, eventId, reqs), MAX_BATCH);
		queues.set(rt, queue);
	}
	return queue;
}

export async function book(rt: EventsRuntime, buyerId: string, eventId: string, input: BookInput, idempotencyKey: string | null): Promise<BookingResult> {
	if (idempotencyKey) {
		const existing = await bookingByKey(db(rt), buyerId, idempotencyKey);
		if (existing) return replay(rt, existing, eventId, input.items);
	}
	const outcome = await salesQueue(rt).submit(eventId, { buyerId, input, idempotencyKey });
	// The key was taken meanwhile (a twin request in the batch, or another node): asked again, the
	// request finds that booking, or, if the twin was refused, queues as itself.
	if ("replay" in outcome) return book(rt, buyerId, eventId, input, idempotencyKey);
	const row = outcome.booked;
	if (row.status === "confirmed") return { booking: bookingView(row), payment: null };
	return pay(rt, row, input.payment as PaymentMethod);
}

/** Starts the payment of a held booking; a refusal by payments gives the seats back at once. */
async function pay(rt: EventsRuntime, row: BookingRow, method: PaymentMethod): Promise<BookingResult> {
	const [event] = await select<{ organizer_id: string; title: string }>(db(rt), `SELECT organizer_id, title FROM events.events WHERE id = :id`, { id: row.event_id });
	let intent;
	try {
		intent = await createIntent(rt.broker, {
			payerId: row.buyer_id,
			payeeId: event.organizer_id,
			amount: Number(row.total),
			currency: row.currency,
			bookingId: row.id,
			method,
			lifetimeSeconds: rt.cfg.holdSeconds,
			description: `Tickets: ${event.title}`.slice(0, 100)
		});
	} catch (err) {
		await releaseBooking(rt, row.id, "cancelled", "payment_refused");
		throw err;
	}
	await setIntent(db(rt), row.id, intent.id);
	if (intent.status === "failed") await releaseBooking(rt, row.id, "cancelled", "payment_failed");
	const after = (await getBooking(db(rt), row.id)) as BookingRow;
	return { booking: bookingView(after), payment: { intentId: intent.id, status: intent.status, providerReference: intent.providerReference ?? null } };
}

/**
 * Gives a pending booking's held seats back (payment failed, expired, or the
 * hold ran out). Returns false when the booking was no longer pending.
 */
export async function releaseBooking(rt: EventsRuntime, bookingId: string, status: "expired" | "cancelled", reason: string, t?: Transaction): Promise<boolean> {
	const work = async (tx: Transaction) => {
		const b = await getBooking(db(rt, tx), bookingId, true);
		if (!b || b.status !== "pending_payment") return false;
		await releaseSeats(rt, tx, b, "held");
		await markEnded(db(rt, tx), b.id, status, reason, null);
		const [e] = await select<{ title: string; organizer_id: string }>(db(rt, tx), `SELECT title, organizer_id FROM events.events WHERE id = :id`, { id: b.event_id });
		await rt.raiseEvent(tx, "events.booking.released", { bookingId: b.id, eventId: b.event_id, eventTitle: e.title, buyerId: b.buyer_id, reason }, null);
		return true;
	};
	return t ? work(t) : inTransaction(rt.sequelize, work);
}

export async function releaseSeats(rt: EventsRuntime, t: Transaction, b: BookingRow, kind: "held" | "sold"): Promise<void> {
	for (const item of [...b.items].sort((x, y) => x.ticketTypeId.localeCompare(y.ticketTypeId))) {
		if (kind === "held") await releaseHeld(db(rt, t), item.ticketTypeId, item.quantity);
		else await releaseSold(db(rt, t), item.ticketTypeId, item.quantity);
	}
}

/** A booking as its buyer or the event's organizer sees it; anyone else gets 404. */
export async function readBooking(rt: EventsRuntime, viewerId: string, bookingId: string): Promise<BookingView> {
	const b = await getBooking(db(rt), bookingId);
	if (!b) throw EventsError.bookingNotFound();
	if (b.buyer_id !== viewerId) {
		const e = await getEvent(db(rt), b.event_id);
		if (e?.organizer_id !== viewerId) throw EventsError.bookingNotFound();
	}
	return bookingView(b);
}

export async function listMyBookings(rt: EventsRuntime, buyerId: string, params: { cursor?: string; limit?: number }): Promise<Page<BookingView>> {
	const { limit, after } = readPage<[string, string]>(params);
	const rows = await myBookings(db(rt), buyerId, after, limit);
	const page = toPage(rows, limit, r => [r.created_at.toISOString(), r.id]);
	return { items: page.items.map(bookingView), nextCursor: page.nextCursor };
}
