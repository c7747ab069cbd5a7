/** SQL for the check-in log: one row per scan of a known ticket, unique per (scanner, nonce). */
import { execute, select, type Db } from "../../../lib/db/sql";

export type LoggedResult = "ok" | "already_checked_in" | "revoked" | "not_valid_now";

export interface CheckinRow {
	id: string;
	ticket_id: string;
	scanner_id: string;
	nonce: string;
	scanned_at: Date;
	result: LoggedResult;
	entered: boolean;
	offline: boolean;
	conflict: boolean;
}

const COLUMNS = "id, ticket_id, scanner_id, nonce, scanned_at, result, entered, offline, conflict";

export async function checkinByNonce(db: Db, scannerId: string, nonce: string): Promise<CheckinRow | null> {
	const [row] = await select<CheckinRow>(db, `SELECT ${COLUMNS} FROM events.checkins WHERE scanner_id = :scannerId AND nonce = :nonce`, { scannerId, nonce });
	return row ?? null;
}

export type NewCheckin = {
	id: string;
	ticketId: string;
	eventId: string;
	scannerId: string;
	nonce: string;
	scannedAt: Date;
	result: LoggedResult;
	entered: boolean;
	offline: boolean;
	conflict: boolean;
};

/** False when this scanner already used the nonce (a retry that raced its original). */
export async function insertCheckin(db: Db, c: NewCheckin): Promise<boolean> {
	const n = await execute(
		db,
		`INSERT INTO events.checkins (id, ticket_id, event_id, scanner_id, nonce, scanned_at, result, entered, offline, conflict)
		 VALUES (:id, :ticketId, :eventId, :scannerId, :nonce, :scannedAt, :result, :entered, :offline, :conflict)
		 ON CONFLICT (scanner_id, nonce) DO NOTHING`,
		c
	);
	return n === 1;
}

/** The entry that was first for a ticket until an earlier offline scan arrived. */
export async function firstEntry(db: Db, ticketId: string): Promise<CheckinRow | null> {
	const [row] = await select<CheckinRow>(db, `SELECT ${COLUMNS} FROM events.checkins WHERE ticket_id = :ticketId AND entered ORDER BY scanned_at, id LIMIT 1`, { ticketId });
	return row ?? null;
}

export async function markConflict(db: Db, id: string): Promise<void> {
	await execute(db, "UPDATE events.checkins SET conflict = true WHERE id = :id", { id });
}

/**
 * The hot path of an online scan in one statement: the log row, and when it
 * is an entry, the ticket's entry (first entry → used). Nothing is written
 * when the scanner already used the nonce (false: the caller answers the retry).
 */
export async function recordScan(db: Db, c: NewCheckin, checkedInAt: Date | null): Promise<boolean> {
	const [row] = await select<{ inserted: number }>(
		db,
		`WITH ins AS (
		   INSERT INTO events.checkins (id, ticket_id, event_id, scanner_id, nonce, scanned_at, result, entered, offline, conflict)
		   VALUES (:id, :ticketId, :eventId, :scannerId, :nonce, :scannedAt, :result, :entered, :offline, :conflict)
		   ON CONFLICT (scanner_id, nonce) DO NOTHING RETURNING ticket_id
		 ), upd AS (
		   UPDATE events.tickets t SET entries = t.entries + 1, checked_in_at = :checkedInAt,
		          status = CASE WHEN t.status = 'valid' THEN 'used' ELSE t.status END
		     FROM ins WHERE t.id = ins.ticket_id AND :entered
		   RETURNING t.id
		 )
		 SELECT (SELECT count(*) FROM ins)::int AS inserted, (SELECT count(*) FROM upd)::int AS updated`,
		{ ...c, checkedInAt }
	);
	return row.inserted === 1;
}
