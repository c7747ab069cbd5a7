/**
 * The follow graph as the feeds need it, projected from users' durable
 * events (users.follow.created / removed): whose posts make up a user's home
 * feed when it is rebuilt, and which followed authors are too big for
 * fan-out. Access is never decided from here (users.relationships does that
 * at read), so a projection that lags by an event only delays a candidate.
 */
import { execute, select, uuidArray, type Db } from "../../../lib/db/sql";

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

/** Whom the user follows (rebuilds, and pages past the cached feed). */
export async function followeeIds(db: Db, userId: string): Promise<string[]> {
	return (await select<{ id: string }>(db, "SELECT followee_id AS id FROM social.follows WHERE follower_id = :userId", { userId })).map(r => r.id);
}

/** Authors with at least `threshold` followers: not fanned out, merged at read. */
export async function bigAuthorIds(db: Db, threshold: number): Promise<string[]> {
	return (await select<{ id: string }>(db, "SELECT author_id AS id FROM social.authors WHERE followers >= :threshold", { threshold })).map(r => r.id);
}

/** Which of these authors the user follows. */
export async function followedAmong(db: Db, userId: string, authorIds: readonly string[]): Promise<string[]> {
	if (authorIds.length === 0) return [];
	return (
		await select<{ id: string }>(db, "SELECT followee_id AS id FROM social.follows WHERE follower_id = :userId AND followee_id = ANY(CAST(:ids AS uuid[]))", {
			userId,
			ids: uuidArray(authorIds)
		})
	).map(r => r.id);
}
