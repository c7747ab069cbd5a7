/**
 * Cached home feeds (DESIGN.md §3): Redis sorted sets when REDIS_URL is set,
 * an in-memory equivalent behind the same interface otherwise (one process).
 *
 * Per user two keys under `<namespace>:social:feed:<userId>`: the sorted set
 * (member = post id, score = epoch ms, rules/feed-order.ts) and `…:on`, the
 * marker that the feed is materialised and its owner active. The marker
 * expires after the active period unless the owner reads their feed again;
 * fan-out writes only to feeds whose marker exists (Mastodon's "active
 * users"), so an inactive user costs nothing until they return and the feed
 * is rebuilt from PostgreSQL (feeds/home.ts). Sets are capped at maxItems.
 */
import type Redis from "ioredis";
import { acquireRedis, releaseRedis } from "../../../lib/redis";
import { compareEntries, isAfter, type FeedEntry, type FeedPosition } from "../rules/feed-order";

export interface FeedStore {
	/** Whether the feed is materialised; refreshes its life when it is (a read makes the owner active). */
	touch(userId: string): Promise<boolean>;
	/** Marks the feed materialised and active: from now on fan-out writes to it (before a rebuild reads PostgreSQL). */
	activate(userId: string): Promise<void>;
	/** Adds entries to one feed (rebuild), keeping the higher score of a post already there; trims to the cap. */
	add(userId: string, entries: FeedEntry[]): Promise<void>;
	/** Fan-out: adds one entry to each of these feeds that is active; returns how many took it. */
	fanout(userIds: string[], entry: FeedEntry): Promise<number>;
	/** Removes a post from these feeds (deletion). */
	remove(userIds: string[], postId: string): Promise<void>;
	/** Entries after the position, in feed order. */
	page(userId: string, after: FeedPosition | null, n: number): Promise<FeedEntry[]>;
	/** Forgets a feed (the next read rebuilds it). */
	drop(userId: string): Promise<void>;
	/** Bytes Redis uses for one feed (bench), null in memory. */
	memoryUsage(userId: string): Promise<number | null>;
	close(): Promise<void>;
}

export interface FeedStoreOptions {
	redisUrl: string | null;
	namespace: string;
	maxItems: number;
	activeMs: number;
}

// ARGV: key prefix, member, score, cap, user ids… Keys are built in the script: standalone Redis
// allows it, and one call per batch of a thousand followers keeps the fan-out to a few round trips.
const FANOUT = `local n = 0
local cap = tonumber(ARGV[4])
for i = 5, #ARGV do
  local k = ARGV[1] .. ARGV[i]
  local ttl = redis.call('PTTL', k .. ':on')
  if ttl > 0 then
    redis.call('ZADD', k, 'GT', ARGV[3], ARGV[2])
    if redis.call('ZCARD', k) > cap then redis.call('ZREMRANGEBYRANK', k, 0, -(cap + 1)) end
    redis.call('PEXPIRE', k, ttl)
    n = n + 1
  end
end
return n`;

class RedisFeedStore implements FeedStore {
	private readonly redis: Redis;
	private readonly prefix: string;

	constructor(private readonly opts: FeedStoreOptions & { redisUrl: string }) {
		this.redis = acquireRedis(opts.redisUrl);
		this.prefix = `${opts.namespace}:social:feed:`;
		this.redis.defineCommand("socialFanout", { numberOfKeys: 0, lua: FANOUT });
	}

	private key(userId: string) {
		return this.prefix + userId;
	}

	async touch(userId: string) {
		const k = this.key(userId);
		const res = await this.redis.multi().pexpire(`${k}:on`, this.opts.activeMs).pexpire(k, this.opts.activeMs).exec();
		return Number(res?.[0]?.[1] ?? 0) === 1;
	}

	async activate(userId: string) {
		await this.redis.set(`${this.key(userId)}:on`, "1", "PX", this.opts.activeMs);
	}

	async add(userId: string, entries: FeedEntry[]) {
		if (entries.length === 0) return;
		const k = this.key(userId);
		const args: Array<string | number> = [];
		for (const e of entries) args.push(e.score, e.postId);
		await this.redis
			.multi()
			.zadd(k, "GT", ...args)
			.zremrangebyrank(k, 0, -(this.opts.maxItems + 1))
			.pexpire(k, this.opts.activeMs)
			.exec();
	}

	async fanout(userIds: string[], entry: FeedEntry) {
		if (userIds.length === 0) return 0;
		const run = (this.redis as unknown as { socialFanout(...a: Array<string | number>): Promise<number> }).socialFanout;
		return Number(await run.call(this.redis, this.prefix, entry.postId, entry.score, this.opts.maxItems, ...userIds));
	}

	async remove(userIds: string[], postId: string) {
		if (userIds.length === 0) return;
		const p = this.redis.pipeline();
		for (const id of userIds) p.zrem(this.key(id), postId);
		await p.exec();
	}

	async page(userId: string, after: FeedPosition | null, n: number) {
		const out: FeedEntry[] = [];
		const max = after ? String(after[0]) : "+inf";
		// Entries tied with the position's score are skipped in the loop; ties are rare, so this rarely takes two rounds.
		for (let offset = 0; out.length < n; ) {
			const batch = n + 1;
			const raw = await this.redis.zrevrangebyscore(this.key(userId), max, "-inf", "WITHSCORES", "LIMIT", offset, batch);
			for (let i = 0; i < raw.length && out.length < n; i += 2) {
				const e = { postId: raw[i], score: Number(raw[i + 1]) };
				if (isAfter(e, after)) out.push(e);
			}
			if (raw.length < batch * 2) break;
			offset += batch;
		}
		return out;
	}

	async drop(userId: string) {
		const k = this.key(userId);
		await this.redis.del(k, `${k}:on`);
	}

	async memoryUsage(userId: string) {
		const bytes = (await this.redis.call("MEMORY", "USAGE", this.key(userId), "SAMPLES", "0")) as number | null;
		return bytes === null ? 0 : Number(bytes);
	}

	close() {
		return releaseRedis(this.opts.redisUrl);
	}
}

/** The same semantics in this process's memory. */
class MemoryFeedStore implements FeedStore {
	private feeds = new Map<string, { entries: Map<string, number>; until: number }>();

	constructor(private readonly opts: FeedStoreOptions) {}

	private live(userId: string) {
		const f = this.feeds.get(userId);
		if (f && f.until <= Date.now()) {
			this.feeds.delete(userId);
			return undefined;
		}
		return f;
	}

	private trim(entries: Map<string, number>) {
		if (entries.size <= this.opts.maxItems) return;
		const sorted = [...entries].map(([postId, score]) => ({ postId, score })).sort(compareEntries);
		for (const e of sorted.slice(this.opts.maxItems)) entries.delete(e.postId);
	}

	private put(entries: Map<string, number>, e: FeedEntry) {
		entries.set(e.postId, Math.max(entries.get(e.postId) ?? -Infinity, e.score));
	}

	async touch(userId: string) {
		const f = this.live(userId);
		if (f) f.until = Date.now() + this.opts.activeMs;
		return Boolean(f);
	}

	async activate(userId: string) {
		const f = this.live(userId);
		if (f) f.until = Date.now() + this.opts.activeMs;
		else this.feeds.set(userId, { entries: new Map(), until: Date.now() + this.opts.activeMs });
	}

	async add(userId: string, entries: FeedEntry[]) {
		const f = this.live(userId);
		if (!f) return;
		for (const e of entries) this.put(f.entries, e);
		this.trim(f.entries);
	}

	async fanout(userIds: string[], entry: FeedEntry) {
		let n = 0;
		for (const id of userIds) {
			const f = this.live(id);
			if (!f) continue;
			this.put(f.entries, entry);
			this.trim(f.entries);
			n++;
		}
		return n;
	}

	async remove(userIds: string[], postId: string) {
		for (const id of userIds) this.live(id)?.entries.delete(postId);
	}

	async page(userId: string, after: FeedPosition | null, n: number) {
		const f = this.live(userId);
		if (!f) return [];
		return [...f.entries]
			.map(([postId, score]) => ({ postId, score }))
			.filter(e => isAfter(e, after))
			.sort(compareEntries)
			.slice(0, n);
	}

	async drop(userId: string) {
		this.feeds.delete(userId);
	}

	async memoryUsage() {
		return null;
	}

	async close() {
		this.feeds.clear();
	}
}

export function openFeedStore(opts: FeedStoreOptions): FeedStore {
	return opts.redisUrl ? new RedisFeedStore({ ...opts, redisUrl: opts.redisUrl }) : new MemoryFeedStore(opts);
}
