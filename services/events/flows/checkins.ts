/**
 * Online check-in: a scanner sends a code and its nonce, the server answers
 * ok | already_checked_in | invalid_signature | revoked | wrong_event |
 * not_valid_now. The signature is checked before any lock; the decision is
 * taken under the ticket's row lock (rules/checkin.decideOnline), so of two
 * scanners reading the same ticket at the same moment exactly one lets it in.
 * A retry with the same nonce from the same scanner gets the first answer.
 */
import { inTransaction } from "../../../lib/db/transaction";
import { newId } from "../../../lib/ids";
import { decideOnline, verifyCode, type CheckInResult, type Verification } from "../rules/checkin";
import { parseCompact } from "../rules/jws";
import type { EventsRuntime } from "../runtime";
import { checkinByNonce, recordScan, type CheckinRow } from "../store/checkins";
import type { Db } from "../../../lib/db/sql";
import { lockForScan, type ScanRow } from "../store/tickets";
import type { ScannerRow } from "../store/scanners";
import { TicketsError } from "../tickets/errors";
import { verifyingKey } from "../tickets/keyring";

export interface ScanTicket {
	id: string;
	ticketTypeId: string;
	ticketTypeName: string;
	status: ScanRow["status"];
	entries: number;
	allowsReentry: boolean;
}

export interface CheckInAnswer {
	result: CheckInResult;
	ticket?: ScanTicket;
	checkedInAt?: string;
}

export const scanTicket = (r: ScanRow): ScanTicket => ({
	id: r.id,
	ticketTypeId: r.ticket_type_id,
	ticketTypeName: r.ticket_type_name,
	status: r.status,
	entries: r.entries,
	allowsReentry: r.allows_reentry
});

/** Signature, event and window at `at`; revocation is left to the locked row. */
export async function verifyForEvent(rt: EventsRuntime, db: Db, code: string, eventId: string, at: Date): Promise<Verification> {
	const parsed = parseCompact(code);
	const key = parsed ? await verifyingKey(rt, db, parsed.header.kid) : undefined;
	return verifyCode({
		code,
		eventId,
		keyOf: kid => (kid === parsed?.header.kid ? key : undefined),
		isRevoked: () => false,
		nowS: Math.floor(at.getTime() / 1000),
		leewayS: rt.cfg.tickets.clockLeewayS
	});
}

/** The first answer to a (scanner, nonce) again; another ticket under a used nonce is a client bug (409). */
export function replay(previous: CheckinRow, ticket: ScanRow): CheckInAnswer {
	if (previous.ticket_id !== ticket.id) throw TicketsError.nonceReused();
	return { result: previous.result, ticket: scanTicket(ticket), checkedInAt: ticket.checked_in_at?.toISOString() };
}

export async function checkIn(rt: EventsRuntime, scanner: ScannerRow, eventId: string, code: string, nonce: string): Promise<CheckInAnswer> {
	const now = new Date();
	const v = await verifyForEvent(rt, { sequelize: rt.sequelize }, code, eventId, now);
	if (v.result === "invalid_signature" || v.result === "wrong_event" || !v.claims) return { result: v.result };
	const ticketId = v.claims.ticketId;
	return inTransaction(rt.sequelize, async t => {
		const db = { sequelize: rt.sequelize, t };
		const row = await lockForScan(db, ticketId);
		// Signed by this event's key but no row: nothing can be logged against it; the code is dead.
		if (!row) return { result: "revoked" as const };
		let result: CheckInResult;
		let enter = false;
		let checkedInAt = row.checked_in_at;
		if (row.status === "revoked") result = "revoked";
		else if (v.result !== "ok") result = v.result;
		else {
			const d = decideOnline({ status: row.status, allowsReentry: row.allows_reentry, checkedInAt: row.checked_in_at, revokedAt: row.revoked_at }, now);
			({ result, enter, checkedInAt } = d);
		}
		const logged = result as "ok" | "already_checked_in" | "revoked" | "not_valid_now";
		const scan = { id: newId(), ticketId, eventId, scannerId: scanner.id, nonce, scannedAt: now, result: logged, entered: enter, offline: false, conflict: false };
		if (!(await recordScan(db, scan, enter ? (checkedInAt ?? now) : null))) {
			// Nothing was written: this scanner used the nonce before (a retry) — answer as the first time.
			const previous = await checkinByNonce(db, scanner.id, nonce);
			if (!previous) throw TicketsError.nonceReused();
			return replay(previous, row);
		}
		if (enter) {
			row.entries += 1;
			if (row.status === "valid") row.status = "used";
		}
		return { result, ticket: scanTicket(row), checkedInAt: checkedInAt?.toISOString() };
	});
}
