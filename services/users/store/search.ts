/**
 * People search: trigram similarity (pg_trgm) on username and display name,
 * so "ashaa mwiny" still finds "Asha Mwinyi". word_similarity matches the
 * query against the best-matching stretch of the name, which suits full names.
 * Users who block the searcher, or whom the searcher blocks, never appear.
 */
import { select, type Db } from "../../../lib/db/sql";

/** Below this, a match is noise (pg_trgm's own default word threshold is 0.6; names are short, so lower). */
export const SEARCH_THRESHOLD = 0.3;

export interface SearchHit {
	id: string;
	score: number;
}

/** Must run inside a transaction: the threshold of the indexed `<%` operator is set for it alone. */
export async function searchProfiles(db: Required<Db>, searcherId: string, q: string, limit: number, after: [number, string] | null): Promise<SearchHit[]> {
	const query = q.trim().toLowerCase().replace(/^@/, "");
	await select(db, "SELECT set_config('pg_trgm.word_similarity_threshold', :threshold, true)", { threshold: String(SEARCH_THRESHOLD) });
	return select<SearchHit>(
		db,
		`SELECT id, score FROM (
		   SELECT p.id, CAST(GREATEST(word_similarity(:q, p.username), word_similarity(:q, lower(p.display_name)),
		                              CASE WHEN p.username = :q THEN 1 ELSE 0 END) AS double precision) AS score
		     FROM users.profiles p
		    WHERE p.deleted_at IS NULL
		      AND (:q <% p.username OR :q <% lower(p.display_name))
		      AND NOT EXISTS (SELECT 1 FROM users.blocks b
		                       WHERE (b.blocker_id = p.id AND b.blocked_id = :me) OR (b.blocker_id = :me AND b.blocked_id = p.id))
		 ) hits
		 WHERE score >= :threshold ${after ? "AND (score, id) < (CAST(:afterScore AS double precision), CAST(:afterId AS uuid))" : ""}
		 ORDER BY score DESC, id DESC LIMIT :limit`,
		{ q: query, me: searcherId, limit, threshold: SEARCH_THRESHOLD, afterScore: after?.[0], afterId: after?.[1] }
	);
}

/** The profile registered with this phone number, if its owner lets people find them that way. */
export async function findByPhoneKey(db: Db, searcherId: string, key: string): Promise<string | null> {
	const [row] = await select<{ id: string }>(
		db,
		`SELECT p.id FROM users.profiles p
		  WHERE p.phone_key = :key AND p.deleted_at IS NULL AND p.discoverable_by_phone
		    AND NOT EXISTS (SELECT 1 FROM users.blocks b
		                     WHERE (b.blocker_id = p.id AND b.blocked_id = :me) OR (b.blocker_id = :me AND b.blocked_id = p.id))`,
		{ key, me: searcherId }
	);
	return row?.id ?? null;
}
