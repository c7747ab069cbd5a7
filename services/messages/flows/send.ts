/**
 * Sending a message (DESIGN.md §6.5).
 *
 * Idempotent on (conversation, sender, clientId): a retry answers the stored
 * message. The write is one statement (store/messages.ts sendInOneStatement),
 * hence one transaction: incrementing the conversation's counter takes its
 * row lock and gives the next seq, and the message is inserted with it, so
 * seqs are gap-free and unique under any number of parallel sends, and the
 * lock is held for that one statement only. Parallel retries of one clientId
 * queue on the same lock; a later one finds the client id taken, rolls back
 * (its seq with it) and answers the first one's message. The durable
 * `messages.message.sent` goes into the outbox in the same statement for the
 * members to notify: not the sender, not muted, not online (an open socket on
 * any gateway), and only at the start of an unread streak (everything before
 * this message was read: one notification per conversation until they read
 * it). Frames to open sockets go out after the commit.
 */
import { makeEnvelope } from "../../../lib/events/envelope";
import { newId } from "../../../lib/ids";
import { unprocessable } from "../../../lib/errors";
import { MessagesError } from "../errors";
import { fileRef } from "../rules/file-ref";
import { normalizeContent, type Embed } from "../rules/message-input";
import { startsUnreadStreak } from "../rules/read-marker";
import type { MessagesRuntime } from "../runtime";
import { sendContext } from "../store/conversations";
import { findByClientId, findMessage, SendAborted, sendInOneStatement, seqExists, type MessageRow, type SendOutcome } from "../store/messages";
import { messageViews, type MessageView } from "../view";
import { canMessage, claimFiles, profiles, push } from "./peers";
import { checkEmbed } from "./cards";
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
	const [answer, cards] = await Promise.all([
		recipient ? canMessage(rt.broker, me, recipient.userId) : null,
		profiles(rt.broker, [me]),
		content.embed ? checkEmbed(rt.broker, content.embed, me) : null
	]);
	if (recipient && answer && !answer.allowed) throw MessagesError.notAllowed(recipient.userId, answer.reason ?? "nobody");
	if (input.replyToSeq !== undefined && input.replyToSeq !== null && !(await seqExists(db, conversationId, input.replyToSeq, member.joinedSeq)))
		throw unprocessable("The message replied to is not in this conversation", "REPLY_NOT_FOUND");
	// Claiming is idempotent for the same ref, so a send that fails after it can be retried.
	if (content.fileIds.length) await claimFiles(rt.broker, me, content.fileIds, fileRef(conversationId));
	const sender = cards[me];
	// Members who would start an unread streak with this message: skip those watching their socket.
	const candidates = others.filter(m => !m.muted && startsUnreadStreak(m.readSeq, conversation.lastSeq + 1)).map(m => m.userId);
	const online = await onlineAmong(rt.broker, candidates, rt.logger);

	const id = newId();
	const envelope = makeEnvelope(
		"messages.message.sent",
		{
			messageId: id,
			conversationId,
			// seq and recipientIds are filled in by the send statement.
			seq: 0,
			senderId: me,
			sender: { username: sender?.username ?? "", displayName: sender?.displayName ?? "" },
			kind: conversation.kind,
			title: conversation.title,
			recipientIds: []
		},
		me
	);
	let outcome: SendOutcome | null;
	try {
		outcome = await retryOnDeadlock(() =>
			sendInOneStatement(db, {
				id,
				conversationId,
				senderId: me,
				clientId: input.clientId,
				text: content.text,
				fileIds: content.fileIds,
				embed: content.embed,
				replyToSeq: input.replyToSeq ?? null,
				online: [...online],
				envelope
			})
		);
	} catch (err) {
		if (!(err instanceof SendAborted)) throw err;
		// Left (or was removed) since the checks above.
		if (err.reason === "not_member") throw MessagesError.conversationNotFound();
		// A parallel retry stored it first: its message.
		return replay(rt, (await findByClientId(db, conversationId, me, input.clientId))!, me);
	}
	if (!outcome) throw MessagesError.conversationNotFound();
	if (outcome.notified.length) rt.kickOutbox();

	const [message] = await messageViews(rt, [outcome.row], me, { fresh: true });
	// Every member's sockets, the sender's other devices included.
	push(rt.broker, outcome.memberIds, { type: "message.new", data: message });
	return { message, created: true };
}

/** The statement is its own transaction; a deadlock (never expected: locks are taken conversation first) is retried. */
async function retryOnDeadlock<T>(work: () => Promise<T>): Promise<T> {
	for (let attempt = 0; ; attempt++) {
		try {
			return await work();
		} catch (err) {
			const code = (err as { parent?: { code?: string } }).parent?.code;
			if (attempt >= 3 || (code !== "40P01" && code !== "40001")) throw err;
			await new Promise(r => setTimeout(r, 5 * 2 ** attempt + Math.random() * 10));
		}
	}
}

async function replay(rt: MessagesRuntime, row: MessageRow, me: string): Promise<{ message: MessageView; created: false }> {
	return { message: (await messageViews(rt, [row], me))[0], created: false };
}

