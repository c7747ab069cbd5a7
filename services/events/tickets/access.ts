/**
 * Who may act on an event's tickets: its organizer (user token), or one of
 * its registered scanner devices (their own bearer token, checked here
 * because the gateway only knows user tokens; docs/events.md "Check-in").
 */
import { createHash, randomBytes } from "node:crypto";
import { EventsError } from "../errors";
import type { EventsRuntime } from "../runtime";
import { scannerByTokenHash, touchScanner, type ScannerRow } from "../store/scanners";
import { eventRef, type EventRef } from "./event-ref";
import { TicketsError } from "./errors";

const db = (rt: EventsRuntime) => ({ sequelize: rt.sequelize });

/** The event, for its organizer: 404 when absent or someone else's draft, 403 for anyone else. */
export async function organizerEvent(rt: EventsRuntime, userId: string, eventId: string): Promise<EventRef> {
	const event = await eventRef(db(rt), eventId);
	if (!event || (event.status === "draft" && event.organizer_id !== userId)) throw EventsError.eventNotFound();
	if (event.organizer_id !== userId) throw EventsError.notOrganizer();
	return event;
}

/** Prefix that makes a scanner token recognisable in logs and secret scanners. */
const TOKEN_PREFIX = "nsc_";

export function newScannerToken(): string {
	return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

export function tokenHash(token: string): string {
	return createHash("sha256").update(token).digest("hex");
}

/** The scanner a token belongs to: 401 when absent, unknown or revoked; 403 for another event's scanner. */
export async function scannerFor(rt: EventsRuntime, token: string | null | undefined, eventId: string): Promise<ScannerRow> {
	if (!token) throw TicketsError.scannerTokenRequired();
	if (!token.startsWith(TOKEN_PREFIX) || token.length > 128) throw TicketsError.invalidScannerToken();
	const scanner = await scannerByTokenHash(db(rt), tokenHash(token));
	if (!scanner || scanner.revoked_at) throw TicketsError.invalidScannerToken();
	if (scanner.event_id !== eventId) throw TicketsError.scannerOtherEvent();
	// last seen: a write at most once a minute per device, not one per scan.
	if (!scanner.last_seen_at || Date.now() - scanner.last_seen_at.getTime() > 60_000) await touchScanner(db(rt), scanner.id);
	return scanner;
}
