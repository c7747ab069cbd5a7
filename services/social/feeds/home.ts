/**
 * The home feed: the cached sorted set (fan-out on write), merged at read
 * with the posts of followed authors too big for fan-out, continued from
 * PostgreSQL past the end of the capped cache, and rebuilt from PostgreSQL
 * when the cache is missing (a returning user, or an empty Redis).
 *
 * No gaps on rebuild: the feed is marked active *before* PostgreSQL is read,
 * so a post committed during the rebuild is either in that read or written
 * by its fan-out (which only writes to active feeds) — usually both, which a
 * sorted set absorbs. A page past the cache asks PostgreSQL for the whole
 * remaining range from the position, never from the oldest cached entry
 * (Misskey's gap bug, PEERS.md §3.2).
 *
 * Membership is checked at read like visibility: a post stays only when its
 * author is the viewer or someone they follow, or someone they follow
 * reposted it — so an unfollow or an undone repost takes effect at once.
 */
import type { Page } from "../../../lib/pagination";
import { mergeEntries, isAfter, type FeedEntry, type FeedPosition } from "../rules/feed-order";
import { followedAmong, followeeIds } from "../store/graph";
import { feedEntries } from "../store/lists";
import { db, type SocialRuntime } from "../runtime";
import type { PostView } from "../flows/render";
import { collectPage, readPosition } from "./paging";

/** Rebuilds a user's cached home feed from PostgreSQL; returns how many entries it holds. */
export async function rebuildHome(rt: SocialRuntime, userId: string): Promise<number> {
	await rt.feeds.activate(userId);
	const entries = await feedEntries(db(rt), [...(await followeeIds(db(rt), userId)), userId], null, rt.cfg.feed.maxItems);
	await rt.feeds.add(userId, entries);
	return entries.length;
}

export async function homeFeed(rt: SocialRuntime, viewerId: string, params: { cursor?: string; limit?: number }): Promise<Page<PostView>> {
	// The cache is read while its marker is checked (one round trip each, concurrently); a missing feed is rebuilt and read again.
	const { after, limit } = readPosition(params);
	const [active, firstPage, bigFollowed] = await Promise.all([
		rt.feeds.touch(viewerId),
		rt.feeds.page(viewerId, after, limit + 1),
		rt.bigAuthors.list().then(big => followedAmong(db(rt), viewerId, big))
	]);
	if (!active) await rebuildHome(rt, viewerId);
	// collectPage's first fetch asks for exactly this range.
	let prefetched = active ? { pos: after, n: limit + 1, entries: firstPage } : null;
	let authors: string[] | null = null;

	async function fetch(pos: FeedPosition | null, n: number): Promise<FeedEntry[]> {
		const cached = prefetched && prefetched.pos === pos && prefetched.n === n ? prefetched.entries : await rt.feeds.page(viewerId, pos, n);
		prefetched = null;
		const lastCached: FeedPosition | null = cached.length ? [cached[cached.length - 1].score, cached[cached.length - 1].postId] : pos;
		const [past, big] = await Promise.all([
			// The cache ended before the page did: the rest of the range comes from PostgreSQL.
			cached.length < n ? (async () => feedEntries(db(rt), (authors ??= [...(await followeeIds(db(rt), viewerId)), viewerId]), lastCached, n - cached.length))() : Promise.resolve([]),
			bigFollowed.length ? feedEntries(db(rt), bigFollowed, pos, n) : Promise.resolve([])
		]);
		return mergeEntries(cached, past, big)
			.filter(e => isAfter(e, pos))
			.slice(0, n);
	}

	return collectPage(rt, viewerId, params, {
		fetch,
		options: {
			listing: true,
			feed: true,
			member: (row, rel, view) => row.author_id === viewerId || Boolean(rel?.following) || (view.repostedBy?.length ?? 0) > 0
		}
	});
}
