/**
 * The follow graph as the feeds need it, projected from users' durable
 * events (users.follow.created / removed): whose posts make up a user's home
 * feed when it is rebuilt, and which followed authors are too big for
 * fan-out. Access is never decided from here (users.relationships does that
 * at read), so a projection that lags by an event only delays a candidate.
 */
import { execute, select, uuidArray, type Db } from "./sql";

export async function addFollow(db: Db, followerId: string, followeeId: string): Promise<boolean> {
	const added = (await execute(db, "INSERT INTO social.follows (follower_id, followee_id) VALUES (:followerId, :followeeId) ON CONFLICT DO NOTHING", { followerId, followeeId })) === 1;
	if (added)
		await execute(db, "INSERT INTO social.authors (author_id, followers) VALUES (:followeeId, 1) ON CONFLICT (author_id) DO UPDATE SET followers = social.authors.followers + 1", {
			followeeId
		});
	return added;
}

export async function removeFollow(db: Db, followerId: string, followeeId: string): Promise<boolean> {
	const removed = (await execute(db, "DELETE FROM social.follows WHERE follower_id = :followerId AND followee_id = :followeeId", { followerId, followeeId })) === 1;
	if (removed) await execute(db, "UPDATE social.authors SET followers = greatest(followers - 1, 0) WHERE author_id = :followeeId", { followeeId });
	return removed;
}

export async function followersCount(db: Db, authorId: string): Promise<number> {
	const rows = await select<{ followers: number }>(db, "SELECT followers FROM social.authors WHERE author_id = :authorId", { authorId });
	return rows[0]?.followers ?? 0;
}

/** For each post, who among the people the viewer follows reposted it, latest first. */
export async function followedReposters(db: Db, viewerId: string, postIds: readonly string[]): Promise<Map<string, string[]>> {
	const out = new Map<string, string[]>();
	if (postIds.length === 0) return out;
	const rows = await select<{ post_id: string; user_id: string }>(
		db,
		`SELECT r.post_id, r.user_id FROM social.reposts r
		   JOIN social.follows f ON f.followee_id = r.user_id AND f.follower_id = :viewerId
		  WHERE r.post_id = ANY(CAST(:ids AS uuid[])) ORDER BY r.created_at DESC`,
		{ viewerId, ids: uuidArray([...new Set(postIds)]) }
	);
	for (const r of rows) out.set(r.post_id, [...(out.get(r.post_id) ?? []), r.user_id]);
	return out;
}

/** Whom the user follows, each with whether the author is too big for fan-out (one query per feed page). */
export async function followeesOf(db: Db, userId: string, threshold: number): Promise<{ all: string[]; big: string[] }> {
	const rows = await select<{ id: string; big: boolean }>(
		db,
		`SELECT f.followee_id AS id, coalesce(a.followers, 0) >= :threshold AS big
		   FROM social.follows f LEFT JOIN social.authors a ON a.author_id = f.followee_id
		  WHERE f.follower_id = :userId`,
		{ userId, threshold }
	);
	return { all: rows.map(r => r.id), big: rows.filter(r => r.big).map(r => r.id) };
}
