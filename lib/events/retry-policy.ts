/**
 * What happens to a durable event whose consumer failed (DESIGN.md §5).
 *
 * Two kinds of failure, two budgets. A consumer that throws because of the
 * event itself (a bug, a rule that refuses it) gets `maxRetries` tries with
 * exponential backoff and is then dead-lettered, so one poison message does
 * not churn for ever. A consumer that throws because the platform around it
 * is briefly away — a peer service not yet rediscovered after a RabbitMQ
 * restart, a transporter reconnecting, PostgreSQL or Redis dropping their
 * connections — is not the event's fault: it gets at least those tries, and
 * keeps being retried (backoff capped) for as long as an outage is
 * plausible, `outageWindowMs` from its first failure. Dead-lettering it after six seconds of a ten-second restart
 * would lose the event for good.
 */

export interface RetryPolicy {
	/** Tries after the first failure for a failure caused by the event. */
	maxRetries: number;
	/** First backoff; each further failure doubles it, up to `maxBackoffMs`. */
	backoffMs: number;
	maxBackoffMs: number;
	/** How long transient (infrastructure) failures are retried, from the first failure. */
	outageWindowMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 5, backoffMs: 200, maxBackoffMs: 30_000, outageWindowMs: 15 * 60_000 };

export interface FailureState {
	/** Failures so far, this one included (1 on the first failure). */
	attempt: number;
	/** When the first failure happened (ms since the epoch). */
	firstFailedAt: number;
	now: number;
	transient: boolean;
}

export type RetryDecision = { kind: "retry"; delayMs: number } | { kind: "dead-letter" };

export function backoffDelay(attempt: number, baseMs: number, maxMs: number): number {
	return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

export function afterFailure(policy: RetryPolicy, s: FailureState): RetryDecision {
	const withinBudget = s.attempt <= policy.maxRetries || (s.transient && s.now - s.firstFailedAt < policy.outageWindowMs);
	return withinBudget ? { kind: "retry", delayMs: backoffDelay(s.attempt, policy.backoffMs, policy.maxBackoffMs) } : { kind: "dead-letter" };
}

/** Sequelize's errors for a database that cannot be reached (not for a statement it refused). */
const DATABASE_UNREACHABLE = new Set([
	"SequelizeConnectionError",
	"SequelizeConnectionRefusedError",
	"SequelizeConnectionTimedOutError",
	"SequelizeConnectionAcquireTimeoutError",
	"SequelizeHostNotFoundError",
	"SequelizeHostNotReachableError"
]);

/**
 * Whether a failure comes from the platform being briefly away rather than
 * from the event: moleculer marks its own such errors `retryable` (service
 * not available, request timeout, transporter disconnected), and the
 * database and Redis clients name theirs.
 */
export function isTransient(err: unknown): boolean {
	if (!err || typeof err !== "object") return false;
	const e = err as { retryable?: unknown; name?: unknown; message?: unknown };
	if (e.retryable === true) return true;
	const name = typeof e.name === "string" ? e.name : "";
	if (DATABASE_UNREACHABLE.has(name)) return true;
	if (name === "MaxRetriesPerRequestError") return true; // ioredis: Redis away longer than a command may wait
	return typeof e.message === "string" && /^Connection is closed\.?$/.test(e.message); // ioredis: command on a closed connection
}
