/**
 * Follows and follow requests. Every flow locks both profiles (in id order,
 * lockProfiles) before reading the graph, so concurrent follows, unfollows,
 * blocks and privacy changes between the same users run one after another;
 * the follower counters move in the same transaction as the follows row, by
 * exactly the rows inserted or deleted, so they always equal the rows.
 */
import type { Transaction } from "sequelize";
import type { UserRef } from "../../../lib/events/catalogue";
import { inTransaction } from "../../../lib/db/transaction";
import { graphPatterns } from "../cache";
import { UsersError } from "../errors";
import { deleteFollow, deleteRequest, insertFollow, insertRequest, relationshipOf } from "../store/graph";
import { lockProfiles, moveFollowCounters, type ProfileRow } from "../store/profiles";
import type { UsersRuntime } from "../runtime";

export type FollowStatus = "following" | "requested";

export const refOf = (p: ProfileRow): UserRef => ({ username: p.username, displayName: p.display_name });

/** Both profiles, locked; the caller must exist (else PROFILE_NOT_READY) and the other must be live. */
export async function lockPair(t: Transaction, rt: UsersRuntime, me: string, other: string): Promise<{ mine: ProfileRow; theirs: ProfileRow }> {
	const rows = await lockProfiles({ sequelize: rt.sequelize, t }, [me, other]);
	const theirs = rows.get(other);
	if (!theirs || theirs.deleted_at) throw UsersError.userNotFound();
	const mine = rows.get(me);
	if (!mine || mine.deleted_at) throw UsersError.profileNotReady();
	return { mine, theirs };
}

/** A follows row and its counters, and the event; the caller holds both profiles' locks. */
export async function createFollow(t: Transaction, rt: UsersRuntime, follower: ProfileRow, followeeId: string, via: "direct" | "request"): Promise<boolean> {
	const db = { sequelize: rt.sequelize, t };
	if (!(await insertFollow(db, follower.id, followeeId))) return false;
	await moveFollowCounters(db, follower.id, followeeId, 1);
	await rt.raiseEvent(t, "users.follow.created", { followerId: follower.id, followeeId, follower: refOf(follower), via }, follower.id);
	return true;
}

export async function removeFollow(t: Transaction, rt: UsersRuntime, followerId: string, followeeId: string, reason: "unfollow" | "block", actorId: string): Promise<boolean> {
	const db = { sequelize: rt.sequelize, t };
	if (!(await deleteFollow(db, followerId, followeeId))) return false;
	await moveFollowCounters(db, followerId, followeeId, -1);
	await rt.raiseEvent(t, "users.follow.removed", { followerId, followeeId, reason }, actorId);
	return true;
}

/** POST /users/:id/follow: follows a public account, asks a private one. Repeating it changes nothing. */
export async function follow(rt: UsersRuntime, me: string, targetId: string): Promise<{ status: FollowStatus }> {
	if (me === targetId) throw UsersError.cannotFollowSelf();
	const status = await inTransaction(rt.sequelize, async t => {
		const { mine, theirs } = await lockPair(t, rt, me, targetId);
		const db = { sequelize: rt.sequelize, t };
		const rel = await relationshipOf(db, me, targetId);
		// Blocked by them: the account does not exist for the caller.
		if (rel.blockedBy) throw UsersError.userNotFound();
		if (rel.blocking) throw UsersError.youBlockThem();
		if (rel.following) return "following" as const;
		if (theirs.is_private) {
			if (await insertRequest(db, me, targetId)) await rt.raiseEvent(t, "users.follow.requested", { requesterId: me, targetId, requester: refOf(mine) }, me);
			return "requested" as const;
		}
		await createFollow(t, rt, mine, targetId, "direct");
		return "following" as const;
	});
	await rt.invalidate(graphPatterns([me, targetId]));
	return { status };
}

/** DELETE /users/:id/follow: stops following, or withdraws a pending request. Idempotent. */
export async function unfollow(rt: UsersRuntime, me: string, targetId: string): Promise<void> {
	if (me === targetId) throw UsersError.cannotFollowSelf();
	await inTransaction(rt.sequelize, async t => {
		await lockPair(t, rt, me, targetId);
		if (!(await removeFollow(t, rt, me, targetId, "unfollow", me))) await deleteRequest({ sequelize: rt.sequelize, t }, me, targetId);
	});
	await rt.invalidate(graphPatterns([me, targetId]));
}

/** Accepts a pending request to me: the requester now follows me. */
export async function acceptRequest(rt: UsersRuntime, me: string, requesterId: string): Promise<{ status: "following" }> {
	await inTransaction(rt.sequelize, async t => {
		const rows = await lockProfiles({ sequelize: rt.sequelize, t }, [me, requesterId]);
		const mine = rows.get(me);
		const requester = rows.get(requesterId);
		if (!mine || mine.deleted_at) throw UsersError.profileNotReady();
		if (!(await deleteRequest({ sequelize: rt.sequelize, t }, requesterId, me)) || !requester || requester.deleted_at) throw UsersError.requestNotFound();
		await approve(t, rt, mine, requester);
	});
	await rt.invalidate(graphPatterns([me, requesterId]));
	return { status: "following" };
}

/** The follow behind an accepted request (the request row is already gone); both profiles are locked. */
export async function approve(t: Transaction, rt: UsersRuntime, target: ProfileRow, requester: ProfileRow): Promise<void> {
	await createFollow(t, rt, requester, target.id, "request");
	await rt.raiseEvent(t, "users.follow.accepted", { requesterId: requester.id, targetId: target.id, target: refOf(target) }, target.id);
}

/** Declines a pending request to me; the requester is not told (they only see it is no longer pending). */
export async function rejectRequest(rt: UsersRuntime, me: string, requesterId: string): Promise<{ status: "rejected" }> {
	const removed = await deleteRequest({ sequelize: rt.sequelize }, requesterId, me);
	if (!removed) throw UsersError.requestNotFound();
	await rt.invalidate(graphPatterns([me, requesterId]));
	return { status: "rejected" };
}
