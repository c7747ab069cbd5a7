/**
 * The social domain's own variables (docs/configuration.md, "Social"). Parsed
 * once when the service is created; a bad value stops start-up naming it.
 */
import { int, type Env, type PlatformConfig } from "../../lib/config/env";

export interface SocialConfig {
	feed: {
		/** Entries kept per cached home feed (Mastodon keeps 400–800). */
		maxItems: number;
		/** A user who has not read their home feed for this long gets no fan-out; their feed is rebuilt on return. */
		activeMs: number;
		/** Authors with at least this many followers are not fanned out: their posts are merged into feeds at read time. */
		fanoutMaxFollowers: number;
		/** Follower ids per users.followerIds page and per Redis pipeline. */
		fanoutBatch: number;
	};
	/** refreshMs: how long one ranking serves every viewer on a node. */
	explore: { halfLifeHours: number; windowHours: number; refreshMs: number };
	trendingWindowHours: number;
	trendingRefreshMs: number;
}

export function loadSocialConfig(platform: Pick<PlatformConfig, "nodeEnv">, env: Env = process.env): SocialConfig {
	// Tests need an author "with very many followers" they can build with a handful of accounts.
	const test = platform.nodeEnv === "test";
	const bigAuthorDefault = test ? 5 : 50_000;
	return {
		feed: {
			maxItems: int(env, "SOCIAL_FEED_MAX_ITEMS", 800, 50, 10_000),
			activeMs: int(env, "SOCIAL_FEED_ACTIVE_DAYS", 7, 1, 365) * 86_400_000,
			fanoutMaxFollowers: int(env, "SOCIAL_FANOUT_MAX_FOLLOWERS", bigAuthorDefault, 1, 100_000_000),
			fanoutBatch: int(env, "SOCIAL_FANOUT_BATCH", 1000, 10, 5000)
		},
		explore: {
			halfLifeHours: int(env, "SOCIAL_EXPLORE_HALF_LIFE_HOURS", 12, 1, 24 * 30),
			windowHours: int(env, "SOCIAL_EXPLORE_WINDOW_HOURS", 72, 1, 24 * 30),
			refreshMs: int(env, "SOCIAL_EXPLORE_REFRESH_SECONDS", test ? 1 : 30, 1, 3600) * 1000
		},
		trendingWindowHours: int(env, "SOCIAL_TRENDING_WINDOW_HOURS", 24, 1, 24 * 30),
		trendingRefreshMs: int(env, "SOCIAL_TRENDING_REFRESH_SECONDS", test ? 1 : 60, 1, 3600) * 1000
	};
}
