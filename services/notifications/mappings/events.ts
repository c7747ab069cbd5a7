/**
 * Bookings that reach attendees (lib/events/catalogue.ts, docs/events.md
 * "Durable events"): confirmed, released (payment failed or ran out),
 * cancelled (by the attendee or with the whole event) and refunded; a ticket
 * someone gave you; a new time or place for an event you hold tickets for.
 * Category "ticket" is urgent: a cancelled event tonight cannot wait for
 * quiet hours to end. The data carries the ids (and why / who) the app needs.
 */
import { displayAmount } from "./payments";
import { registerEventMapping } from "./registry";

const bookingData = (d: { bookingId: string; eventId: string }) => ({ bookingId: d.bookingId, eventId: d.eventId });

registerEventMapping("events.booking.confirmed", {
	type: "ticket.booking_confirmed",
	category: "ticket",
	template: "ticket.booking_confirmed",
	recipients: d => [d.buyerId],
	data: d => ({ ...bookingData(d), quantity: String(d.quantity) })
});

registerEventMapping("events.booking.released", {
	type: "ticket.booking_released",
	category: "ticket",
	template: "ticket.booking_released",
	recipients: d => [d.buyerId],
	data: d => ({ ...bookingData(d), reason: d.reason })
});

registerEventMapping("events.booking.cancelled", {
	type: "ticket.booking_cancelled",
	category: "ticket",
	template: "ticket.booking_cancelled",
	recipients: d => [d.buyerId],
	data: d => ({ ...bookingData(d), by: d.by, refundAmount: String(d.refundAmount), currency: d.currency })
});

registerEventMapping("events.booking.refunded", {
	type: "ticket.booking_refunded",
	category: "ticket",
	template: "ticket.booking_refunded",
	recipients: d => [d.buyerId],
	params: d => ({ amount: displayAmount(d.amount, d.currency) }),
	data: bookingData
});

registerEventMapping("events.ticket.transferred", {
	type: "ticket.received",
	category: "ticket",
	template: "ticket.received",
	recipients: d => [d.toUserId],
	data: d => ({ ticketId: d.ticketId, eventId: d.eventId, fromUserId: d.fromUserId })
});

registerEventMapping("events.event.changed", {
	type: "ticket.event_changed",
	category: "ticket",
	template: "ticket.event_changed",
	recipients: d => [d.holderId],
	data: d => ({ eventId: d.eventId, changes: d.changes.join(",") })
});
