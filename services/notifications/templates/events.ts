/**
 * Bookings (events.booking.*). Like every template, the texts carry no
 * per-booking variables except {{amount}}: an event's title could not be
 * trusted to fit one SMS segment. The notification's data names the booking
 * and the event (and who cancelled), and the app shows the details.
 */
import type { Template, TemplateTexts } from "./types";

function texts(title: string, body: string, greeting: string): TemplateTexts {
	return { title, body, sms: `Nexgate: ${body}`, emailSubject: title, emailText: `${greeting}\n\n${body}\n\nNexgate`, emailHtml: `<p>${greeting}</p><p>${body}</p>` };
}

export const eventsTemplates: Record<
	"ticket.booking_confirmed" | "ticket.booking_released" | "ticket.booking_cancelled" | "ticket.booking_refunded" | "ticket.received" | "ticket.event_changed",
	Template
> = {
	"ticket.booking_confirmed": {
		en: texts("Tickets confirmed", "Your tickets are confirmed. Open the app to see them and show them at the door.", "Hello,"),
		sw: texts("Tiketi zimethibitishwa", "Tiketi zako zimethibitishwa. Fungua programu uzione na uzionyeshe mlangoni.", "Habari,")
	},
	"ticket.booking_released": {
		en: texts("Booking not completed", "Your booking was not completed: the payment did not go through in time, so the seats were released. You can book again.", "Hello,"),
		sw: texts("Oda haikukamilika", "Oda yako haikukamilika: malipo hayakupita kwa wakati, hivyo nafasi zimeachiliwa. Unaweza kuagiza tena.", "Habari,")
	},
	"ticket.booking_cancelled": {
		en: texts("Booking cancelled", "Your booking was cancelled and its tickets no longer work. Any refund due is on its way; see the booking in the app.", "Hello,"),
		sw: texts("Oda imesitishwa", "Oda yako imesitishwa na tiketi zake hazitumiki tena. Marejesho yoyote yanashughulikiwa; angalia oda kwenye programu.", "Habari,")
	},
	"ticket.booking_refunded": {
		en: texts("Refund sent", "{{amount}} for your cancelled booking was refunded to you.", "Hello,"),
		sw: texts("Pesa imerudishwa", "{{amount}} za oda yako iliyositishwa zimerudishwa kwako.", "Habari,")
	},
	"ticket.received": {
		en: texts("You received a ticket", "Someone gave you a ticket. Open the app to see it and show it at the door.", "Hello,"),
		sw: texts("Umepokea tiketi", "Mtu amekupa tiketi. Fungua programu uione na uionyeshe mlangoni.", "Habari,")
	},
	"ticket.event_changed": {
		en: texts("Event details changed", "An event you have tickets for has a new time or place. Check the details in the app; your tickets still work.", "Hello,"),
		sw: texts("Taarifa za tukio zimebadilika", "Tukio ulilo na tiketi zake lina muda au mahali papya. Angalia taarifa kwenye programu; tiketi zako bado zinatumika.", "Habari,")
	}
};
