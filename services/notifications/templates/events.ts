/**
 * Bookings (events.booking.*). Variables: {{event}} (the event's title, cut to
 * 40 characters), {{quantity}}, {{amount}} (with its currency), {{why}} (why a
 * booking was released), {{who}} and {{refund}} (sentences the mapping words
 * in the recipient's language).
 */
import type { Template, TemplateTexts } from "./types";

function texts(title: string, body: string, greeting: string): TemplateTexts {
	return { title, body, sms: `Nexgate: ${body}`, emailSubject: title, emailText: `${greeting}\n\n${body}\n\nNexgate`, emailHtml: `<p>${greeting}</p><p>${body}</p>` };
}

export const eventsTemplates: Record<"ticket.booking_confirmed" | "ticket.booking_released" | "ticket.booking_cancelled" | "ticket.booking_refunded", Template> = {
	"ticket.booking_confirmed": {
		en: texts("Tickets confirmed", "Your {{quantity}} ticket(s) for {{event}} are confirmed. Show them from the app at the door.", "Hello,"),
		sw: texts("Tiketi zimethibitishwa", "Tiketi {{quantity}} za {{event}} zimethibitishwa. Zionyeshe kwenye programu mlangoni.", "Habari,")
	},
	"ticket.booking_released": {
		en: texts("Booking not completed", "Your booking for {{event}} was released: {{why}}. You can book again.", "Hello,"),
		sw: texts("Oda haikukamilika", "Oda yako ya {{event}} imeachiliwa: {{why}}. Unaweza kuagiza tena.", "Habari,")
	},
	"ticket.booking_cancelled": {
		en: texts("Booking cancelled", "{{who}}: {{event}}. {{refund}}", "Hello,"),
		sw: texts("Oda imesitishwa", "{{who}}: {{event}}. {{refund}}", "Habari,")
	},
	"ticket.booking_refunded": {
		en: texts("Refund sent", "{{amount}} for {{event}} was refunded to you.", "Hello,"),
		sw: texts("Pesa imerudishwa", "{{amount}} za {{event}} zimerudishwa kwako.", "Habari,")
	}
};
