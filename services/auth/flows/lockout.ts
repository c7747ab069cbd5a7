/**
 * Applying rules/lockout.ts with the shared counters: is this sign-in attempt
 * allowed, and what a failure or a success changes.
 */
import { AuthError } from "../errors";
import { ACCOUNT_LOCKOUT, ADDRESS_LOCKOUT, lockDurationMs, retryAfterSeconds, scaledPolicy } from "../rules/lockout";
import type { AuthRuntime } from "../runtime";
// The gateway's notion of "one address" (IPv6 per /64), so lockouts count callers as its rate limits do.
import { addressKey } from "../../api/rate-limits";

const keys = (kind: "acct" | "ip", id: string) => ({ failures: `login:fail:${kind}:${id}`, lock: `login:lock:${kind}:${id}` });

/** 429 while the account (by identifier) or the address is locked. No password is checked then. */
export async function assertNotLocked(rt: AuthRuntime, identifier: string, ip: string | null): Promise<void> {
	const [acct, addr] = await Promise.all([rt.counters.remaining(keys("acct", identifier).lock), rt.counters.remaining(keys("ip", addressKey(ip)).lock)]);
	if (acct > 0) throw AuthError.tooManyAttempts(retryAfterSeconds(acct), "account");
	if (addr > 0) throw AuthError.tooManyAttempts(retryAfterSeconds(addr), "address");
}

/** Counts a failed password check; locks when a policy says so. */
export async function recordFailure(rt: AuthRuntime, identifier: string, ip: string | null): Promise<void> {
	const addressPolicy = scaledPolicy(ADDRESS_LOCKOUT, rt.rateLimitScale);
	for (const [k, policy] of [[keys("acct", identifier), ACCOUNT_LOCKOUT], [keys("ip", addressKey(ip)), addressPolicy]] as const) {
		const failures = await rt.counters.bump(k.failures, policy.memoryMs);
		const lockMs = lockDurationMs(failures, policy);
		if (lockMs > 0) await rt.counters.set(k.lock, lockMs);
	}
}

/** A correct password or an OTP reset: the account starts afresh (the address keeps its count). */
export async function clearAccount(rt: AuthRuntime, identifiers: Array<string | null>): Promise<void> {
	const all = identifiers.filter((i): i is string => Boolean(i)).flatMap(i => Object.values(keys("acct", i)));
	await rt.counters.del(...all);
}
