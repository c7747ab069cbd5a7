/**
 * Offline scans uploaded in a batch: each scan is judged as of its own
 * `scannedAt` (window, revocation time), in scan-time order, one transaction
 * per scan under the ticket's row lock — so whichever scan of a ticket
 * happened first wins, whether it arrived online, in this batch or in
 * another scanner's batch. Every double entry of a single-entry ticket is
 * reported (rules/checkin.decideSync).
 */
import { inTransaction } from "../../../lib/db/transaction";
import { newId } from "../../../lib/ids";
import { decideSync, type CheckInResult, type Verification } from "../rules/checkin";
import type { EventsRuntime } from "../runtime";
import { checkinByNonce, firstEntry, insertCheckin, markConflict } from "../store/checkins";
import type { ScannerRow } from "../store/scanners";
import { lockForScan, recordEntry } from "../store/tickets";
import { TicketsError } from "../tickets/errors";
import { verifyForEvent } from "./checkins";

export interface OfflineScan {
	code: string;
	nonce: string;
	scannedAt: string;
}

export interface ScanRef {
	scannerId: string;
	nonce: string;
	scannedAt: string;
}

export interface Conflict {
	ticketId: string;
	/** The entry that stands. */
	first: ScanRef;
	/** The entry that should not have happened (the ticket was already in). */
	duplicate: ScanRef;
}

export interface SyncAnswer {
	results: Array<{ nonce: string; result: CheckInResult; ticketId?: string; checkedInAt?: string; replayed?: boolean }>;
	conflicts: Conflict[];
}

/** Tickets judged at once: below the shared connection pool (10), so online check-ins still get connections. */
const SYNC_CONCURRENCY = 4;

const ref = (scannerId: string, nonce: string, at: Date): ScanRef => ({ scannerId, nonce, scannedAt: at.toISOString() });

export async function syncScans(rt: EventsRuntime, scanner: ScannerRow, eventId: string, scans: OfflineScan[]): Promise<SyncAnswer> {
	if (scans.length > rt.cfg.tickets.syncMaxScans) throw TicketsError.tooManyScans(rt.cfg.tickets.syncMaxScans);
	const now = Date.now();
	// A scanner clock ahead of ours cannot put a scan in the future: it counts as now.
	const timed = scans.map((s, i) => ({ ...s, i, at: new Date(Math.min(Date.parse(s.scannedAt), now)) }));
	if (timed.some(s => Number.isNaN(s.at.getTime()))) throw TicketsError.invalidScannedAt();
	if (new Set(scans.map(s => s.nonce)).size !== scans.length) throw TicketsError.duplicateNonces();
	timed.sort((a, b) => a.at.getTime() - b.at.getTime() || a.i - b.i);

	const results: SyncAnswer["results"] = new Array(scans.length);
	const conflicts: Conflict[] = [];
	// Verify first (CPU only); then each ticket's scans in time order, different tickets side by side.
	const byTicket = new Map<string, Array<(typeof timed)[number] & { v: Verification }>>();
	for (const scan of timed) {
		const v = await verifyForEvent(rt, { sequelize: rt.sequelize }, scan.code, eventId, scan.at);
		if (v.result === "invalid_signature" || v.result === "wrong_event" || !v.claims) results[scan.i] = { nonce: scan.nonce, result: v.result };
		else {
			const list = byTicket.get(v.claims.ticketId) ?? [];
			list.push({ ...scan, v });
			byTicket.set(v.claims.ticketId, list);
		}
	}
	const judgeScan = async (ticketId: string, scan: (typeof timed)[number] & { v: Verification }) => {
		const v = scan.v;
		const judged = await inTransaction(rt.sequelize, async t => {
			const db = { sequelize: rt.sequelize, t };
			const row = await lockForScan(db, ticketId);
			if (!row) return { answer: { nonce: scan.nonce, result: "revoked" as const, ticketId }, found: [] };
			const previous = await checkinByNonce(db, scanner.id, scan.nonce);
			if (previous) {
				if (previous.ticket_id !== ticketId) throw TicketsError.nonceReused();
				return { answer: { nonce: scan.nonce, result: previous.result, ticketId, checkedInAt: row.checked_in_at?.toISOString(), replayed: true }, found: [] };
			}
			const state = { status: row.status, allowsReentry: row.allows_reentry, checkedInAt: row.checked_in_at, revokedAt: row.revoked_at };
			const d = v.result === "not_valid_now" ? { result: "not_valid_now" as const, enter: false, checkedInAt: row.checked_in_at, conflict: null } : decideSync(state, scan.at);
			// The entry that was first until now: it stands (laterScan "this") or is displaced by this earlier scan ("recorded").
			const first = d.conflict ? await firstEntry(db, ticketId) : null;
			const found: Conflict[] = [];
			if (d.conflict?.laterScan === "this")
				found.push({ ticketId, first: first ? ref(first.scanner_id, first.nonce, first.scanned_at) : ref("", "", row.checked_in_at ?? scan.at), duplicate: ref(scanner.id, scan.nonce, scan.at) });
			if (d.conflict?.laterScan === "recorded" && first) {
				await markConflict(db, first.id);
				found.push({ ticketId, first: ref(scanner.id, scan.nonce, scan.at), duplicate: ref(first.scanner_id, first.nonce, first.scanned_at) });
			}
			const inserted = await insertCheckin(db, {
				id: newId(),
				ticketId,
				eventId,
				scannerId: scanner.id,
				nonce: scan.nonce,
				scannedAt: scan.at,
				result: d.result as "ok" | "already_checked_in" | "revoked" | "not_valid_now",
				// The offline scanner let the holder in on its own (it could not know); the log says so, the conflict flag says it was wrong.
				entered: d.enter || d.conflict?.laterScan === "this",
				offline: true,
				conflict: d.conflict?.laterScan === "this"
			});
			if (!inserted) throw TicketsError.nonceReused();
			if (d.enter) await recordEntry(db, ticketId, d.checkedInAt ?? scan.at);
			return { answer: { nonce: scan.nonce, result: d.result, ticketId, checkedInAt: d.checkedInAt?.toISOString() }, found };
		});
		results[scan.i] = judged.answer;
		conflicts.push(...judged.found);
	};
	const groups = [...byTicket.entries()];
	const worker = async () => {
		for (let g = groups.shift(); g; g = groups.shift()) for (const scan of g[1]) await judgeScan(g[0], scan);
	};
	// Every worker finishes before the answer (or the first error) leaves: no transaction outlives the request.
	const settled = await Promise.allSettled(Array.from({ length: Math.min(SYNC_CONCURRENCY, groups.length) }, worker));
	const failed = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
	if (failed) throw failed.reason;
	conflicts.sort((a, b) => a.duplicate.scannedAt.localeCompare(b.duplicate.scannedAt) || a.ticketId.localeCompare(b.ticketId));
	return { results, conflicts };
}
