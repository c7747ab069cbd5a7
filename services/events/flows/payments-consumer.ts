/**
 * What payments' events do to bookings (consumed once each, in the same
 * transaction as the booking's change):
 *   succeeded  a pending booking: held seats become sold, tickets issued,
 *              buyer told. A booking that already gave its seats back (the
 *              hold ran out first) takes them again if they are still
 *              there; otherwise, or if it was cancelled, the money goes back.
 *   failed / expired  a pending booking gives its seats back.
 */
import type { Transaction } from "sequelize";
import type { EventEnvelope } from "../../../lib/events/envelope";
import { may } from "../rules/lifecycle";
import type { EventsRuntime } from "../runtime";
import { getBooking, markConfirmed, queueRefund, type BookingRow } from "../store/bookings";
import { select } from "../store/sql";
import { holdToSold, sell } from "../store/ticket-types";
import { issueTickets } from "../tickets/issue";
import { releaseBooking } from "./bookings";

const db = (rt: EventsRuntime, t?: Transaction) => ({ sequelize: rt.sequelize, t });

type IntentEnvelope = EventEnvelope<"payments.intent.succeeded"> | EventEnvelope<"payments.intent.failed"> | EventEnvelope<"payments.intent.expired">;

/** The booking ids an intent pays for (one intent may carry several allocations). */
export function bookingIdsOf(e: IntentEnvelope): string[] {
	const purposes = e.data.allocations?.length ? e.data.allocations.map(a => a.purpose) : [e.data.purpose];
	return [...new Set(purposes.filter(p => p.type === "booking").map(p => p.id))];
}

export async function onIntentSucceeded(rt: EventsRuntime, t: Transaction, e: EventEnvelope<"payments.intent.succeeded">): Promise<boolean> {
	let queuedRefund = false;
	for (const bookingId of bookingIdsOf(e)) {
		const b = await getBooking(db(rt, t), bookingId, true);
		if (!b) continue;
		if (b.status === "pending_payment") {
			for (const item of sorted(b)) await holdToSold(db(rt, t), item.ticketTypeId, item.quantity);
			await confirm(rt, t, b, e.data.intentId);
		} else if (b.status === "expired" && (await retake(rt, t, b))) {
			await confirm(rt, t, b, e.data.intentId);
		} else if (b.status !== "confirmed" && b.refunded_at === null && !b.refund_due) {
			// Paid for seats it no longer has: everything goes back.
			await queueRefund(db(rt, t), b.id, Number(b.total));
			queuedRefund = true;
		}
	}
	return queuedRefund;
}

const sorted = (b: BookingRow) => [...b.items].sort((x, y) => x.ticketTypeId.localeCompare(y.ticketTypeId));

/** Takes an expired booking's seats again, all or none (a savepoint undoes a partial take). */
async function retake(rt: EventsRuntime, t: Transaction, b: BookingRow): Promise<boolean> {
	const [event] = await select<{ status: string }>(db(rt, t), `SELECT status FROM events.events WHERE id = :id FOR KEY SHARE`, { id: b.event_id });
	if (!event || !may("book", event.status as never)) return false;
	const sp = await rt.sequelize.transaction({ transaction: t });
	for (const item of sorted(b)) {
		if (!(await sell({ sequelize: rt.sequelize, t: sp }, item.ticketTypeId, item.quantity))) {
			await sp.rollback();
			return false;
		}
	}
	await sp.commit();
	return true;
}

async function confirm(rt: EventsRuntime, t: Transaction, b: BookingRow, intentId: string): Promise<void> {
	await markConfirmed(db(rt, t), b.id, intentId);
	await issueTickets(rt, t, { bookingId: b.id, eventId: b.event_id, holderId: b.buyer_id, items: b.items });
	const [e] = await select<{ title: string; organizer_id: string }>(db(rt, t), `SELECT title, organizer_id FROM events.events WHERE id = :id`, { id: b.event_id });
	await rt.raiseEvent(
		t,
		"events.booking.confirmed",
		{ bookingId: b.id, eventId: b.event_id, eventTitle: e.title, buyerId: b.buyer_id, organizerId: e.organizer_id, quantity: b.quantity, total: Number(b.total), currency: b.currency },
		null
	);
}

export async function onIntentEnded(rt: EventsRuntime, t: Transaction, e: EventEnvelope<"payments.intent.failed"> | EventEnvelope<"payments.intent.expired">): Promise<void> {
	const reason = e.type === "payments.intent.expired" ? "payment_expired" : "payment_failed";
	for (const bookingId of bookingIdsOf(e)) {
		const b = await getBooking(db(rt, t), bookingId);
		// Only the booking's current intent decides: an older failed attempt says nothing about it.
		if (!b || (b.intent_id && b.intent_id !== e.data.intentId)) continue;
		await releaseBooking(rt, bookingId, e.type === "payments.intent.expired" ? "expired" : "cancelled", reason, t);
	}
}

/** The channel handler's body, inside handleOnce's transaction; true when a refund was queued. */
export async function consumePayment(rt: EventsRuntime, t: Transaction, envelope: EventEnvelope): Promise<boolean> {
	switch (envelope.type) {
		case "payments.intent.succeeded":
			return onIntentSucceeded(rt, t, envelope as EventEnvelope<"payments.intent.succeeded">);
		case "payments.intent.failed":
		case "payments.intent.expired":
			await onIntentEnded(rt, t, envelope as EventEnvelope<"payments.intent.failed">);
			return false;
		default:
			return false;
	}
}
