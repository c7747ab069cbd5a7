/**
 * Creating and listing conversations. A direct conversation is one per pair
 * (the unique pair key makes a parallel "create" of the same pair meet the
 * same row); a group gets its creator as admin. Everyone added must accept
 * messages from whoever adds them (users.canMessage: blocks, whoCanMessage).
 */
import { inTransaction } from "../../../lib/db/transaction";
import { badRequest, ErrorType } from "../../../lib/errors";
import { isUuid, newId } from "../../../lib/ids";
import { readPage, toPage, type Page } from "../../../lib/pagination";
import { MessagesError } from "../errors";
import { MAX_GROUP_MEMBERS, planConversation } from "../rules/conversation-input";
import type { MessagesRuntime } from "../runtime";
import { insertGroup, insertMembers, listMembers, pageMyConversations, receiptsOff, upsertDirect, type ConversationRow, type MemberRow } from "../store/conversations";
import { messagesAt } from "../store/messages";
import { conversationView, messageViews, type ConversationView, type MessageView } from "../view";
import { requireMember } from "./access";
import { canMessage, profiles, profilesOrNone } from "./peers";

/** Refuses unknown users (422) and anyone who does not accept messages from `senderId` (403). */
export async function mayAdd(rt: MessagesRuntime, senderId: string, userIds: string[]): Promise<void> {
	const known = await profiles(rt.broker, userIds);
	const unknown = userIds.filter(id => !known[id]);
	if (unknown.length) throw MessagesError.unknownUsers(unknown);
	const answers = await Promise.all(userIds.map(id => canMessage(rt.broker, senderId, id)));
	const refused = answers.findIndex(a => !a.allowed);
	if (refused !== -1) throw MessagesError.notAllowed(userIds[refused], answers[refused].reason ?? "nobody");
}

export async function createConversation(
	rt: MessagesRuntime,
	me: string,
	input: { memberIds: string[]; title?: string | null }
): Promise<{ conversation: ConversationView; created: boolean }> {
	const plan = planConversation(me, input.memberIds, input.title);
	if ("error" in plan) throw plan.error === "no_members" ? MessagesError.noMembers() : MessagesError.tooManyMembers(MAX_GROUP_MEMBERS);
	await mayAdd(rt, me, plan.kind === "direct" ? [plan.otherId] : plan.memberIds);

	const result = await inTransaction(rt.sequelize, async t => {
		const db = { sequelize: rt.sequelize, t };
		if (plan.kind === "direct") {
			const { id, created } = await upsertDirect(db, { id: newId(), pairKey: plan.pairKey, createdBy: me });
			// Both ends are members of their pair's conversation from the start (a direct conversation has no admins).
			if (created)
				await insertMembers(db, id, [
					{ userId: me, role: "member", joinedSeq: 0 },
					{ userId: plan.otherId, role: "member", joinedSeq: 0 }
				]);
			return { id, created };
		}
		const id = newId();
		await insertGroup(db, { id, title: plan.title, createdBy: me });
		await insertMembers(db, id, [{ userId: me, role: "admin", joinedSeq: 0 }, ...plan.memberIds.map(userId => ({ userId, role: "member" as const, joinedSeq: 0 }))]);
		return { id, created: true };
	});
	return { conversation: await getConversation(rt, me, result.id), created: result.created };
}

export async function getConversation(rt: MessagesRuntime, me: string, conversationId: string): Promise<ConversationView> {
	const { conversation, me: member } = await requireMember({ sequelize: rt.sequelize }, conversationId, me);
	const [view] = await viewsOf(rt, me, [{ ...conversation, me: member }]);
	return view;
}

export async function listConversations(rt: MessagesRuntime, me: string, params: { cursor?: string; limit?: number }): Promise<Page<ConversationView>> {
	const { limit, after } = readPage<[string, string]>(params);
	if (after && (!Array.isArray(after) || typeof after[0] !== "string" || Number.isNaN(Date.parse(after[0])) || !isUuid(after[1])))
		throw badRequest("Invalid cursor", ErrorType.INVALID_CURSOR);
	const rows = await pageMyConversations({ sequelize: rt.sequelize }, me, after, limit + 1);
	const page = toPage(rows, limit, r => [new Date(r.activityAt).toISOString(), r.id]);
	return { items: await viewsOf(rt, me, page.items), nextCursor: page.nextCursor };
}

/** Views of a page of conversations: members, their profiles and receipts, and each last message, in a few batched reads. */
async function viewsOf(rt: MessagesRuntime, me: string, rows: (ConversationRow & { me: MemberRow })[]): Promise<ConversationView[]> {
	const db = { sequelize: rt.sequelize };
	const ids = rows.map(r => r.id);
	const members = await listMembers(db, ids);
	const memberIds = [...new Set(members.map(m => m.userId))];
	// A last message from before I joined is not mine to see.
	const lastRows = await messagesAt(
		db,
		rows.filter(r => r.lastSeq > r.me.joinedSeq).map(r => ({ conversationId: r.id, seq: r.lastSeq }))
	);
	const [lastViews, cards, off] = await Promise.all([messageViews(rt, lastRows, me), profilesOrNone(rt.broker, memberIds, rt.logger), receiptsOff(db, memberIds)]);
	const lastBy = new Map<string, MessageView>(lastViews.map(v => [v.conversationId, v]));
	return rows.map(r =>
		conversationView(
			r,
			r.me,
			members.filter(m => m.conversationId === r.id),
			lastBy.get(r.id) ?? null,
			cards,
			off
		)
	);
}
