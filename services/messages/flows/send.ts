/**
 * Sending a message (DESIGN.md §6.5).
 *
 * Idempotent on (conversation, sender, clientId): a retry answers the stored
 * message. Ordering: incrementing the conversation's counter takes its row
 * lock and gives the next seq, and the message is inserted in the same
 * transaction, so seqs are gap-free and unique under any number of parallel
 * sends; parallel retries of one clientId queue on the same lock, and a later
 * one finds the client id taken, rolls back (its seq with it) and answers the
 * first one's message. The durable `messages.message.sent` is written in that
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
import { listMembers, sendContext, type MemberRow } from "../store/conversations";
import { findByClientId, findMessage, insertNext, seqExists, type MessageRow } from "../store/messages";
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

	const { conversation, members, earlierId } = await sendContext(db, conversationId, me, input.clientId);
	const member = members.find(m => m.userId === me);
	if (!member || !conversation) throw MessagesError.conversationNotFound();
	// A retry of a send that already landed: the same message, nothing sent again.
	if (earlierId) return replay(rt, (await findMessage(db, earlierId))!, me);

	const others = members.filter(m => m.userId !== me);
	// Direct conversations follow the recipient's current wishes (blocks, whoCanMessage) at every send;
	// in groups they were checked when each member was added.
	const recipient = conversation.kind === "direct" ? others[0] : undefined;
	const [answer, cards] = await Promise.all([recipient ? canMessage(rt.broker, me, recipient.userId) : null, profiles(rt.broker, [me])]);
	if (recipient && answer && !answer.allowed) throw MessagesError.notAllowed(recipient.userId, answer.reason ?? "nobody");
	if (input.replyToSeq !== undefined && input.replyToSeq !== null && !(await seqExists(db, conversationId, input.replyToSeq, member.joinedSeq)))
		throw unprocessable("The message replied to is not in this conversation", "REPLY_NOT_FOUND");
	// Claiming is idempotent for the same ref, so a send that fails after it can be retried.
	if (content.fileIds.length) await claimFiles(rt.broker, me, content.fileIds, fileRef(conversationId));
	const sender = cards[me];
	// Members who would start an unread streak with this message: skip those watching their socket.
	const candidates = others.filter(m => !m.muted && m.readSeq >= conversation.lastSeq).map(m => m.userId);
	const online = await onlineAmong(rt.broker, candidates, rt.logger);

	let result: { row: MessageRow; members: MemberRow[] };
	try {
		result = await inTransaction(rt.sequelize, async t => {
			const tdb = { sequelize: rt.sequelize, t };
			// Takes the conversation's row lock: sends to one conversation queue here, in seq order.
			const { counted, row } = await insertNext(tdb, {
				id: newId(),
				conversationId,
				senderId: me,
				clientId: input.clientId,
				text: content.text,
				fileIds: content.fileIds,
				embed: content.embed,
				replyToSeq: input.replyToSeq ?? null
			});
			if (!counted) throw MessagesError.conversationNotFound();
			// A parallel retry committed first (we waited for its lock): roll back, seq included.
			if (!row) throw new AlreadySent();
			const seq = row.seq;
			// Read under the lock, in a statement of its own: removals and read markers committed while we waited count.
			const current = await listMembers(tdb, [conversationId]);
			if (!current.some(m => m.userId === me)) throw MessagesError.conversationNotFound();
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
			return { row, members: current };
		});
	} catch (err) {
		if (!(err instanceof AlreadySent)) throw err;
		return replay(rt, (await findByClientId(db, conversationId, me, input.clientId))!, me);
	}

	const [message] = await messageViews(rt, [result.row], me, { fresh: true });
	// Every member's sockets, the sender's other devices included.
	push(rt.broker, result.members.map(m => m.userId), { type: "message.new", data: message });
	return { message, created: true };
}

/** Rolls back a send whose client id is already taken. */
class AlreadySent extends Error {}

async function replay(rt: MessagesRuntime, row: MessageRow, me: string): Promise<{ message: MessageView; created: false }> {
	return { message: (await messageViews(rt, [row], me))[0], created: false };
}

