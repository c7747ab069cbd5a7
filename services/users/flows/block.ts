/**
 * Blocks and mutes. A block removes follows and requests in both directions
 * (counters move with them) and, through users.relationships / canView /
 * canMessage, tells the other domains: no content, mentions, messages or
 * follows between the two. A mute only hides the muted user's content from
 * the muter; nobody is told.
 */
import { inTransaction } from "../../../lib/db/transaction";
import { graphPatterns } from "../cache";
import { UsersError } from "../errors";
import { deleteBlock, deleteMute, deleteRequestsBetween, insertBlock, insertMute } from "../store/graph";
import { findProfileFor } from "../store/profiles";
import type { UsersRuntime } from "../runtime";
import { lockPair, removeFollow } from "./follow";

export async function block(rt: UsersRuntime, me: string, targetId: string): Promise<{ blocked: true }> {
	if (me === targetId) throw UsersError.cannotBlockSelf();
	await inTransaction(rt.sequelize, async t => {
		await lockPair(t, rt, me, targetId);
		const db = { sequelize: rt.sequelize, t };
		if (!(await insertBlock(db, me, targetId))) return;
		await removeFollow(t, rt, me, targetId, "block", me);
		await removeFollow(t, rt, targetId, me, "block", me);
		await deleteRequestsBetween(db, me, targetId);
		await rt.raiseEvent(t, "users.block.created", { blockerId: me, blockedId: targetId }, me);
	});
	await rt.invalidate(graphPatterns([me, targetId]));
	return { blocked: true };
}

/** Lifts my block; follows that the block removed do not come back. Idempotent. */
export async function unblock(rt: UsersRuntime, me: string, targetId: string): Promise<void> {
	if (me === targetId) throw UsersError.cannotBlockSelf();
	await inTransaction(rt.sequelize, async t => {
		await lockPair(t, rt, me, targetId);
		await deleteBlock({ sequelize: rt.sequelize, t }, me, targetId);
	});
	await rt.invalidate(graphPatterns([me, targetId]));
}

/** The target exists for me: live, and not blocking me (then it does not exist for me, as everywhere). */
async function mustExist(rt: UsersRuntime, me: string, targetId: string) {
	if (me === targetId) throw UsersError.cannotMuteSelf();
	const found = await findProfileFor({ sequelize: rt.sequelize }, { kind: "id", value: targetId }, me);
	if (!found || found.rel.blockedBy) throw UsersError.userNotFound();
}

export async function mute(rt: UsersRuntime, me: string, targetId: string): Promise<{ muted: true }> {
	await mustExist(rt, me, targetId);
	await insertMute({ sequelize: rt.sequelize }, me, targetId);
	await rt.invalidate(graphPatterns([me, targetId]));
	return { muted: true };
}

export async function unmute(rt: UsersRuntime, me: string, targetId: string): Promise<void> {
	await mustExist(rt, me, targetId);
	await deleteMute({ sequelize: rt.sequelize }, me, targetId);
	await rt.invalidate(graphPatterns([me, targetId]));
}
