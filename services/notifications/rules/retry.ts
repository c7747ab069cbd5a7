/**
 * When a failed delivery is tried again: exponential backoff with jitter (so
 * a provider outage does not end in a synchronized stampede), a provider's
 * Retry-After when it gave one, and a last attempt after which the delivery is
 * dead (kept for operators, DESIGN.md §5).
 */

export interface RetryPolicy {
	/** Delay before the second attempt. */
	baseMs: number;
	/** Ceiling of any delay. */
	maxMs: number;
	/** Attempts in all, the first included. */
	maxAttempts: number;
}

export type RetryDecision = { dead: true } | { dead: false; delayMs: number };

/**
 * `attempts`: how many attempts were made so far (≥ 1). `random` is injectable
 * so tests are deterministic; the jitter keeps delays within ±20 %.
 */
export function nextRetry(attempts: number, policy: RetryPolicy, retryAfterMs?: number, random: () => number = Math.random): RetryDecision {
	if (attempts >= policy.maxAttempts) return { dead: true };
	const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
	const jittered = Math.round(exponential * (0.8 + 0.4 * random()));
	const delayMs = Math.min(policy.maxMs, Math.max(jittered, retryAfterMs ?? 0));
	return { dead: false, delayMs };
}
