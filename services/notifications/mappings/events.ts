/**
 * Bookings that reach attendees (lib/events/catalogue.ts, docs/events.md
 * "Notifications"): confirmed, released (payment failed or ran out),
 * cancelled (by the attendee or with the whole event) and refunded.
 * Category "ticket" is urgent: a cancelled event tonight cannot wait for
 * quiet hours to end. Titles are cut so one SMS segment holds the text.
 */
import type { Language } from "../../../lib/events/catalogue";
import { displayAmount } from "./payments";
import { registerEventMapping } from "./registry";

const TITLE_MAX = 40;
export const shortTitle = (t: string) => ([...t].length > TITLE_MAX ? `${[...t].slice(0, TITLE_MAX - 1).join("")}…` : t);
const bookingData = (d: { bookingId: string; eventId: string }) => ({ bookingId: d.bookingId, eventId: d.eventId });

const RELEASED: Record<Language, Record<string, string>> = {
	en: { payment_failed: "the payment failed", payment_refused: "the payment could not start", payment_expired: "the payment was not confirmed in time", hold_expired: "the payment was not confirmed in time" },
	sw: { payment_failed: "malipo yameshindikana", payment_refused: "malipo hayakuweza kuanza", payment_expired: "malipo hayakuthibitishwa kwa wakati", hold_expired: "malipo hayakuthibitishwa kwa wakati" }
};

registerEventMapping("events.booking.confirmed", {
	type: "ticket.booking_confirmed",
	category: "ticket",
	template: "ticket.booking_confirmed",
	recipients: d => [d.buyerId],
	params: d => ({ event: shortTitle(d.eventTitle), quantity: String(d.quantity) }),
	data: bookingData
});

registerEventMapping("events.booking.released", {
	type: "ticket.booking_released",
	category: "ticket",
	template: "ticket.booking_released",
	recipients: d => [d.buyerId],
	params: (d, lang) => ({ event: shortTitle(d.eventTitle), why: RELEASED[lang][d.reason] ?? RELEASED[lang].payment_failed }),
	data: d => ({ ...bookingData(d), reason: d.reason })
});

registerEventMapping("events.booking.cancelled", {
	type: "ticket.booking_cancelled",
	category: "ticket",
	template: "ticket.booking_cancelled",
	recipients: d => [d.buyerId],
	params: (d, lang) => ({
		event: shortTitle(d.eventTitle),
		who: d.by === "organizer" ? (lang === "sw" ? "Mwandaaji amesitisha tukio" : "The organizer cancelled the event") : lang === "sw" ? "Umesitisha oda yako" : "You cancelled your booking",
		refund:
			d.refundAmount > 0
				? lang === "sw"
					? `${displayAmount(d.refundAmount, d.currency)} zitarudishwa.`
					: `${displayAmount(d.refundAmount, d.currency)} will be refunded.`
				: lang === "sw"
					? "Tiketi zimefutwa."
					: "The tickets are void."
	}),
	data: d => ({ ...bookingData(d), by: d.by })
});

registerEventMapping("events.booking.refunded", {
	type: "ticket.booking_refunded",
	category: "ticket",
	template: "ticket.booking_refunded",
	recipients: d => [d.buyerId],
	params: d => ({ event: shortTitle(d.eventTitle), amount: displayAmount(d.amount, d.currency) }),
	data: bookingData
});
