/**
 * Fan-out on write (Mastodon's home feed, PEERS.md §3.2): a post, or a
 * repost, is written into the cached feed of every active follower, one
 * Redis round trip per batch of follower ids streamed from users.followerIds.
 * Authors with at least SOCIAL_FANOUT_MAX_FOLLOWERS followers are skipped:
 * their posts are merged into feeds at read time (feeds/home.ts), so one
 * post never costs millions of writes. Writes are idempotent (a sorted-set
 * member), so a redelivered event does no harm.
 */
import { setBusinessGauge } from "../../../lib/observability/business-metrics";
import { followersCount } from "../store/graph";
import { db, type SocialRuntime } from "../runtime";
import type { FeedEntry } from "../rules/feed-order";

export async function isBigAuthor(rt: SocialRuntime, authorId: string): Promise<boolean> {
	return (await followersCount(db(rt), authorId)) >= rt.cfg.feed.fanoutMaxFollowers;
}

async function eachFollowerBatch(rt: SocialRuntime, authorId: string, work: (ids: string[]) => Promise<unknown>): Promise<void> {
	let after: string | null = null;
	do {
		const page = await rt.peers.followerIds(authorId, after, rt.cfg.feed.fanoutBatch);
		if (page.ids.length) await work(page.ids);
		after = page.next;
	} while (after);
}

/** Writes the entry into the author's followers' feeds; returns how many feeds took it (null: merged at read instead). */
export async function fanOut(rt: SocialRuntime, authorId: string, entry: FeedEntry, occurredAt: Date): Promise<number | null> {
	if (await isBigAuthor(rt, authorId)) return null;
	let written = 0;
	await eachFollowerBatch(rt, authorId, async ids => {
		written += await rt.feeds.fanout(ids, entry);
	});
	setBusinessGauge(rt.broker, "nexgate_feed_fanout_lag_seconds", Math.max(0, Date.now() - occurredAt.getTime()) / 1000);
	return written;
}

/** Removes a deleted post from its author's followers' cached feeds (reads already skip it). */
export async function fanOutRemoval(rt: SocialRuntime, authorId: string, postId: string): Promise<void> {
	await eachFollowerBatch(rt, authorId, ids => rt.feeds.remove(ids, postId));
}
