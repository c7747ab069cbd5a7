/**
 * Cancellations. The organizer cancelling an event cancels every live
 * booking in the same transaction: seats back, tickets revoked, paid ones
 * queued for a full refund, attendees told. An attendee cancelling a booking
 * gets what the organizer's refund policy gives. Refunds themselves are
 * calls to payments, made by the worker after the commit (`processRefunds`),
 * so a payments hiccup delays a refund but never loses it.
 */
import type { Transaction } from "sequelize";
import { inTransaction } from "../../../lib/db/transaction";
import { EventsError } from "../errors";
import { may } from "../rules/lifecycle";
import { attendeeRefund } from "../rules/refund-policy";
import { getEscrow, refund } from "../peers";
import type { EventsRuntime } from "../runtime";
import { anyTicketUsed, getBooking, liveBookingsOf, markEnded, markRefunded, refundsDue, type BookingRow } from "../store/bookings";
import { getEvent, setStatus } from "../store/events";
import { revokeBookingTickets } from "../tickets/issue";
import { bookingView, releaseSeats, type BookingView } from "./bookings";
import { ownEvent, renderEvents } from "./events";

const db = (rt: EventsRuntime, t?: Transaction) => ({ sequelize: rt.sequelize, t });

export async function cancelEvent(rt: EventsRuntime, organizerId: string, eventId: string, reason: string | null) {
	const { row, cancelled } = await inTransaction(rt.sequelize, async t => {
		// FOR UPDATE waits for bookings in flight (they hold FOR SHARE) and keeps new ones out.
		const e = await ownEvent(rt, organizerId, eventId, t);
		if (!may("cancel", e.status)) throw EventsError.eventState(e.status, "cancelled");
		const updated = await setStatus(db(rt, t), eventId, ["draft", "published", "happening"], "cancelled");
		if (!updated) throw EventsError.eventState(e.status, "cancelled");
		const bookings = await liveBookingsOf(db(rt, t), eventId);
		for (const b of bookings) {
			const paid = b.status === "confirmed" && Number(b.total) > 0;
			await releaseSeats(rt, t, b, b.status === "confirmed" ? "sold" : "held");
			await markEnded(db(rt, t), b.id, "cancelled", "event_cancelled", paid ? Number(b.total) : null);
			if (b.status === "confirmed") await revokeBookingTickets(rt, t, b.id, "event_cancelled");
			await rt.raiseEvent(
				t,
				"events.booking.cancelled",
				{ bookingId: b.id, eventId, eventTitle: e.title, buyerId: b.buyer_id, by: "organizer", refundAmount: paid ? Number(b.total) : 0, currency: b.currency, reason },
				organizerId
			);
		}
		return { row: updated, cancelled: bookings.length };
	});
	rt.kickWorker();
	return { ...(await renderEvents(rt, [row], organizerId))[0], bookingsCancelled: cancelled };
}

export async function cancelBooking(rt: EventsRuntime, buyerId: string, bookingId: string): Promise<BookingView> {
	const row = await inTransaction(rt.sequelize, async t => {
		const b = await getBooking(db(rt, t), bookingId, true);
		if (!b || b.buyer_id !== buyerId) throw EventsError.bookingNotFound();
		if (b.status !== "pending_payment" && b.status !== "confirmed") throw EventsError.bookingState(b.status);
		const e = await getEvent(db(rt, t), b.event_id);
		if (!e) throw EventsError.bookingNotFound();
		let refundAmount: number | null = null;
		if (b.status === "confirmed") {
			if (await anyTicketUsed(db(rt, t), b.id)) throw EventsError.bookingState("checked-in");
			const now = new Date();
			if (Number(b.total) > 0) {
				refundAmount = attendeeRefund(e.refund_policy, Number(b.total), b.currency, e.starts_at, now);
				if (refundAmount === null) throw EventsError.notRefundable();
			} else if (now.getTime() >= e.starts_at.getTime()) throw EventsError.notRefundable();
			await releaseSeats(rt, t, b, "sold");
			await revokeBookingTickets(rt, t, b.id, "booking_cancelled");
		} else await releaseSeats(rt, t, b, "held");
		await markEnded(db(rt, t), b.id, "cancelled", "attendee_cancelled", refundAmount);
		await rt.raiseEvent(
			t,
			"events.booking.cancelled",
			{ bookingId: b.id, eventId: b.event_id, eventTitle: e.title, buyerId, by: "attendee", refundAmount: refundAmount ?? 0, currency: b.currency, reason: null },
			buyerId
		);
		return (await getBooking(db(rt, t), b.id)) as BookingRow;
	});
	rt.kickWorker();
	return bookingView(row);
}

function isEscrowClosed(err: unknown): boolean {
	return (err as { type?: string }).type === "ESCROW_STATE";
}

/** One worker task: asks payments for every refund that is due; returns how many it settled. */
export async function processRefunds(rt: EventsRuntime, limit: number): Promise<number> {
	const due = await refundsDue(db(rt), limit);
	let done = 0;
	for (const b of due) {
		try {
			await refund(rt.broker, b.id, Number(b.refund_amount));
		} catch (err) {
			// A retried full refund finds the escrow already refunded: that is success, not a failure.
			if (!isEscrowClosed(err)) {
				rt.logger.warn(`Refund of booking ${b.id} failed; retried on the next pass:`, (err as Error).message);
				continue;
			}
			const escrow = await getEscrow(rt.broker, b.id).catch(() => null);
			if (escrow?.status !== "refunded") {
				rt.logger.warn(`Refund of booking ${b.id} refused (${(err as Error).message}); escrow is ${escrow?.status ?? "unknown"}`);
				continue;
			}
		}
		await inTransaction(rt.sequelize, async t => {
			if ((await markRefunded(db(rt, t), b.id)) === 0) return;
			const [e] = await rt.sequelize.query<{ title: string }>(`SELECT title FROM events.events WHERE id = :id`, { replacements: { id: b.event_id }, transaction: t, type: "SELECT" as never });
			await rt.raiseEvent(t, "events.booking.refunded", { bookingId: b.id, eventId: b.event_id, eventTitle: e?.title ?? "", buyerId: b.buyer_id, amount: Number(b.refund_amount), currency: b.currency }, null);
		});
		done++;
	}
	return done;
}
