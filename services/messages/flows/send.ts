/**
 * Sending a message (DESIGN.md §6.5).
 *
 * Idempotent on (conversation, sender, clientId): a retry answers the stored
 * message. Ordering: the conversation row is locked, its counter gives the
 * next seq, and the message is inserted in the same transaction, so seqs are
 * gap-free and unique under any number of parallel sends; parallel retries of
 * one clientId queue on the same lock and the later ones find the first one's
 * message. The durable `messages.message.sent` is written in that
 * transaction for the members to notify: not the sender, not muted, not
 * online (an open socket on any gateway), and only at the start of an unread
 * streak (everything before this message was read: one notification per
 * conversation until they read it). Frames to open sockets go out after the
 * commit.
 */
import { inTransaction } from "../../../lib/db/transaction";
import { newId } from "../../../lib/ids";
import { unprocessable } from "../../../lib/errors";
import { MessagesError } from "../errors";
import { fileRef } from "../rules/file-ref";
import { normalizeContent, type Embed } from "../rules/message-input";
import { startsUnreadStreak } from "../rules/read-marker";
import type { MessagesRuntime } from "../runtime";
import { findConversation, findMember, listMembers, lockConversation, nextSeq, type MemberRow } from "../store/conversations";
import { findByClientId, insertMessage, seqExists } from "../store/messages";
import { execute } from "../store/sql";
import { messageViews, type MessageView } from "../view";
import { canMessage, claimFiles, profiles, push } from "./peers";
import { onlineAmong } from "./presence";

export interface SendInput {
	clientId: string;
	text?: string | null;
	fileIds?: string[];
	embed?: Embed | null;
	replyToSeq?: number | null;
}

export async function sendMessage(rt: MessagesRuntime, me: string, conversationId: string, input: SendInput): Promise<{ message: MessageView; created: boolean }> {
	const content = normalizeContent(input);
	if ("error" in content) throw MessagesError.emptyMessage();
	const db = { sequelize: rt.sequelize };

	const member = await findMember(db, conversationId, me);
	const conversation = member ? await findConversation(db, conversationId) : null;
	if (!member || !conversation) throw MessagesError.conversationNotFound();

	// A retry of a send that already landed: the same message, nothing sent again.
	const earlier = await findByClientId(db, conversationId, me, input.clientId);
	if (earlier) return { message: (await messageViews(rt.broker, [earlier], me))[0], created: false };

	const members = await listMembers(db, [conversationId]);
	const others = members.filter(m => m.userId !== me);
	// Direct conversations follow the recipient's current wishes (blocks, whoCanMessage) at every send;
	// in groups they were checked when each member was added.
	if (conversation.kind === "direct" && others[0]) {
		const answer = await canMessage(rt.broker, me, others[0].userId);
		if (!answer.allowed) throw MessagesError.notAllowed(others[0].userId, answer.reason ?? "nobody");
	}
	if (input.replyToSeq !== undefined && input.replyToSeq !== null && !(await seqExists(db, conversationId, input.replyToSeq, member.joinedSeq)))
		throw unprocessable("The message replied to is not in this conversation", "REPLY_NOT_FOUND");
	// Claiming is idempotent for the same ref, so a send that fails after it can be retried.
	if (content.fileIds.length) await claimFiles(rt.broker, me, content.fileIds, fileRef(conversationId));
	const sender = (await profiles(rt.broker, [me]))[me];
	// Members who would start an unread streak with this message: skip those watching their socket.
	const candidates = others.filter(m => !m.muted && m.readSeq >= conversation.lastSeq).map(m => m.userId);
	const online = await onlineAmong(rt.broker, candidates, rt.logger);

	const result = await inTransaction(rt.sequelize, async t => {
		const tdb = { sequelize: rt.sequelize, t };
		if (!(await lockConversation(tdb, conversationId))) throw MessagesError.conversationNotFound();
		// Under the lock: a parallel retry that committed first is visible now.
		const raced = await findByClientId(tdb, conversationId, me, input.clientId);
		if (raced) return { row: raced, members: [] as MemberRow[], created: false };
		const current = await listMembers(tdb, [conversationId]);
		// Left (or was removed) since the checks above.
		if (!current.some(m => m.userId === me)) throw MessagesError.conversationNotFound();

		const seq = await nextSeq(tdb, conversationId);
		const row = await insertMessage(tdb, {
			id: newId(),
			conversationId,
			seq,
			senderId: me,
			clientId: input.clientId,
			text: content.text,
			fileIds: content.fileIds,
			embed: content.embed,
			replyToSeq: input.replyToSeq ?? null
		});
		await execute(tdb, `UPDATE messages.members SET read_seq = :seq WHERE conversation_id = :conversationId AND user_id = :me`, { seq, conversationId, me });

		const recipientIds = current.filter(m => m.userId !== me && !m.muted && !online.has(m.userId) && startsUnreadStreak(m.readSeq, seq)).map(m => m.userId);
		if (recipientIds.length)
			await rt.raiseEvent(
				t,
				"messages.message.sent",
				{
					messageId: row.id,
					conversationId,
					seq,
					senderId: me,
					sender: { username: sender?.username ?? "", displayName: sender?.displayName ?? "" },
					kind: conversation.kind,
					title: conversation.title,
					recipientIds
				},
				me
			);
		return { row, members: current, created: true };
	});

	const [message] = await messageViews(rt.broker, [result.row], me);
	// Every member's sockets, the sender's other devices included.
	if (result.created) push(rt.broker, result.members.map(m => m.userId), { type: "message.new", data: message });
	return { message, created: result.created };
}

