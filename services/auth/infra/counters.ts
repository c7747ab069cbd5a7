/**
 * Short-lived counters for OTP sending limits and sign-in lockouts: Redis when
 * REDIS_URL is set (every auth node sees the same counts), a process-local map
 * otherwise (one process: config refuses a transporter without Redis). Keys are
 * prefixed `<namespace>:auth:` so test runs and deployments never mix.
 */
import type Redis from "ioredis";
import { acquireRedis, releaseRedis } from "../../../lib/redis";

export interface Counters {
	/** Fixed window from the first hit: the count so far and ms until the window ends. */
	hit(key: string, windowMs: number): Promise<{ count: number; resetMs: number }>;
	/** One more, and the key lives `ttlMs` from now (the window slides with each hit). */
	bump(key: string, ttlMs: number): Promise<number>;
	/** Takes the key for `ttlMs` unless taken; else how long it stays taken. */
	claim(key: string, ttlMs: number): Promise<{ claimed: boolean; remainingMs: number }>;
	/** Remaining life of a key in ms, 0 when absent. */
	remaining(key: string): Promise<number>;
	set(key: string, ttlMs: number): Promise<void>;
	del(...keys: string[]): Promise<void>;
	close(): Promise<void>;
}

const HIT = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

function redisCounters(url: string, prefix: string): Counters {
	const redis: Redis = acquireRedis(url);
	const k = (key: string) => `${prefix}${key}`;
	return {
		async hit(key, windowMs) {
			const [count, ttl] = (await redis.eval(HIT, 1, k(key), String(windowMs))) as [number, number];
			return { count, resetMs: Math.max(ttl, 0) };
		},
		async bump(key, ttlMs) {
			const res = await redis.multi().incr(k(key)).pexpire(k(key), ttlMs).exec();
			return Number(res?.[0]?.[1] ?? 0);
		},
		async claim(key, ttlMs) {
			const ok = await redis.set(k(key), "1", "PX", ttlMs, "NX");
			if (ok) return { claimed: true, remainingMs: ttlMs };
			return { claimed: false, remainingMs: Math.max(await redis.pttl(k(key)), 0) };
		},
		async remaining(key) {
			return Math.max(await redis.pttl(k(key)), 0);
		},
		async set(key, ttlMs) {
			await redis.set(k(key), "1", "PX", ttlMs);
		},
		async del(...keys) {
			if (keys.length) await redis.del(...keys.map(k));
		},
		close: () => releaseRedis(url)
	};
}

function memoryCounters(): Counters {
	const entries = new Map<string, { n: number; until: number }>();
	const live = (key: string) => {
		const e = entries.get(key);
		if (e && e.until <= Date.now()) {
			entries.delete(key);
			return undefined;
		}
		return e;
	};
	const sweep = () => {
		if (entries.size < 10_000) return;
		for (const [key, e] of entries) if (e.until <= Date.now()) entries.delete(key);
	};
	return {
		async hit(key, windowMs) {
			sweep();
			const e = live(key) ?? { n: 0, until: Date.now() + windowMs };
			e.n += 1;
			entries.set(key, e);
			return { count: e.n, resetMs: e.until - Date.now() };
		},
		async bump(key, ttlMs) {
			sweep();
			const n = (live(key)?.n ?? 0) + 1;
			entries.set(key, { n, until: Date.now() + ttlMs });
			return n;
		},
		async claim(key, ttlMs) {
			const e = live(key);
			if (e) return { claimed: false, remainingMs: e.until - Date.now() };
			entries.set(key, { n: 1, until: Date.now() + ttlMs });
			return { claimed: true, remainingMs: ttlMs };
		},
		async remaining(key) {
			const e = live(key);
			return e ? e.until - Date.now() : 0;
		},
		async set(key, ttlMs) {
			entries.set(key, { n: 1, until: Date.now() + ttlMs });
		},
		async del(...keys) {
			for (const key of keys) entries.delete(key);
		},
		async close() {
			entries.clear();
		}
	};
}

export function openCounters(redisUrl: string | null, namespace: string): Counters {
	return redisUrl ? redisCounters(redisUrl, `${namespace}:auth:`) : memoryCounters();
}
