/**
 * Editing and deleting messages. The message row is locked for the change;
 * members see the new state as a `message.updated` frame (a delete is
 * `deleted: true` with no text, files or embed: the tombstone keeps the seq,
 * so catching up by seq never meets a gap). A deleted message's attachments
 * are released to files (which removes files attached to nothing).
 */
import { inTransaction } from "../../../lib/db/transaction";
import { MessagesError } from "../errors";
import { decideDelete, decideEdit } from "../rules/edit";
import { fileRef } from "../rules/file-ref";
import { normalizeText } from "../rules/message-input";
import type { MessagesRuntime } from "../runtime";
import { findConversation, findMember, listMembers } from "../store/conversations";
import { findMessage, tombstone, updateText, type MessageRow } from "../store/messages";
import type { Db } from "../store/sql";
import { messageViews, type MessageView } from "../view";
import { push, releaseFiles } from "./peers";

/** The message (locked inside a transaction) if the caller is a member who may see it; else 404 either way. */
async function visibleMessage(db: Db, messageId: string, me: string) {
	const row = await findMessage(db, messageId, Boolean(db.t));
	if (!row) throw MessagesError.messageNotFound();
	const member = await findMember(db, row.conversationId, me);
	if (!member || row.seq <= member.joinedSeq) throw MessagesError.messageNotFound();
	const conversation = (await findConversation(db, row.conversationId))!;
	return { row, member, conversation };
}

export async function getMessage(rt: MessagesRuntime, me: string, messageId: string): Promise<MessageView> {
	const { row } = await visibleMessage({ sequelize: rt.sequelize }, messageId, me);
	return (await messageViews(rt.broker, [row], me))[0];
}

async function announce(rt: MessagesRuntime, row: MessageRow, me: string): Promise<MessageView> {
	const [view] = await messageViews(rt.broker, [row], me);
	const members = await listMembers({ sequelize: rt.sequelize }, [row.conversationId]);
	push(rt.broker, members.map(m => m.userId), { type: "message.updated", data: view });
	return view;
}

export async function editMessage(rt: MessagesRuntime, me: string, messageId: string, rawText: string): Promise<MessageView> {
	const text = normalizeText(rawText);
	if (text === null) throw MessagesError.emptyMessage();
	const row = await inTransaction(rt.sequelize, async t => {
		const db = { sequelize: rt.sequelize, t };
		const { row: current } = await visibleMessage(db, messageId, me);
		const refusal = decideEdit(
			{ senderId: current.senderId, createdAt: new Date(current.createdAt), deleted: current.deletedAt !== null, hasText: current.text !== null },
			me,
			new Date(),
			rt.cfg.editWindowMs
		);
		if (refusal === "not_sender") throw MessagesError.notSender();
		if (refusal === "deleted") throw MessagesError.messageDeleted();
		if (refusal === "window_closed") throw MessagesError.editWindowClosed();
		if (refusal === "no_text") throw MessagesError.noText();
		// The same text again changes nothing (a retried edit).
		if (current.text === text) return { row: current, changed: false };
		return { row: await updateText(db, messageId, text), changed: true };
	});
	if (!row.changed) return (await messageViews(rt.broker, [row.row], me))[0];
	return announce(rt, row.row, me);
}

/** Delete for everyone. Deleting a deleted message again changes nothing (idempotent). */
export async function deleteMessage(rt: MessagesRuntime, me: string, messageId: string): Promise<void> {
	const result = await inTransaction(rt.sequelize, async t => {
		const db = { sequelize: rt.sequelize, t };
		const { row, member, conversation } = await visibleMessage(db, messageId, me);
		if (decideDelete(row, me, { kind: conversation.kind, role: member.role })) throw MessagesError.deleteNotAllowed();
		if (row.deletedAt) return null;
		return { before: row, after: await tombstone(db, messageId) };
	});
	if (!result) return;
	if (result.before.fileIds.length) {
		try {
			await releaseFiles(rt.broker, result.before.fileIds, fileRef(result.before.conversationId));
		} catch (err) {
			// The tombstone holds; an unreleased file stays attached (private, members only) until an operator retries.
			rt.logger.warn("files.release failed for a deleted message", messageId, (err as Error).message);
		}
	}
	await announce(rt, result.after, me);
}
