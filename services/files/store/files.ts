/**
 * SQL over files.files. State changes run inside the caller's transaction
 * (Db.t) and lock the rows they change; the quota is checked under a per-owner
 * advisory lock so parallel uploads cannot overshoot it together.
 */
import type { FileKind } from "../rules/limits";
import type { FileRow, FileStatus, StoredObject, VariantName } from "../models/file";
import { execute, select, type Db } from "../../../lib/db/sql";

const T = `"files".files`;

const COLUMNS = `id, owner_id AS "ownerId", purpose, kind, mime, size::float8 AS size, status, failure_reason AS "failureReason",
	filename, width, height, duration_ms AS "durationMs", blurhash, original_key AS "originalKey", variants, ref,
	upload_expires_at AS "uploadExpiresAt", created_at AS "createdAt", ready_at AS "readyAt"`;

export interface NewFile {
	id: string;
	ownerId: string;
	purpose: string;
	kind: FileKind;
	mime: string;
	size: number;
	status: Extract<FileStatus, "awaiting_upload" | "processing">;
	filename: string | null;
	uploadExpiresAt?: Date | null;
}

export async function insertFile(db: Db, f: NewFile): Promise<void> {
	await execute(
		db,
		`INSERT INTO ${T} (id, owner_id, purpose, kind, mime, size, status, filename, upload_expires_at)
		 VALUES (:id, :ownerId, :purpose, :kind, :mime, :size, :status, :filename, :uploadExpiresAt)`,
		{ ...f, uploadExpiresAt: f.uploadExpiresAt ?? null }
	);
}

export async function findFile(db: Db, id: string, lock = false): Promise<FileRow | null> {
	const rows = await select<FileRow>(db, `SELECT ${COLUMNS} FROM ${T} WHERE id = :id${lock ? " FOR UPDATE" : ""}`, { id });
	return rows[0] ?? null;
}

/** Live (not deleted) files by id, locked in id order when asked (no deadlocks between claims). */
export async function findFiles(db: Db, ids: string[], lock = false): Promise<FileRow[]> {
	if (!ids.length) return [];
	return select<FileRow>(
		db,
		`SELECT ${COLUMNS} FROM ${T} WHERE id IN (:ids) AND status <> 'deleted' ORDER BY id${lock ? " FOR UPDATE" : ""}`,
		{ ids }
	);
}

/** Bytes the owner holds (pending uploads count at their declared size); takes the owner's quota lock. */
export async function lockedUsage(db: Db, ownerId: string): Promise<number> {
	await select(db, `SELECT pg_advisory_xact_lock(hashtext('files.quota:' || :ownerId))`, { ownerId });
	const [row] = await select<{ used: number }>(
		db,
		`SELECT COALESCE(SUM(size), 0)::float8 AS used FROM ${T}
		 WHERE owner_id = :ownerId AND status IN ('awaiting_upload', 'processing', 'ready')`,
		{ ownerId }
	);
	return row.used;
}

/** awaiting_upload → processing, once: false when another request got there first. */
export async function startProcessing(db: Db, id: string, found: { kind: FileKind; mime: string; size: number }): Promise<boolean> {
	return (
		(await execute(
			db,
			`UPDATE ${T} SET status = 'processing', kind = :kind, mime = :mime, size = :size, upload_expires_at = NULL, updated_at = now()
			 WHERE id = :id AND status = 'awaiting_upload'`,
			{ id, ...found }
		)) === 1
	);
}

/** processing → awaiting_upload: the uploaded bytes were refused, the client may upload again. */
export async function backToAwaiting(db: Db, id: string, expiresAt: Date): Promise<void> {
	await execute(db, `UPDATE ${T} SET status = 'awaiting_upload', upload_expires_at = :expiresAt, updated_at = now() WHERE id = :id AND status = 'processing'`, {
		id,
		expiresAt
	});
}

export interface ReadyResult {
	originalKey: string;
	mime: string;
	size: number;
	width: number | null;
	height: number | null;
	durationMs: number | null;
	blurhash: string | null;
	variants: Partial<Record<VariantName, StoredObject>>;
}

/** processing → ready with everything the pipeline produced; false if the file is no longer processing. */
export async function markReady(db: Db, id: string, r: ReadyResult): Promise<boolean> {
	return (
		(await execute(
			db,
			`UPDATE ${T} SET status = 'ready', original_key = :originalKey, mime = :mime, size = :size, width = :width, height = :height,
			   duration_ms = :durationMs, blurhash = :blurhash, variants = CAST(:variants AS jsonb), ready_at = now(), updated_at = now()
			 WHERE id = :id AND status = 'processing'`,
			{ id, ...r, variants: JSON.stringify(r.variants) }
		)) === 1
	);
}

export async function markFailed(db: Db, id: string, reason: string): Promise<boolean> {
	return (
		(await execute(db, `UPDATE ${T} SET status = 'failed', failure_reason = :reason, updated_at = now() WHERE id = :id AND status = 'processing'`, {
			id,
			reason
		})) === 1
	);
}

export async function markDeleted(db: Db, id: string): Promise<void> {
	await execute(db, `UPDATE ${T} SET status = 'deleted', deleted_at = now(), updated_at = now() WHERE id = :id AND status <> 'deleted'`, { id });
}

/** A row that never became a file (its upload was refused before anything was kept). */
export async function forget(db: Db, id: string): Promise<void> {
	await execute(db, `DELETE FROM ${T} WHERE id = :id`, { id });
}

export async function attach(db: Db, ids: string[], ref: string): Promise<void> {
	await execute(db, `UPDATE ${T} SET ref = :ref, attached_at = now(), detached_at = NULL, updated_at = now() WHERE id IN (:ids) AND ref IS NULL`, { ids, ref });
}

export async function detach(db: Db, ids: string[], ref: string): Promise<number> {
	return execute(db, `UPDATE ${T} SET ref = NULL, detached_at = now(), updated_at = now() WHERE id IN (:ids) AND ref = :ref`, { ids, ref });
}

/** Unattached files older than the cutoff (by upload or by release), and uploads never made, become deleted. */
export async function expireUnattached(db: Db, cutoff: Date, limit: number): Promise<string[]> {
	const rows = await select<{ id: string }>(
		db,
		`UPDATE ${T} SET status = 'deleted', deleted_at = now(), updated_at = now()
		 WHERE id IN (SELECT id FROM ${T}
		              WHERE status <> 'deleted' AND ref IS NULL
		                AND (COALESCE(detached_at, created_at) < :cutoff OR (status = 'awaiting_upload' AND upload_expires_at < now()))
		              ORDER BY created_at LIMIT :limit FOR UPDATE SKIP LOCKED)
		 RETURNING id`,
		{ cutoff, limit }
	);
	return rows.map(r => r.id);
}

/** Deleted files whose objects may still exist. */
export async function unpurged(db: Db, limit: number): Promise<string[]> {
	const rows = await select<{ id: string }>(db, `SELECT id FROM ${T} WHERE status = 'deleted' AND purged_at IS NULL ORDER BY deleted_at LIMIT :limit`, { limit });
	return rows.map(r => r.id);
}

export async function markPurged(db: Db, id: string): Promise<void> {
	await execute(db, `UPDATE ${T} SET purged_at = now() WHERE id = :id`, { id });
}
