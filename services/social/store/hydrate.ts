/**
 * Everything a page of posts needs from social's own tables, in one round
 * trip (the function social.load_posts, migrations/core/social/0002): the posts, the posts they quote, the viewer's like/repost flags and
 * ballots, the polls, and (for feeds) who among the people the viewer follows
 * reposted each. A feed page is one query here plus the peers' batched calls.
 */
import type { PollRow } from "./polls";
import type { PostRow } from "./posts";
import { select, uuidArray, type Db } from "../../../lib/db/sql";

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
	// social.load_posts (migration 0002): the statement inside keeps its plan per connection.
	const rows = await select<LoadedPost>(db, "SELECT * FROM social.load_posts(CAST(:ids AS uuid[]), CAST(:viewer AS uuid), :reposters)", {
		ids: uuidArray([...new Set(ids)]),
		viewer: viewerId ?? ZERO,
		reposters: opts.reposters
	});
	for (const r of rows) out.set(r.id, r);
	return out;
}
