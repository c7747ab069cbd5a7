/** SQL for scanner devices. Tokens are stored as their SHA-256 only. */
import { execute, select, type Db } from "../../../lib/db/sql";

export interface ScannerRow {
	id: string;
	event_id: string;
	name: string;
	created_by: string;
	created_at: Date;
	last_seen_at: Date | null;
	revoked_at: Date | null;
}

const COLUMNS = "id, event_id, name, created_by, created_at, last_seen_at, revoked_at";

export async function insertScanner(db: Db, s: { id: string; eventId: string; name: string; tokenHash: string; createdBy: string }): Promise<ScannerRow> {
	const [row] = await select<ScannerRow>(
		db,
		`INSERT INTO events.scanners (id, event_id, name, token_hash, created_by) VALUES (:id, :eventId, :name, :tokenHash, :createdBy) RETURNING ${COLUMNS}`,
		s
	);
	return row;
}

export async function scannerByTokenHash(db: Db, tokenHash: string): Promise<ScannerRow | null> {
	const [row] = await select<ScannerRow>(db, `SELECT ${COLUMNS} FROM events.scanners WHERE token_hash = :tokenHash`, { tokenHash });
	return row ?? null;
}

export function scannersOfEvent(db: Db, eventId: string): Promise<ScannerRow[]> {
	return select<ScannerRow>(db, `SELECT ${COLUMNS} FROM events.scanners WHERE event_id = :eventId ORDER BY created_at, id`, { eventId });
}

export async function revokeScanner(db: Db, eventId: string, id: string): Promise<ScannerRow | null> {
	const [row] = await select<ScannerRow>(
		db,
		`UPDATE events.scanners SET revoked_at = coalesce(revoked_at, now()) WHERE id = :id AND event_id = :eventId RETURNING ${COLUMNS}`,
		{ id, eventId }
	);
	return row ?? null;
}

/** At most once a minute per scanner, so a busy gate does not write on every scan. */
export async function touchScanner(db: Db, id: string): Promise<void> {
	await execute(db, "UPDATE events.scanners SET last_seen_at = now() WHERE id = :id AND (last_seen_at IS NULL OR last_seen_at < now() - interval '1 minute')", { id });
}
