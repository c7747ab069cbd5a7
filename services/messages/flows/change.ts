/**
 * Changes to existing messages: edits, deletes and reactions. The message
 * row is locked for the change, which takes the conversation's next version
 * (so `?changedAfter=` finds it); members see the new state as a
 * `message.updated` frame. A delete is `deleted: true` with no text, files,
 * embed or reactions: the tombstone keeps the seq, so catching up by seq never
 * meets a gap. A deleted message's attachments are released to files (which
 * removes files attached to nothing).
 */
import { inTransaction } from "../../../lib/db/transaction";
import { MessagesError } from "../errors";
import { decideDelete, decideEdit } from "../rules/edit";
import { fileRef } from "../rules/file-ref";
import { normalizeText } from "../rules/message-input";
import type { MessagesRuntime } from "../runtime";
import { findConversation, findMember, listMembers, nextVersion } from "../store/conversations";
import { findMessage, removeReaction, setReaction, tombstone, touch, updateText, type MessageRow } from "../store/messages";
import type { Db } from "../../../lib/db/sql";
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
	return (await messageViews(rt, [row], me))[0];
}

async function announce(rt: MessagesRuntime, row: MessageRow, me: string): Promise<MessageView> {
	const [view] = await messageViews(rt, [row], me);
	const members = await listMembers({ sequelize: rt.sequelize }, [row.conversationId]);
	push(rt.broker, members.map(m => m.userId), { type: "message.updated", data: view });
	return view;
}

/** Runs `change` on the locked message; a null answer means nothing changed (no new version, no frame). */
async function changeMessage(
	rt: MessagesRuntime,
	me: string,
	messageId: string,
	change: (db: Db, found: Awaited<ReturnType<typeof visibleMessage>>, version: () => Promise<number>) => Promise<MessageRow | null>
): Promise<{ row: MessageRow; changed: boolean }> {
	return inTransaction(rt.sequelize, async t => {
		const db = { sequelize: rt.sequelize, t };
		const found = await visibleMessage(db, messageId, me);
		const changed = await change(db, found, () => nextVersion(db, found.row.conversationId));
		return changed ? { row: changed, changed: true } : { row: found.row, changed: false };
	});
}

export async function editMessage(rt: MessagesRuntime, me: string, messageId: string, rawText: string): Promise<MessageView> {
	const text = normalizeText(rawText);
	if (text === null) throw MessagesError.emptyMessage();
	const result = await changeMessage(rt, me, messageId, async (db, { row }, version) => {
		const refusal = decideEdit(
			{ senderId: row.senderId, createdAt: new Date(row.createdAt), deleted: row.deletedAt !== null, hasText: row.text !== null },
			me,
			new Date(),
			rt.cfg.editWindowMs
		);
		if (refusal === "not_sender") throw MessagesError.notSender();
		if (refusal === "deleted") throw MessagesError.messageDeleted();
		if (refusal === "window_closed") throw MessagesError.editWindowClosed();
		if (refusal === "no_text") throw MessagesError.noText();
		// The same text again changes nothing (a retried edit).
		if (row.text === text) return null;
		return updateText(db, messageId, text, await version());
	});
	return result.changed ? announce(rt, result.row, me) : (await messageViews(rt, [result.row], me))[0];
}

/** Delete for everyone. Deleting a deleted message again changes nothing (idempotent). */
export async function deleteMessage(rt: MessagesRuntime, me: string, messageId: string): Promise<void> {
	const result = await changeMessage(rt, me, messageId, async (db, { row, member, conversation }, version) => {
		if (decideDelete(row, me, { kind: conversation.kind, role: member.role })) throw MessagesError.deleteNotAllowed();
		if (row.deletedAt) return null;
		const gone = await tombstone(db, messageId, await version());
		// The files it held, for the release after the commit.
		return { ...gone, fileIds: row.fileIds };
	});
	if (!result.changed) return;
	if (result.row.fileIds.length) {
		try {
			await releaseFiles(rt.broker, result.row.fileIds, fileRef(result.row.conversationId));
		} catch (err) {
			// The tombstone holds; an unreleased file stays attached (private, members only) until an operator retries.
			rt.logger.warn("files.release failed for a deleted message", messageId, (err as Error).message);
		}
	}
	await announce(rt, { ...result.row, fileIds: [] }, me);
}

/** My reaction to a message (one per member: another emoji replaces it). */
export async function react(rt: MessagesRuntime, me: string, messageId: string, emoji: string): Promise<MessageView> {
	const result = await changeMessage(rt, me, messageId, async (db, { row }, version) => {
		if (row.deletedAt) throw MessagesError.messageDeleted();
		if (!(await setReaction(db, messageId, me, emoji))) return null;
		return touch(db, messageId, await version());
	});
	return result.changed ? announce(rt, result.row, me) : (await messageViews(rt, [result.row], me))[0];
}

/** Takes my reaction back; nothing to take back is fine (idempotent). */
export async function unreact(rt: MessagesRuntime, me: string, messageId: string): Promise<void> {
	const result = await changeMessage(rt, me, messageId, async (db, { row }, version) => {
		if (row.deletedAt || !(await removeReaction(db, messageId, me))) return null;
		return touch(db, messageId, await version());
	});
	if (result.changed) await announce(rt, result.row, me);
}
