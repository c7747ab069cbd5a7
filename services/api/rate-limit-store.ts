/**
 * Counters for moleculer-web's rate limiter (`rateLimit.StoreFactory`).
 *
 * moleculer-web's MemoryStore counts per process: with several gateway nodes a
 * client would get N times its limit (DESIGN.md §8). With Redis the count is
 * shared: one INCR per request on `<prefix>:<window>:<slot>:<key>`.
 *
 * Windows are fixed and aligned to the clock (slot = floor(now / window)), so
 * every node agrees on when a window ends without coordination, and
 * `resetTime` (what moleculer-web reads after `inc`) is the same for all keys:
 * the end of the current slot. Retry-After is derived from it.
 *
 * If Redis fails, counting continues in memory on this node (logged once a
 * minute) instead of letting requests through unlimited or failing them.
 */
import type Redis from "ioredis";
import { withTimeout } from "../../lib/timeout";

export interface RateLimitStore {
	/** The key's count in the current window, this request included (synchronous when counted in memory). */
	inc(key: string): number | Promise<number>;
	/** Epoch ms at which the current window ends. */
	readonly resetTime: number;
}

/** The constructor shape moleculer-web calls: `new StoreFactory(window, opts, broker)`. */
export type RateLimitStoreFactory = new (windowMs: number, opts?: unknown, broker?: unknown) => RateLimitStore;

export interface StoreDeps {
	redis: Redis | null;
	/** Key prefix, including the namespace, e.g. "nexgate:ratelimit:v1". */
	prefix: string;
	warn?: (message: string, err: unknown) => void;
	now?: () => number;
}

/** The current slot of a clock-aligned window and when it ends. */
export function windowSlot(now: number, windowMs: number): { slot: number; resetTime: number } {
	const slot = Math.floor(now / windowMs);
	return { slot, resetTime: (slot + 1) * windowMs };
}

/** Seconds until the window ends, as the Retry-After header wants it (at least 1). */
export function retryAfterSeconds(resetTime: number, now = Date.now()): number {
	return Math.max(1, Math.ceil((resetTime - now) / 1000));
}

/** A slow Redis must not hold requests: past this, the node counts locally. */
const REDIS_TIMEOUT_MS = 500;

/**
 * INCR, and on the first hit of a slot PEXPIRE, in one atomic round trip
 * (a MULTI costs four commands on every request of the hot path).
 */
const INCR_SCRIPT = "local n = redis.call('INCR', KEYS[1]) if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end return n";

type RateCounter = (key: string, ttlMs: number) => Promise<number>;
const counters = new WeakMap<Redis, RateCounter>();

function rateCounter(redis: Redis): RateCounter {
	let counter = counters.get(redis);
	if (!counter) {
		// defineCommand sends EVALSHA and falls back to EVAL when Redis does not know the script yet.
		if (!(redis as unknown as Record<string, unknown>).nexgateRateIncr) redis.defineCommand("nexgateRateIncr", { numberOfKeys: 1, lua: INCR_SCRIPT });
		const command = (redis as unknown as { nexgateRateIncr: (key: string, ttl: number) => Promise<number> }).nexgateRateIncr.bind(redis);
		counters.set(redis, (counter = (key, ttlMs) => command(key, ttlMs)));
	}
	return counter;
}

/** In-process counters for one window length; old slots are dropped when the slot changes. */
class MemoryCounters {
	private slot = -1;
	private readonly counts = new Map<string, number>();

	inc(key: string, slot: number): number {
		if (slot !== this.slot) {
			this.counts.clear();
			this.slot = slot;
		}
		const n = (this.counts.get(key) ?? 0) + 1;
		this.counts.set(key, n);
		return n;
	}
}

export function createRateLimitStoreFactory(deps: StoreDeps): RateLimitStoreFactory {
	const now = deps.now ?? Date.now;
	let lastWarnAt = 0;

	return class SharedRateLimitStore implements RateLimitStore {
		private readonly memory = new MemoryCounters();

		constructor(private readonly windowMs: number) {
			if (!(windowMs > 0)) throw new TypeError("rate limit window must be positive");
		}

		get resetTime(): number {
			return windowSlot(now(), this.windowMs).resetTime;
		}

		inc(key: string): number | Promise<number> {
			const { slot } = windowSlot(now(), this.windowMs);
			const redis = deps.redis;
			if (!redis) return this.memory.inc(key, slot);
			return this.incShared(redis, key, slot);
		}

		private async incShared(redis: Redis, key: string, slot: number): Promise<number> {
			const redisKey = `${deps.prefix}:${this.windowMs}:${slot}:${key}`;
			try {
				const count = await withTimeout(rateCounter(redis)(redisKey, this.windowMs + 1000), REDIS_TIMEOUT_MS, `Redis did not answer within ${REDIS_TIMEOUT_MS} ms`);
				return Number(count);
			} catch (err) {
				if (now() - lastWarnAt > 60_000) {
					lastWarnAt = now();
					deps.warn?.("Rate limit counters fall back to this node's memory: Redis failed", err);
				}
				return this.memory.inc(key, slot);
			}
		}
	};
}
