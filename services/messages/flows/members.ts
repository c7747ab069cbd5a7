/**
 * Group membership and per-member settings. Admins add and remove members;
 * anyone leaves. New members see messages from the moment they join (their
 * `joined_seq`); a member who leaves or is removed loses the conversation
 * (404 from then on, no frames, no notifications). When the last admin leaves,
 * the longest-standing member becomes admin, so a group is never unmanaged.
 * Direct conversations have neither admins nor membership changes.
 */
import { inTransaction } from "../../../lib/db/transaction";
import { MessagesError } from "../errors";
import { MAX_GROUP_MEMBERS, normalizeTitle } from "../rules/conversation-input";
import type { MessagesRuntime } from "../runtime";
import { execute } from "../../../lib/db/sql";
import { insertMembers, listMembers, lockConversation, removeMember, setMuted, setRole } from "../store/conversations";
import type { ConversationView } from "../view";
import { requireMember } from "./access";
import { getConversation, mayAdd } from "./conversations";

async function requireGroupAdmin(rt: MessagesRuntime, me: string, conversationId: string) {
	const { conversation, me: member } = await requireMember({ sequelize: rt.sequelize }, conversationId, me);
	if (conversation.kind !== "group") throw MessagesError.notGroup();
	if (member.role !== "admin") throw MessagesError.notAdmin();
}

export async function addMembers(rt: MessagesRuntime, me: string, conversationId: string, userIds: string[]): Promise<ConversationView> {
	await requireGroupAdmin(rt, me, conversationId);
	const ids = [...new Set(userIds.map(id => id.toLowerCase()))].filter(id => id !== me);
	if (ids.length) await mayAdd(rt, me, ids);
	await inTransaction(rt.sequelize, async t => {
		const db = { sequelize: rt.sequelize, t };
		const c = await lockConversation(db, conversationId);
		if (!c) throw MessagesError.conversationNotFound();
		const present = new Set((await listMembers(db, [conversationId])).map(m => m.userId));
		const fresh = ids.filter(id => !present.has(id));
		if (present.size + fresh.length > MAX_GROUP_MEMBERS) throw MessagesError.tooManyMembers(MAX_GROUP_MEMBERS);
		await insertMembers(db, conversationId, fresh.map(userId => ({ userId, role: "member" as const, joinedSeq: c.lastSeq })));
	});
	return getConversation(rt, me, conversationId);
}

/** An admin removes someone, or anyone removes themself (leaving). Idempotent for someone already gone. */
export async function removeFromGroup(rt: MessagesRuntime, me: string, conversationId: string, userId: string): Promise<void> {
	const { conversation, me: member } = await requireMember({ sequelize: rt.sequelize }, conversationId, me);
	if (conversation.kind !== "group") throw MessagesError.notGroup();
	if (userId !== me && member.role !== "admin") throw MessagesError.notAdmin();
	await inTransaction(rt.sequelize, async t => {
		const db = { sequelize: rt.sequelize, t };
		await lockConversation(db, conversationId);
		await removeMember(db, conversationId, userId);
		const rest = await listMembers(db, [conversationId]);
		if (rest.length && !rest.some(m => m.role === "admin")) await setRole(db, conversationId, rest[0].userId, "admin");
	});
}

export async function updateConversation(
	rt: MessagesRuntime,
	me: string,
	conversationId: string,
	patch: { title?: string | null; muted?: boolean }
): Promise<ConversationView> {
	const { conversation, me: member } = await requireMember({ sequelize: rt.sequelize }, conversationId, me);
	if (patch.title !== undefined) {
		if (conversation.kind !== "group") throw MessagesError.notGroup();
		if (member.role !== "admin") throw MessagesError.notAdmin();
		await execute({ sequelize: rt.sequelize }, `UPDATE messages.conversations SET title = :title WHERE id = :conversationId`, {
			title: normalizeTitle(patch.title),
			conversationId
		});
	}
	if (patch.muted !== undefined) await setMuted({ sequelize: rt.sequelize }, conversationId, me, patch.muted);
	return getConversation(rt, me, conversationId);
}
