/** A ticket as the API shows it (API.md "events": { id, status, code, qr, … }). */
import type { TicketRow } from "../store/tickets";
import { qrDataUrl } from "./qr";

export interface TicketView {
	id: string;
	status: TicketRow["status"];
	code: string;
	/** PNG data URL of the code's QR symbol (single-ticket reads only; lists carry the code). */
	qr?: string;
	eventId: string;
	ticketTypeId: string;
	bookingId: string;
	holderId: string;
	validFrom: string;
	validUntil: string;
	issuedAt: string;
	checkedInAt: string | null;
	revokedAt: string | null;
	revokeReason: string | null;
	/** The ticket that replaced this one (a transfer). */
	replacedBy: string | null;
	transferredFrom: string | null;
}

export function ticketView(r: TicketRow): TicketView {
	return {
		id: r.id,
		status: r.status,
		code: r.code,
		eventId: r.event_id,
		ticketTypeId: r.ticket_type_id,
		bookingId: r.booking_id,
		holderId: r.holder_id,
		validFrom: r.valid_from.toISOString(),
		validUntil: r.valid_until.toISOString(),
		issuedAt: r.issued_at.toISOString(),
		checkedInAt: r.checked_in_at?.toISOString() ?? null,
		revokedAt: r.revoked_at?.toISOString() ?? null,
		revokeReason: r.revoke_reason,
		replacedBy: r.replaced_by,
		transferredFrom: r.transferred_from
	};
}

export async function ticketWithQr(r: TicketRow): Promise<TicketView> {
	return { ...ticketView(r), qr: await qrDataUrl(r.code) };
}
