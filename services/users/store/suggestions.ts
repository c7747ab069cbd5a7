/**
 * "People you may know": accounts followed by the people I follow (ranked by
 * how many of them do), then people in my city, never anyone I already
 * follow or asked to follow, anyone blocked either way, or me.
 */
import { select, type Db } from "../../../lib/db/sql";

/** Only my most recent follows are walked: bounds the work for accounts that follow thousands. */
const FOLLOWS_WALKED = 500;
/** Candidates from the same city considered before ranking. */
const CITY_CANDIDATES = 200;

export interface Suggestion {
	id: string;
	mutuals: number;
	same_city: boolean;
}

export async function suggestFor(db: Db, userId: string, limit: number): Promise<Suggestion[]> {
	return select<Suggestion>(
		db,
		`WITH me AS (SELECT id, country, lower(city) AS city FROM users.profiles WHERE id = :userId),
		      mine AS (SELECT followee_id FROM users.follows WHERE follower_id = :userId ORDER BY created_at DESC LIMIT ${FOLLOWS_WALKED}),
		      fof AS (SELECT f.followee_id AS id, count(*)::int AS mutuals
		                FROM mine JOIN users.follows f ON f.follower_id = mine.followee_id
		               GROUP BY f.followee_id),
		      city AS (SELECT p.id, 0 AS mutuals FROM users.profiles p, me
		                WHERE me.city IS NOT NULL AND p.country = me.country AND lower(p.city) = me.city AND p.deleted_at IS NULL
		                ORDER BY p.followers_count DESC, p.id LIMIT ${CITY_CANDIDATES}),
		      candidates AS (SELECT id, max(mutuals) AS mutuals FROM (SELECT * FROM fof UNION ALL SELECT * FROM city) c GROUP BY id)
		 SELECT c.id, c.mutuals, (me.city IS NOT NULL AND p.country = me.country AND lower(p.city) = me.city) AS same_city
		   FROM candidates c
		   JOIN users.profiles p ON p.id = c.id AND p.deleted_at IS NULL
		   CROSS JOIN me
		  WHERE c.id <> :userId
		    AND NOT EXISTS (SELECT 1 FROM users.follows f WHERE f.follower_id = :userId AND f.followee_id = c.id)
		    AND NOT EXISTS (SELECT 1 FROM users.follow_requests r WHERE r.requester_id = :userId AND r.target_id = c.id)
		    AND NOT EXISTS (SELECT 1 FROM users.blocks b
		                     WHERE (b.blocker_id = :userId AND b.blocked_id = c.id) OR (b.blocker_id = c.id AND b.blocked_id = :userId))
		  ORDER BY c.mutuals DESC, same_city DESC, p.followers_count DESC, c.id
		  LIMIT :limit`,
		{ userId, limit }
	);
}
