/**
 * Sign-in throttling: each failed password check counts against the account
 * (by normalised identifier, so unknown accounts lock exactly like real ones
 * and reveal nothing) and against the client address. After the free
 * failures, each further failure locks for twice as long as the previous one,
 * up to a cap. A success clears the account's count; an OTP password reset
 * clears it too, so the owner is never locked out by an attacker.
 *
 * | counted per | free failures | first lock | doubling up to | forgotten after |
 * |-------------|---------------|------------|----------------|-----------------|
 * | account     | 5             | 30 s       | 15 min         | 24 h quiet      |
 * | address     | 20 × scale    | 60 s       | 60 min         | 24 h quiet      |
 *
 * So an attacker gets about 5 + 96 guesses per account per day, and a person
 * who mistypes five times waits 30 seconds.
 */
export interface LockoutPolicy {
	freeFailures: number;
	firstLockMs: number;
	maxLockMs: number;
	/** The failure count is forgotten after this long without a failure. */
	memoryMs: number;
}

export const ACCOUNT_LOCKOUT: LockoutPolicy = { freeFailures: 5, firstLockMs: 30_000, maxLockMs: 15 * 60_000, memoryMs: 24 * 3600_000 };
export const ADDRESS_LOCKOUT: LockoutPolicy = { freeFailures: 20, firstLockMs: 60_000, maxLockMs: 60 * 60_000, memoryMs: 24 * 3600_000 };

/** How long to lock after the `failures`-th consecutive failure (0: not locked). */
export function lockDurationMs(failures: number, policy: LockoutPolicy): number {
	if (failures < policy.freeFailures) return 0;
	const doublings = failures - policy.freeFailures;
	// 2^doublings overflows nothing here: the cap is reached long before.
	return Math.min(policy.maxLockMs, policy.firstLockMs * 2 ** Math.min(doublings, 30));
}

/** The address policy scaled by RATE_LIMIT_SCALE (load tests sign in from few addresses). */
export function scaledPolicy(policy: LockoutPolicy, scale: number): LockoutPolicy {
	return { ...policy, freeFailures: Math.max(1, Math.floor(policy.freeFailures * scale)) };
}

export function retryAfterSeconds(ms: number): number {
	return Math.max(1, Math.ceil(ms / 1000));
}
