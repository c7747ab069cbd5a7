/**
 * Everything a page of posts needs from social's own tables, in one round
 * trip: the posts, the posts they quote, the viewer's like/repost flags and
 * ballots, the polls, and (for feeds) who among the people the viewer follows
 * reposted each. A feed page is one query here plus the peers' batched calls.
 */
import type { PollRow } from "./polls";
import type { PostRow } from "./posts";
import { select, uuidArray, type Db } from "./sql";

export interface LoadedPost extends PostRow {
	liked: boolean;
	reposted: boolean;
	poll: Omit<PollRow, "post_id"> | null;
	viewer_votes: string[] | null;
	/** Feeds only: followed reposters, latest first (null when not asked or none). */
	reposters: string[] | null;
}

const ZERO = "00000000-0000-0000-0000-000000000000";

/** Live posts by id, and the live posts they quote, keyed by id. */
export async function loadPosts(db: Db, ids: readonly string[], viewerId: string | null, opts: { reposters: boolean }): Promise<Map<string, LoadedPost>> {
	const out = new Map<string, LoadedPost>();
	if (ids.length === 0) return out;
	const rows = await select<LoadedPost>(
		db,
		`WITH wanted AS (
		   SELECT id FROM social.posts WHERE id = ANY(CAST(:ids AS uuid[]))
		   UNION
		   SELECT quote_of FROM social.posts WHERE id = ANY(CAST(:ids AS uuid[])) AND quote_of IS NOT NULL
		 )
		 SELECT p.id, p.author_id, p.text, p.media_file_ids, p.embed_type, p.embed_id, p.visibility, p.quote_of, p.mentions, p.hashtags, p.source,
		        p.likes_count, p.comments_count, p.reposts_count, p.quotes_count, p.created_at, p.edited_at, p.deleted_at,
		        EXISTS (SELECT 1 FROM social.likes l WHERE l.post_id = p.id AND l.user_id = :viewer) AS liked,
		        EXISTS (SELECT 1 FROM social.reposts r WHERE r.post_id = p.id AND r.user_id = :viewer) AS reposted,
		        (SELECT json_build_object('multiple', pl.multiple, 'expires_at', pl.expires_at, 'voters_count', pl.voters_count,
		                'options', (SELECT json_agg(json_build_object('id', o.id, 'text', o.text, 'votes', o.votes) ORDER BY o.position)
		                              FROM social.poll_options o WHERE o.post_id = pl.post_id))
		           FROM social.polls pl WHERE pl.post_id = p.id) AS poll,
		        (SELECT array_agg(v.option_id) FROM social.poll_votes v WHERE v.post_id = p.id AND v.user_id = :viewer) AS viewer_votes,
		        ${
							opts.reposters
								? `(SELECT array_agg(r.user_id ORDER BY r.created_at DESC) FROM social.reposts r
		             JOIN social.follows f ON f.followee_id = r.user_id AND f.follower_id = :viewer WHERE r.post_id = p.id)`
								: "NULL"
						} AS reposters
		   FROM wanted w JOIN social.posts p ON p.id = w.id AND p.deleted_at IS NULL`,
		{ ids: uuidArray([...new Set(ids)]), viewer: viewerId ?? ZERO }
	);
	for (const r of rows) out.set(r.id, r);
	return out;
}
