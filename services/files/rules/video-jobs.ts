/**
 * The video job queue's decisions, apart from the SQL that applies them:
 * when a failed run is retried, and which failures are final at once.
 *
 * A job is `queued → running → done | failed`. A running job holds a lease
 * that its worker renews; a worker that dies stops renewing, the lease runs
 * out and another worker claims the job again (at-least-once execution). The
 * result is applied only by the worker that still holds the lease, in one
 * transaction with the file's status and its event (exactly-once effect).
 */

/** A problem with the input itself: retrying cannot help, the file fails now with this reason. */
export class MediaRejected extends Error {
	constructor(readonly reason: string, message: string) {
		super(message);
		this.name = "MediaRejected";
	}
}

export type RunOutcome = { kind: "retry"; delayMs: number } | { kind: "fail"; reason: string };

/** After a run failed: retry with backoff (5 s, 20 s, 80 s …, capped at 10 min) until attempts run out. */
export function afterFailure(err: unknown, attempts: number, maxAttempts: number): RunOutcome {
	if (err instanceof MediaRejected) return { kind: "fail", reason: err.reason };
	if (attempts >= maxAttempts) return { kind: "fail", reason: "processing_failed" };
	return { kind: "retry", delayMs: Math.min(600_000, 5_000 * 4 ** (attempts - 1)) };
}

/** How often a running job renews its lease: three times per lease, so one slow renewal is harmless. */
export function heartbeatMs(leaseMs: number): number {
	return Math.max(250, Math.floor(leaseMs / 3));
}
