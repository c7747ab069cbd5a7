/**
 * Sending a message (DESIGN.md §6.5).
 *
 * Idempotent on (conversation, sender, clientId): a retry answers the stored
 * message. The write is one statement, hence one transaction, shared with
 * the sends that queued meanwhile (group commit, flows/send-batch.ts;
 * store/messages.ts sendInOneStatement for one, store/send-batch.ts for many): incrementing the conversation's counter takes its
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
import { findByClientId, findMessage, seqExists, type MessageRow } from "../store/messages";
import { messageViews, type MessageView, type ProfileCard } from "../view";
import { canMessage, claimFiles, profiles, push } from "./peers";
import { checkEmbed } from "./cards";
import { onlineAmong } from "./presence";
import { queueSend } from "./send-batch";

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

	const facts = await sendFacts(rt, conversationId, me, input.clientId);
	if (!facts) throw MessagesError.conversationNotFound();
	// A retry of a send that already landed: the same message, nothing sent again.
	if (facts.earlierId) return replay(rt, (await findMessage(db, facts.earlierId))!, me);

	let checked: { online: Set<string>; sender: ProfileCard | undefined };
	try {
		checked = await checkSend(rt, me, conversationId, facts, content, input.replyToSeq ?? null);
	} catch (err) {
		// From memory nothing told a retry of a send that already landed apart before the checks:
		// it is answered with that message as it would have been, whatever the checks say now.
		const earlier = facts.fromMemory ? await findByClientId(db, conversationId, me, input.clientId) : null;
		if (earlier) return replay(rt, earlier, me);
		throw err;
	}
	const { online, sender } = checked;

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
			kind: facts.kind,
			title: facts.title,
			recipientIds: []
		},
		me
	);
	const sent = await queueSend(rt, {
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
	});
	// A parallel retry (or its twin in the batch) stored it first: its message.
	if (!sent.created) return replay(rt, sent.row, me);

	const [message] = await messageViews(rt, [sent.row], me, { fresh: true });
	// Every member's sockets, the sender's other devices included.
	push(rt.broker, sent.memberIds, { type: "message.new", data: message });
	return { message, created: true };
}

/**
 * Everything that may refuse a send before its statement, and what the
 * statement needs from other domains: who is online and the sender's card.
 */
async function checkSend(
	rt: MessagesRuntime,
	me: string,
	conversationId: string,
	facts: SendFacts,
	content: { fileIds: string[]; embed: Embed | null },
	replyToSeq: number | null
): Promise<{ online: Set<string>; sender: ProfileCard | undefined }> {
	const others = facts.members.filter(m => m.userId !== me);
	// Direct conversations follow the recipient's current wishes (blocks, whoCanMessage) at every send;
	// in groups they were checked when each member was added.
	const recipient = facts.kind === "direct" ? others[0] : undefined;
	// Members who would start an unread streak with this message (every other member when the markers were
	// not read): skip those watching their socket. Asked alongside the checks; a refused send only asked.
	const candidates = others.filter(m => m.readSeq === undefined || (!m.muted && startsUnreadStreak(m.readSeq, facts.lastSeq! + 1))).map(m => m.userId);
	const [answer, cards, , online] = await Promise.all([
		recipient ? canMessage(rt.broker, me, recipient.userId) : null,
		profiles(rt.broker, [me]),
		content.embed ? checkEmbed(rt.broker, content.embed, me) : null,
		onlineAmong(rt.broker, candidates, rt.logger)
	]);
	if (recipient && answer && !answer.allowed) throw MessagesError.notAllowed(recipient.userId, answer.reason ?? "nobody");
	if (replyToSeq !== null && !(await seqExists({ sequelize: rt.sequelize }, conversationId, replyToSeq, facts.joinedSeq)))
		throw unprocessable("The message replied to is not in this conversation", "REPLY_NOT_FOUND");
	// Claiming is idempotent for the same ref, so a send that fails after it can be retried.
	if (content.fileIds.length) await claimFiles(rt.broker, me, content.fileIds, fileRef(conversationId));
	return { online, sender: cards[me] };
}

interface SendFacts {
	kind: "direct" | "group";
	title: string | null;
	/** The sender's joining seq: replies reach back to it, no further. */
	joinedSeq: number;
	/** From memory (flows/direct-conversations.ts): no markers, no counter, no clientId looked up. */
	fromMemory: boolean;
	/** Null from memory (the statement reads the counter under its lock). */
	lastSeq: number | null;
	/** readSeq and muted only when just read from the database. */
	members: { userId: string; readSeq?: number; muted?: boolean }[];
	earlierId: string | null;
}

/**
 * What the send checks before its statement; null when the conversation does
 * not exist or the sender is not in it. A direct conversation seen before comes
 * from memory (flows/direct-conversations.ts): a retried clientId is then found
 * by the statement itself (client_id_taken, answered like a parallel retry) or,
 * when a check refuses it meanwhile (a block since), by looking it up then; and
 * the other member is a candidate for a notification whatever their marker
 * (the statement applies the markers under the lock).
 */
async function sendFacts(rt: MessagesRuntime, conversationId: string, me: string, clientId: string): Promise<SendFacts | null> {
	const known = rt.directConversations.get(conversationId);
	if (known) {
		const mine = known.members.find(m => m.userId === me);
		if (!mine) return null;
		return { kind: "direct", title: known.title, joinedSeq: mine.joinedSeq, fromMemory: true, lastSeq: null, members: known.members.map(m => ({ userId: m.userId })), earlierId: null };
	}
	const { conversation, members, earlierId } = await sendContext({ sequelize: rt.sequelize }, conversationId, me, clientId);
	const mine = members.find(m => m.userId === me);
	if (!conversation || !mine) return null;
	rt.directConversations.remember(conversation, members);
	return { kind: conversation.kind, title: conversation.title, joinedSeq: mine.joinedSeq, fromMemory: false, lastSeq: conversation.lastSeq, members, earlierId };
}

async function replay(rt: MessagesRuntime, row: MessageRow, me: string): Promise<{ message: MessageView; created: false }> {
	return { message: (await messageViews(rt, [row], me))[0], created: false };
}

