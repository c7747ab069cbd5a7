/**
 * The durable video job queue (files.video_jobs), shared by every node that
 * runs `files`. Claims use FOR UPDATE SKIP LOCKED, so nodes never take the
 * same job; a running job whose lease ran out (its node died) is claimable again.
 */
import { execute, select, type Db } from "../../../lib/db/sql";

const T = `"files".video_jobs`;

export interface VideoJob {
	fileId: string;
	attempts: number;
}

export async function enqueue(db: Db, fileId: string): Promise<void> {
	await execute(db, `INSERT INTO ${T} (file_id, status) VALUES (:fileId, 'queued') ON CONFLICT (file_id) DO NOTHING`, { fileId });
}

/** Takes the oldest due job (queued, or running with an expired lease) for `worker`. */
export async function claim(db: Db, worker: string, leaseMs: number): Promise<VideoJob | null> {
	const rows = await select<VideoJob>(
		db,
		`UPDATE ${T} j SET status = 'running', attempts = j.attempts + 1, locked_by = :worker,
		   lease_until = now() + make_interval(secs => :leaseS), updated_at = now()
		 WHERE j.file_id = (
		   SELECT file_id FROM ${T}
		   WHERE (status = 'queued' AND run_after <= now()) OR (status = 'running' AND lease_until < now())
		   ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
		 RETURNING j.file_id AS "fileId", j.attempts`,
		{ worker, leaseS: leaseMs / 1000 }
	);
	return rows[0] ?? null;
}

/** Extends the lease; false when this worker no longer holds the job. */
export async function renew(db: Db, fileId: string, worker: string, leaseMs: number): Promise<boolean> {
	return (
		(await execute(
			db,
			`UPDATE ${T} SET lease_until = now() + make_interval(secs => :leaseS), updated_at = now()
			 WHERE file_id = :fileId AND status = 'running' AND locked_by = :worker`,
			{ fileId, worker, leaseS: leaseMs / 1000 }
		)) === 1
	);
}

/** Locks the job if this worker still holds it (inside the transaction that applies its result). */
export async function holdIfOwned(db: Db, fileId: string, worker: string): Promise<boolean> {
	const rows = await select(db, `SELECT 1 FROM ${T} WHERE file_id = :fileId AND status = 'running' AND locked_by = :worker FOR UPDATE`, { fileId, worker });
	return rows.length === 1;
}

export async function finish(db: Db, fileId: string, status: "done" | "failed", error: string | null = null): Promise<void> {
	await execute(db, `UPDATE ${T} SET status = :status, last_error = :error, locked_by = NULL, lease_until = NULL, finished_at = now(), updated_at = now() WHERE file_id = :fileId`, {
		fileId,
		status,
		error
	});
}

/** Back to the queue: after a failure worth retrying (with a delay), or because this node is stopping (at once). */
export async function requeue(db: Db, fileId: string, worker: string, delayMs: number, error: string | null): Promise<void> {
	await execute(
		db,
		`UPDATE ${T} SET status = 'queued', run_after = now() + make_interval(secs => :delayS), last_error = COALESCE(:error, last_error),
		   locked_by = NULL, lease_until = NULL, updated_at = now()
		 WHERE file_id = :fileId AND status = 'running' AND locked_by = :worker`,
		{ fileId, worker, delayS: delayMs / 1000, error }
	);
}
