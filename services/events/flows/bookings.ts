/**
 * Booking tickets. One transaction takes the seats (a conditional UPDATE per
 * ticket type: sold for free tickets, held for paid ones), writes the booking
 * and, for free tickets, issues them. A paid booking then asks payments for
 * an intent whose lifetime is the hold; payments' events confirm or release
 * it (flows/payments-consumer.ts), and the worker releases holds nobody paid.
 */
import type { Transaction } from "sequelize";
import { inTransaction } from "../../../lib/db/transaction";
import { newId } from "../../../lib/ids";
import { readPage, toPage, type Page } from "../../../lib/pagination";
import { EventsError } from "../errors";
import { priceBooking, type BookableType, type BookingRefusal, type ItemInput } from "../rules/booking";
import { may } from "../rules/lifecycle";
import { createIntent, type PaymentMethod } from "../peers";
import type { EventsRuntime } from "../runtime";
import { bookingByKey, getBooking, insertBooking, markEnded, myBookings, setIntent, type BookingRow } from "../store/bookings";
import { getEvent } from "../store/events";
import { select } from "../store/sql";
import { hold, releaseHeld, releaseSold, sell, ticketTypesOf, type TicketTypeRow } from "../store/ticket-types";
import { issueTickets } from "../tickets/issue";

export interface BookInput {
	items: ItemInput[];
	payment?: PaymentMethod;
	unlockCode?: string;
}

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

function refusal(r: BookingRefusal): Error {
	switch (r.kind) {
		case "invalid":
			return EventsError.invalid(r.field, r.message);
		case "unknown_type":
			return EventsError.ticketTypeNotFound();
		case "not_on_sale":
			return EventsError.notOnSale(r.ticketTypeId, r.reason);
		case "per_order_limit":
			return EventsError.perOrderLimit(r.ticketTypeId, r.limit);
		case "sold_out":
			return EventsError.soldOut(r.ticketTypeId, r.left);
		case "mixed_currencies":
			return EventsError.mixedCurrencies();
	}
}

const bookable = (tt: TicketTypeRow): BookableType => ({
	id: tt.id,
	price: Number(tt.price),
	currency: tt.currency,
	capacity: tt.capacity,
	sold: tt.sold,
	held: tt.held,
	salesStart: tt.sales_start,
	salesEnd: tt.sales_end,
	perOrderLimit: tt.per_order_limit,
	unlockCodeHash: tt.unlock_code_hash
});

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

export async function book(rt: EventsRuntime, buyerId: string, eventId: string, input: BookInput, idempotencyKey: string | null): Promise<BookingResult> {
	if (idempotencyKey) {
		const existing = await bookingByKey(db(rt), buyerId, idempotencyKey);
		if (existing) return replay(rt, existing, eventId, input.items);
	}
	let row: BookingRow;
	try {
		row = await inTransaction(rt.sequelize, t => takeSeats(rt, t, buyerId, eventId, input, idempotencyKey));
	} catch (err) {
		// Two requests with one key raced: the loser answers with the winner's booking.
		if (idempotencyKey && (err as { parent?: { constraint?: string } }).parent?.constraint === "bookings_idempotency_key") {
			const existing = await bookingByKey(db(rt), buyerId, idempotencyKey);
			if (existing) return replay(rt, existing, eventId, input.items);
		}
		throw err;
	}
	if (row.status === "confirmed") return { booking: bookingView(row), payment: null };
	return pay(rt, row, input.payment as PaymentMethod);
}

async function takeSeats(rt: EventsRuntime, t: Transaction, buyerId: string, eventId: string, input: BookInput, idempotencyKey: string | null): Promise<BookingRow> {
	// FOR KEY SHARE: bookings run side by side, but not beside the event's cancellation (which takes FOR
	// UPDATE). It is the mode the foreign keys of the booking and ticket rows take on this row anyway, so a
	// hot event's row carries one kind of lock, and edits (FOR NO KEY UPDATE) do not wait for bookings.
	const [event] = await select<{ id: string; organizer_id: string; status: string; ends_at: Date; title: string }>(
		db(rt, t),
		`SELECT id, organizer_id, status, ends_at, title FROM events.events WHERE id = :eventId FOR KEY SHARE`,
		{ eventId }
	);
	if (!event || event.status === "draft") throw EventsError.eventNotFound();
	if (!may("book", event.status as never)) throw EventsError.eventState(event.status, "booked");
	if (event.organizer_id === buyerId) throw EventsError.ownEvent();
	const types = new Map((await ticketTypesOf(db(rt, t), [eventId])).map(tt => [tt.id, bookable(tt)]));
	const priced = priceBooking(input.items, types, { now: new Date(), eventEndsAt: event.ends_at, maxTickets: rt.cfg.maxTicketsPerBooking, unlockCode: input.unlockCode });
	if ("kind" in priced) throw refusal(priced);
	const free = priced.total === 0;
	if (!free && !input.payment) throw EventsError.paymentRequired();
	const row = await insertBooking(db(rt, t), {
		id: newId(),
		eventId,
		buyerId,
		status: free ? "confirmed" : "pending_payment",
		items: priced.items,
		quantity: priced.quantity,
		total: priced.total,
		currency: priced.currency,
		expiresAt: free ? null : new Date(Date.now() + rt.cfg.holdSeconds * 1000),
		idempotencyKey
	});
	if (free) {
		await issueTickets(rt, t, { bookingId: row.id, eventId, holderId: buyerId, items: priced.items });
		await rt.raiseEvent(
			t,
			"events.booking.confirmed",
			{ bookingId: row.id, eventId, eventTitle: event.title, buyerId, organizerId: event.organizer_id, quantity: priced.quantity, total: 0, currency: priced.currency },
			buyerId
		);
	}
	// The seats last: the type's row lock (which every booking of the type waits for) is then held only
	// from this UPDATE to the commit, not across the ticket signing above. Zero rows rolls it all back.
	// Types in id order: two bookings of the same two types lock them in the same order (no deadlock).
	for (const item of [...priced.items].sort((a, b) => a.ticketTypeId.localeCompare(b.ticketTypeId))) {
		const ok = free ? await sell(db(rt, t), item.ticketTypeId, item.quantity) : await hold(db(rt, t), item.ticketTypeId, item.quantity);
		if (!ok) {
			const [now] = await select<{ left: number }>(db(rt, t), `SELECT capacity - sold - held AS left FROM events.ticket_types WHERE id = :id`, { id: item.ticketTypeId });
			throw EventsError.soldOut(item.ticketTypeId, Math.max(0, now?.left ?? 0));
		}
	}
	return row;
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
