/** Scanner devices: registered by the organizer, each with its own revocable token (shown once). */
import { newId } from "../../../lib/ids";
import { EventsError } from "../errors";
import type { EventsRuntime } from "../runtime";
import { insertScanner, revokeScanner, scannersOfEvent, type ScannerRow } from "../store/scanners";
import { newScannerToken, organizerEvent, tokenHash } from "../tickets/access";
import { LIVE_STATUSES } from "../tickets/event-ref";
import { TicketsError } from "../tickets/errors";

const db = (rt: EventsRuntime) => ({ sequelize: rt.sequelize });

export interface ScannerView {
	scannerId: string;
	eventId: string;
	name: string;
	createdAt: string;
	lastSeenAt: string | null;
	revokedAt: string | null;
}

const view = (s: ScannerRow): ScannerView => ({
	scannerId: s.id,
	eventId: s.event_id,
	name: s.name,
	createdAt: s.created_at.toISOString(),
	lastSeenAt: s.last_seen_at?.toISOString() ?? null,
	revokedAt: s.revoked_at?.toISOString() ?? null
});

export async function registerScanner(rt: EventsRuntime, userId: string, eventId: string, name: string | undefined): Promise<ScannerView & { token: string }> {
	const event = await organizerEvent(rt, userId, eventId);
	if (!LIVE_STATUSES.has(event.status)) throw EventsError.eventState(event.status, "scanned");
	const token = newScannerToken();
	const row = await insertScanner(db(rt), { id: newId(), eventId, name: name?.trim() || "Scanner", tokenHash: tokenHash(token), createdBy: userId });
	return { ...view(row), token };
}

export async function listScanners(rt: EventsRuntime, userId: string, eventId: string): Promise<{ items: ScannerView[] }> {
	await organizerEvent(rt, userId, eventId);
	return { items: (await scannersOfEvent(db(rt), eventId)).map(view) };
}

/** Revoking is idempotent; the token stops working on the next request (nothing caches it). */
export async function revokeScannerDevice(rt: EventsRuntime, userId: string, eventId: string, scannerId: string): Promise<ScannerView> {
	await organizerEvent(rt, userId, eventId);
	const row = await revokeScanner(db(rt), eventId, scannerId);
	if (!row) throw TicketsError.scannerNotFound();
	return view(row);
}
