/**
 * The queries behind the lists: a user's posts, a tag's posts, my mentions,
 * explore candidates, trending tags, and the feed sources PostgreSQL answers
 * (a rebuild, the authors merged at read, the range past the cached feed).
 * Keyset positions are [epoch ms, post id], the feeds' one order.
 */
import type { FeedEntry, FeedPosition } from "../rules/feed-order";
import { select, uuidArray, type Db } from "../../../lib/db/sql";
import { ms } from "./time";

type Pos = FeedPosition | null;

/** `created_at`-ordered lists share this keyset clause. */
function keyset(col: string, idCol: string, pos: Pos): string {
	return pos ? `AND (${ms(col)}, ${idCol}) < (CAST(:posMs AS bigint), CAST(:posId AS uuid))` : "";
}
const posParams = (pos: Pos) => (pos ? { posMs: pos[0], posId: pos[1] } : {});

const toEntries = (rows: Array<{ post_id: string; score: string | number }>): FeedEntry[] => rows.map(r => ({ postId: r.post_id, score: Number(r.score) }));

export async function authorPosts(db: Db, authorId: string, pos: Pos, n: number): Promise<FeedEntry[]> {
	return toEntries(
		await select(
			db,
			`SELECT id AS post_id, ${ms("created_at")} AS score FROM social.posts
			  WHERE author_id = :authorId AND deleted_at IS NULL ${keyset("created_at", "id", pos)}
			  ORDER BY created_at DESC, id DESC LIMIT :n`,
			{ authorId, n, ...posParams(pos) }
		)
	);
}

export async function tagPosts(db: Db, tag: string, pos: Pos, n: number): Promise<FeedEntry[]> {
	return toEntries(
		await select(
			db,
			`SELECT post_id, ${ms("created_at")} AS score FROM social.post_tags
			  WHERE tag = :tag ${keyset("created_at", "post_id", pos)}
			  ORDER BY created_at DESC, post_id DESC LIMIT :n`,
			{ tag, n, ...posParams(pos) }
		)
	);
}

export async function mentionPosts(db: Db, userId: string, pos: Pos, n: number): Promise<FeedEntry[]> {
	return toEntries(
		await select(
			db,
			`SELECT post_id, ${ms("created_at")} AS score FROM social.post_mentions
			  WHERE user_id = :userId ${keyset("created_at", "post_id", pos)}
			  ORDER BY created_at DESC, post_id DESC LIMIT :n`,
			{ userId, n, ...posParams(pos) }
		)
	);
}

/**
 * Home-feed entries from PostgreSQL for these authors: their posts and their
 * reposts, a post once with its latest time, after the position. Each author
 * contributes at most `n` rows per source (index scans, however prolific the
 * author), which is all a page of `n` can need. A post reposted after the
 * position was already shown higher up, so it is left out.
 */
export async function feedEntries(db: Db, authorIds: readonly string[], pos: Pos, n: number): Promise<FeedEntry[]> {
	if (authorIds.length === 0) return [];
	const before = pos ? `AND ${ms("created_at")} <= CAST(:posMs AS bigint)` : "";
	return toEntries(
		await select(
			db,
			`WITH authors AS (SELECT unnest(CAST(:authors AS uuid[])) AS id),
			 hits AS (
			   SELECT p.id AS post_id, p.score FROM authors a CROSS JOIN LATERAL (
			     SELECT id, ${ms("created_at")} AS score FROM social.posts
			      WHERE author_id = a.id AND deleted_at IS NULL ${before}
			      ORDER BY created_at DESC, id DESC LIMIT :n) p
			   UNION ALL
			   SELECT r.post_id, r.score FROM authors a CROSS JOIN LATERAL (
			     SELECT post_id, ${ms("created_at")} AS score FROM social.reposts
			      WHERE user_id = a.id ${before}
			      ORDER BY created_at DESC LIMIT :n) r
			 )
			 SELECT h.post_id, max(h.score) AS score FROM hits h
			  JOIN social.posts p ON p.id = h.post_id AND p.deleted_at IS NULL
			  GROUP BY h.post_id
			 HAVING ${pos ? "(max(h.score), h.post_id) < (CAST(:posMs AS bigint), CAST(:posId AS uuid))" : "true"}
			  ${
					pos
						? `AND NOT EXISTS (SELECT 1 FROM social.reposts r2 WHERE r2.post_id = h.post_id AND r2.user_id = ANY(CAST(:authors AS uuid[]))
			                      AND ${ms("r2.created_at")} > CAST(:posMs AS bigint))`
						: ""
				}
			  ORDER BY score DESC, post_id DESC LIMIT :n`,
			{ authors: uuidArray(authorIds), n, ...posParams(pos) }
		)
	);
}

export interface Candidate {
	id: string;
	createdAt: Date;
	likes: number;
	comments: number;
	reposts: number;
	quotes: number;
}

/** Public posts of the explore window, the most engaged first (ranking with decay happens in rules/ranking.ts). */
export async function exploreCandidates(db: Db, windowHours: number, max: number): Promise<Candidate[]> {
	const rows = await select<{ id: string; created_at: Date; likes_count: number; comments_count: number; reposts_count: number; quotes_count: number }>(
		db,
		`SELECT id, created_at, likes_count, comments_count, reposts_count, quotes_count FROM social.posts
		  WHERE deleted_at IS NULL AND visibility = 'public' AND created_at > now() - make_interval(hours => :windowHours)
		  ORDER BY likes_count + 3 * comments_count + 4 * (reposts_count + quotes_count) DESC, created_at DESC LIMIT :max`,
		{ windowHours, max }
	);
	return rows.map(r => ({ id: r.id, createdAt: r.created_at, likes: r.likes_count, comments: r.comments_count, reposts: r.reposts_count, quotes: r.quotes_count }));
}

/** Tags used by the most distinct authors in public posts of the window (one spammer cannot trend a tag). */
export function trendingTags(db: Db, windowHours: number, limit: number) {
	return select<{ tag: string; authors: string; posts: string }>(
		db,
		`SELECT tag, count(DISTINCT author_id) AS authors, count(*) AS posts FROM social.post_tags
		  WHERE is_public AND created_at > now() - make_interval(hours => :windowHours)
		  GROUP BY tag ORDER BY authors DESC, posts DESC, tag LIMIT :limit`,
		{ windowHours, limit }
	);
}
