/**
 * The social graph: follows, follow requests, blocks and mutes. Writes run
 * inside the flows' transactions (after the profiles are locked); every
 * insert and delete reports whether it changed anything, so counters and
 * events follow real changes only.
 */
import { NO_RELATIONSHIP, type Relationship } from "../rules/access";
import { execute, select, uuidArray, type Db } from "../../../lib/db/sql";

/** Relationships of `viewerId` with each of `userIds`, from the viewer's side. */
export async function relationshipsOf(db: Db, viewerId: string, userIds: readonly string[]): Promise<Map<string, Relationship>> {
	const out = new Map<string, Relationship>();
	if (userIds.length === 0) return out;
	const rows = await select<{
		id: string;
		following: boolean;
		followed_by: boolean;
		requested: boolean;
		blocking: boolean;
		blocked_by: boolean;
		muting: boolean;
	}>(
		db,
		`SELECT u.id,
		        EXISTS (SELECT 1 FROM users.follows WHERE follower_id = :viewer AND followee_id = u.id) AS following,
		        EXISTS (SELECT 1 FROM users.follows WHERE follower_id = u.id AND followee_id = :viewer) AS followed_by,
		        EXISTS (SELECT 1 FROM users.follow_requests WHERE requester_id = :viewer AND target_id = u.id) AS requested,
		        EXISTS (SELECT 1 FROM users.blocks WHERE blocker_id = :viewer AND blocked_id = u.id) AS blocking,
		        EXISTS (SELECT 1 FROM users.blocks WHERE blocker_id = u.id AND blocked_id = :viewer) AS blocked_by,
		        EXISTS (SELECT 1 FROM users.mutes WHERE muter_id = :viewer AND muted_id = u.id) AS muting
		   FROM unnest(CAST(:ids AS uuid[])) AS u(id)`,
		{ viewer: viewerId, ids: uuidArray([...new Set(userIds)]) }
	);
	for (const r of rows)
		out.set(r.id, { following: r.following, followedBy: r.followed_by, requested: r.requested, blocking: r.blocking, blockedBy: r.blocked_by, muting: r.muting });
	return out;
}

export async function relationshipOf(db: Db, viewerId: string, userId: string): Promise<Relationship> {
	return (await relationshipsOf(db, viewerId, [userId])).get(userId.toLowerCase()) ?? NO_RELATIONSHIP;
}

export async function insertFollow(db: Db, followerId: string, followeeId: string): Promise<boolean> {
	return (
		(await execute(db, "INSERT INTO users.follows (follower_id, followee_id) VALUES (:followerId, :followeeId) ON CONFLICT DO NOTHING", {
			followerId,
			followeeId
		})) === 1
	);
}

export async function deleteFollow(db: Db, followerId: string, followeeId: string): Promise<boolean> {
	return (await execute(db, "DELETE FROM users.follows WHERE follower_id = :followerId AND followee_id = :followeeId", { followerId, followeeId })) === 1;
}

export async function insertRequest(db: Db, requesterId: string, targetId: string): Promise<boolean> {
	return (
		(await execute(db, "INSERT INTO users.follow_requests (requester_id, target_id) VALUES (:requesterId, :targetId) ON CONFLICT DO NOTHING", {
			requesterId,
			targetId
		})) === 1
	);
}

export async function deleteRequest(db: Db, requesterId: string, targetId: string): Promise<boolean> {
	return (await execute(db, "DELETE FROM users.follow_requests WHERE requester_id = :requesterId AND target_id = :targetId", { requesterId, targetId })) === 1;
}

/** The pending requests to a user, oldest first (approved in that order when the account goes public). */
export async function pendingRequesters(db: Db, targetId: string): Promise<string[]> {
	const rows = await select<{ requester_id: string }>(db, "SELECT requester_id FROM users.follow_requests WHERE target_id = :targetId ORDER BY created_at, requester_id", {
		targetId
	});
	return rows.map(r => r.requester_id);
}

export async function insertBlock(db: Db, blockerId: string, blockedId: string): Promise<boolean> {
	return (
		(await execute(db, "INSERT INTO users.blocks (blocker_id, blocked_id) VALUES (:blockerId, :blockedId) ON CONFLICT DO NOTHING", { blockerId, blockedId })) === 1
	);
}

export async function deleteBlock(db: Db, blockerId: string, blockedId: string): Promise<boolean> {
	return (await execute(db, "DELETE FROM users.blocks WHERE blocker_id = :blockerId AND blocked_id = :blockedId", { blockerId, blockedId })) === 1;
}

export async function insertMute(db: Db, muterId: string, mutedId: string): Promise<boolean> {
	return (await execute(db, "INSERT INTO users.mutes (muter_id, muted_id) VALUES (:muterId, :mutedId) ON CONFLICT DO NOTHING", { muterId, mutedId })) === 1;
}

export async function deleteMute(db: Db, muterId: string, mutedId: string): Promise<boolean> {
	return (await execute(db, "DELETE FROM users.mutes WHERE muter_id = :muterId AND muted_id = :mutedId", { muterId, mutedId })) === 1;
}

/** Removes every follow request between two users, both directions. */
export async function deleteRequestsBetween(db: Db, a: string, b: string): Promise<void> {
	await execute(
		db,
		"DELETE FROM users.follow_requests WHERE (requester_id = :a AND target_id = :b) OR (requester_id = :b AND target_id = :a)",
		{ a, b }
	);
}

/** Every follows row that involves the user, deleted; returned so the other ends' counters can move. */
export async function deleteAllFollowsOf(db: Db, userId: string): Promise<Array<{ follower_id: string; followee_id: string }>> {
	return select(db, "DELETE FROM users.follows WHERE follower_id = :userId OR followee_id = :userId RETURNING follower_id, followee_id", { userId });
}

/** Requests, blocks and mutes that involve the user, both directions; returns the other users touched. */
export async function deleteAllEdgesOf(db: Db, userId: string): Promise<string[]> {
	const rows = await select<{ other: string }>(
		db,
		`WITH r AS (DELETE FROM users.follow_requests WHERE requester_id = :userId OR target_id = :userId
		             RETURNING CASE WHEN requester_id = :userId THEN target_id ELSE requester_id END AS other),
		      b AS (DELETE FROM users.blocks WHERE blocker_id = :userId OR blocked_id = :userId
		             RETURNING CASE WHEN blocker_id = :userId THEN blocked_id ELSE blocker_id END AS other),
		      m AS (DELETE FROM users.mutes WHERE muter_id = :userId OR muted_id = :userId
		             RETURNING CASE WHEN muter_id = :userId THEN muted_id ELSE muter_id END AS other)
		 SELECT other FROM r UNION SELECT other FROM b UNION SELECT other FROM m`,
		{ userId }
	);
	return rows.map(r => r.other);
}

export type ListKind = "followers" | "following";

/** One page of an account's followers (or of whom it follows), newest first; keyset on (created_at, other id); `at` keeps
 * PostgreSQL's microseconds, which a JS Date would round off and break the keyset. */
export async function pageFollows(db: Db, kind: ListKind, userId: string, limit: number, after: [string, string] | null): Promise<Array<{ id: string; at: string }>> {
	const [self, other] = kind === "followers" ? ["followee_id", "follower_id"] : ["follower_id", "followee_id"];
	return select(
		db,
		`SELECT f.${other} AS id, CAST(f.created_at AS text) AS at FROM users.follows f
		  WHERE f.${self} = :userId
		    ${after ? `AND (f.created_at, f.${other}) < (CAST(:at AS timestamptz), CAST(:afterId AS uuid))` : ""}
		  ORDER BY f.created_at DESC, f.${other} DESC LIMIT :limit`,
		{ userId, limit, at: after?.[0], afterId: after?.[1] }
	);
}

/** Pending requests to the user, newest first; keyset on (created_at, requester id). */
export async function pageRequests(db: Db, targetId: string, limit: number, after: [string, string] | null): Promise<Array<{ id: string; at: string }>> {
	return select(
		db,
		`SELECT r.requester_id AS id, CAST(r.created_at AS text) AS at FROM users.follow_requests r
		  WHERE r.target_id = :targetId
		    ${after ? "AND (r.created_at, r.requester_id) < (CAST(:at AS timestamptz), CAST(:afterId AS uuid))" : ""}
		  ORDER BY r.created_at DESC, r.requester_id DESC LIMIT :limit`,
		{ targetId, limit, at: after?.[0], afterId: after?.[1] }
	);
}

/** Follower ids in id order after `after`, for fan-out (users.followerIds). */
export async function followerIdsAfter(db: Db, userId: string, after: string | null, limit: number): Promise<string[]> {
	const rows = await select<{ follower_id: string }>(
		db,
		`SELECT follower_id FROM users.follows WHERE followee_id = :userId ${after ? "AND follower_id > :after" : ""}
		  ORDER BY follower_id LIMIT :limit`,
		{ userId, after, limit }
	);
	return rows.map(r => r.follower_id);
}
