/**
 * Revoked sessions: the list every gateway node consults on every
 * authenticated request, so that logging out (or a reused refresh token) ends a
 * session everywhere although its access tokens are still correctly signed.
 *
 * With REDIS_URL the list is shared: key `<namespace>:auth:revoked-session:<sid>`
 * living as long as the longest access token of that session could (the caller
 * passes that TTL). Without Redis there is one process (config refuses a
 * transporter without Redis), so an in-memory map shared by every user of the
 * same namespace in the process is equivalent.
 *
 * Each store remembers a "not revoked" answer for at most `notRevokedCacheMs`
 * (default 500 ms, never more than 1 s), which keeps Redis to about one GET per
 * session per half second under load while a revocation still reaches every
 * node within a second. A "revoked" answer is final and remembered longer.
 *
 * When Redis does not answer, isSessionRevoked throws: the gateway answers 503
 * rather than let a possibly revoked session through.
 */
import type Redis from "ioredis";
import { acquireRedis, releaseRedis } from "../redis";
import { withTimeout } from "../timeout";

export interface SessionRevocations {
	/** Marks a session revoked for `ttlSeconds` (at least the lifetime of its access tokens). */
	revokeSession(sessionId: string, ttlSeconds: number): Promise<void>;
	isSessionRevoked(sessionId: string): Promise<boolean>;
	/**
	 * The answer this process can give without waiting (the in-memory list, or a still-fresh answer
	 * remembered from Redis), else undefined. Lets the gateway's hot path stay synchronous.
	 */
	knownAnswer(sessionId: string): boolean | undefined;
	close(): Promise<void>;
}

export interface SessionRevocationsOptions {
	redisUrl: string | null;
	namespace: string;
	/** How long a "not revoked" answer may be reused in this process, ms (0–1000, default 500). */
	notRevokedCacheMs?: number;
	/** Redis round-trip budget before the check fails, ms (default 1000). */
	redisTimeoutMs?: number;
}

const MAX_NOT_REVOKED_CACHE_MS = 1000;
const REVOKED_CACHE_MS = 60_000;
const MAX_CACHED_ANSWERS = 50_000;

/** In-memory revocations per namespace: one process, many services (api, auth) see the same list. */
const memoryLists = new Map<string, Map<string, number>>();

export function revocationKey(namespace: string, sessionId: string): string {
	return `${namespace}:auth:revoked-session:${sessionId}`;
}

function validTtl(ttlSeconds: number): number {
	if (!Number.isFinite(ttlSeconds) || ttlSeconds <= 0) throw new TypeError("ttlSeconds must be a positive number");
	return Math.ceil(ttlSeconds);
}

export function openSessionRevocations(opts: SessionRevocationsOptions): SessionRevocations {
	const cacheMs = Math.min(Math.max(opts.notRevokedCacheMs ?? 500, 0), MAX_NOT_REVOKED_CACHE_MS);
	const timeoutMs = opts.redisTimeoutMs ?? 1000;
	const answers = new Map<string, { revoked: boolean; until: number }>();

	const remember = (sessionId: string, revoked: boolean, forMs: number) => {
		if (forMs <= 0) return;
		answers.delete(sessionId);
		answers.set(sessionId, { revoked, until: Date.now() + forMs });
		if (answers.size > MAX_CACHED_ANSWERS) answers.delete(answers.keys().next().value as string);
	};

	const cached = (sessionId: string): boolean | undefined => {
		const hit = answers.get(sessionId);
		if (!hit) return undefined;
		if (hit.until <= Date.now()) {
			answers.delete(sessionId);
			return undefined;
		}
		return hit.revoked;
	};

	if (opts.redisUrl) {
		const redisUrl = opts.redisUrl;
		const redis: Redis = acquireRedis(redisUrl);
		let closed = false;
		return {
			async revokeSession(sessionId, ttlSeconds) {
				const ttl = validTtl(ttlSeconds);
				await withTimeout(redis.set(revocationKey(opts.namespace, sessionId), "1", "EX", ttl), timeoutMs, `Redis did not answer within ${timeoutMs} ms`);
				remember(sessionId, true, Math.min(ttl * 1000, REVOKED_CACHE_MS));
			},
			knownAnswer: cached,
			async isSessionRevoked(sessionId) {
				const hit = cached(sessionId);
				if (hit !== undefined) return hit;
				const value = await withTimeout(redis.get(revocationKey(opts.namespace, sessionId)), timeoutMs, `Redis did not answer within ${timeoutMs} ms`);
				const revoked = value !== null;
				remember(sessionId, revoked, revoked ? REVOKED_CACHE_MS : cacheMs);
				return revoked;
			},
			async close() {
				if (closed) return;
				closed = true;
				await releaseRedis(redisUrl);
			}
		};
	}

	let list = memoryLists.get(opts.namespace);
	if (!list) memoryLists.set(opts.namespace, (list = new Map()));
	const memory = list;
	const memoryAnswer = (sessionId: string): boolean => {
		const until = memory.get(sessionId);
		if (until === undefined) return false;
		if (until <= Date.now()) {
			memory.delete(sessionId);
			return false;
		}
		return true;
	};
	return {
		async revokeSession(sessionId, ttlSeconds) {
			memory.set(sessionId, Date.now() + validTtl(ttlSeconds) * 1000);
			// Expired entries leave on the next revocation: the list never grows past the live ones for long.
			for (const [sid, until] of memory) if (until <= Date.now()) memory.delete(sid);
		},
		knownAnswer: memoryAnswer,
		async isSessionRevoked(sessionId) {
			return memoryAnswer(sessionId);
		},
		async close() {
			// The list belongs to the namespace, not to this handle: other services in the process still use it.
		}
	};
}
