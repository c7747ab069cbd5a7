/** The events domain's error types (docs/events.md lists them). */
import { badRequest, conflict, ErrorType, forbidden, notFound, unprocessable } from "../../lib/errors";

export const EventsError = {
	invalid: (field: string, message: string) => badRequest(`${field}: ${message}`, ErrorType.VALIDATION_ERROR, [{ field, type: "invalid", message }]),
	/** Absent, or a draft of someone else: the same answer, so drafts do not leak. */
	eventNotFound: () => notFound("Event not found", "EVENT_NOT_FOUND"),
	notOrganizer: () => forbidden("Only the event's organizer may do this", "NOT_ORGANIZER"),
	eventState: (status: string, action: string) => conflict(`A ${status} event cannot be ${action}`, "EVENT_STATE", { status }),
	noTicketTypes: () => unprocessable("Add at least one ticket type before publishing", "NO_TICKET_TYPES"),
	ticketTypeNotFound: () => notFound("Ticket type not found", "TICKET_TYPE_NOT_FOUND"),
	notOnSale: (ticketTypeId: string, reason: string) => unprocessable(`Ticket type ${ticketTypeId} is not on sale (${reason})`, "NOT_ON_SALE", { ticketTypeId, reason }),
	soldOut: (ticketTypeId: string, left: number) => conflict(`Not enough tickets left (${left})`, "SOLD_OUT", { ticketTypeId, left }),
	perOrderLimit: (ticketTypeId: string, limit: number) => unprocessable(`At most ${limit} tickets of this type per booking`, "PER_ORDER_LIMIT", { ticketTypeId, limit }),
	wrongUnlockCode: () => notFound("Ticket type not found", "TICKET_TYPE_NOT_FOUND"),
	mixedCurrencies: () => unprocessable("All tickets of a booking must be in one currency", "MIXED_CURRENCIES"),
	paymentRequired: () => badRequest("payment: a paid booking needs a payment method", ErrorType.VALIDATION_ERROR, [{ field: "payment", type: "required", message: "required for paid tickets" }]),
	bookingNotFound: () => notFound("Booking not found", "BOOKING_NOT_FOUND"),
	bookingState: (status: string) => conflict(`A ${status} booking cannot be cancelled`, "BOOKING_STATE", { status }),
	notRefundable: () => unprocessable("The organizer's refund policy allows no cancellation now", "NOT_REFUNDABLE"),
	idempotencyKeyReused: () => conflict("This Idempotency-Key was used for another booking", "IDEMPOTENCY_KEY_REUSED"),
	ownEvent: () => unprocessable("Organizers cannot book their own event", "OWN_EVENT"),
	notAttendee: () => forbidden("Only attendees who checked in may rate this event", "NOT_ATTENDEE"),
	alreadyRated: () => conflict("You already rated this event", "ALREADY_RATED"),
	notRatable: () => unprocessable("An event can be rated once it has started", "NOT_RATABLE"),
	coverNotUsable: () => unprocessable("The cover must be an image you uploaded", "COVER_NOT_USABLE"),
	paymentUnavailable: () => unprocessable("The payment could not be started", "PAYMENT_UNAVAILABLE")
};
