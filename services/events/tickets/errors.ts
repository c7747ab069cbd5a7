/**
 * Error types of tickets, keys, scanners and check-ins (docs/events.md lists
 * them). Kept beside the tickets code rather than in ../errors.ts so the two
 * engineers sharing the service never edit one file at once.
 */
import { badRequest, conflict, ErrorType, forbidden, notFound, unauthorized, unprocessable } from "../../../lib/errors";

export const TicketsError = {
	/** Absent, or someone else's: the same answer, so ticket ids do not leak. */
	ticketNotFound: () => notFound("Ticket not found", "TICKET_NOT_FOUND"),
	notTransferable: (status: string) => conflict(`A ${status} ticket cannot be transferred`, "TICKET_NOT_TRANSFERABLE", { status }),
	eventNotLive: (status: string) => conflict(`Tickets of a ${status} event cannot change`, "EVENT_STATE", { status }),
	transferToSelf: () => unprocessable("You already hold this ticket", "TRANSFER_TO_SELF"),
	recipientNotFound: () => unprocessable("No such user to receive the ticket", "RECIPIENT_NOT_FOUND"),
	usersUnavailable: () => unprocessable("The recipient cannot be checked right now", "RECIPIENT_UNAVAILABLE"),
	scannerTokenRequired: () => unauthorized("A scanner token is required (Authorization: Bearer <scanner token>)", "SCANNER_TOKEN_REQUIRED"),
	invalidScannerToken: () => unauthorized("Unknown or revoked scanner token", "INVALID_SCANNER_TOKEN"),
	scannerOtherEvent: () => forbidden("This scanner is registered for another event", "SCANNER_OTHER_EVENT"),
	scannerNotFound: () => notFound("Scanner not found", "SCANNER_NOT_FOUND"),
	nonceReused: () => conflict("This nonce was already used by this scanner for another ticket", "NONCE_REUSED"),
	tooManyScans: (max: number) => badRequest(`scans: at most ${max} per upload`, ErrorType.VALIDATION_ERROR, [{ field: "scans", type: "arrayMax", message: `at most ${max}` }]),
	invalidScannedAt: () => badRequest("scans[].scannedAt: not a date", ErrorType.VALIDATION_ERROR, [{ field: "scans.scannedAt", type: "date", message: "an ISO 8601 date" }]),
	duplicateNonces: () => badRequest("scans[].nonce: every scan of an upload needs its own nonce", ErrorType.VALIDATION_ERROR, [{ field: "scans.nonce", type: "unique", message: "nonces must differ" }]),
	invalidCursor: () => badRequest("Invalid cursor", ErrorType.INVALID_CURSOR),
	invalidSince: () => badRequest("since: not a date", ErrorType.VALIDATION_ERROR, [{ field: "since", type: "date", message: "an ISO 8601 date" }])
};
