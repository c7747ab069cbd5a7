/** Messages (SQL). A deleted message keeps its row and seq (the tombstone) without content. */
import type { Embed } from "../rules/message-input";
import type { HistoryQuery } from "../rules/history";
import { prepared, runPrepared } from "../../../lib/db/prepared";
import { select, uuidArray, type Db } from "../../../lib/db/sql";

export interface MessageRow {
	id: string;
	conversationId: string;
	seq: number;
	senderId: string;
	clientId: string;
	text: string | null;
	fileIds: string[];
	embed: Embed | null;
	replyToSeq: number | null;
	/** The conversation version of this message's latest change. */
	version: number;
	createdAt: Date;
	editedAt: Date | null;
	deletedAt: Date | null;
}

export const COLUMNS = `m.id, m.conversation_id AS "conversationId", m.seq::int AS seq, m.sender_id AS "senderId", m.client_id AS "clientId", m.text,
	m.file_ids AS "fileIds", m.embed, m.reply_to_seq::int AS "replyToSeq", m.version::int AS version, m.created_at AS "createdAt", m.edited_at AS "editedAt", m.deleted_at AS "deletedAt"`;

/** A send the statement refused, rolling everything back (the seq too). */
export class SendAborted extends Error {
	constructor(readonly reason: "not_member" | "client_id_taken" | "batch_refused") {
		super(`send aborted: ${reason}`);
	}
}

export interface SendOutcome {
	row: MessageRow;
	/** Every member under the lock: who gets the frame. */
	memberIds: string[];
	/** Members the outbox event names (empty: no event written). */
	notified: string[];
}

/**
 * A whole send in one statement, so the conversation's row lock is held for
 * that statement only:
 *   1. next seq and version of the conversation (takes its row lock; sends queue here),
 *   2. its members, locked FOR KEY SHARE after that, so their latest read markers are seen
 *      and a member removed meanwhile is gone (removals also lock the conversation first),
 *   3. the message, if the sender is a member and has not used this client id here,
 *   4. the sender's read marker moved to it,
 *   5. `messages.message.sent` in the outbox for the members to notify: not the sender, not
 *      muted, not online (`online`, asked of the gateways before), and starting an unread
 *      streak (read everything before this message). `envelope` is complete but for
 *      data.seq and data.recipientIds, filled in here.
 * A refused send raises (messages.abort_send) and the statement rolls back, counter
 * included: SendAborted. Null when the conversation does not exist.
 */
export async function sendInOneStatement(
	db: Db,
	m: Pick<MessageRow, "id" | "conversationId" | "senderId" | "clientId" | "text" | "fileIds" | "embed" | "replyToSeq"> & {
		online: string[];
		envelope: { id: string; type: string };
	}
): Promise<SendOutcome | null> {
	type Result = MessageRow & { found: boolean; checked: boolean; memberIds: string[]; notified: string[] | null };
	let result: Result;
	try {
		[result] = await runPrepared<Result>(db, SEND, [
			m.conversationId,
			m.id,
			m.senderId,
			m.clientId,
			m.text,
			uuidArray(m.fileIds),
			m.embed ? JSON.stringify(m.embed) : null,
			m.replyToSeq,
			uuidArray(m.online),
			m.envelope.id,
			m.envelope.type,
			JSON.stringify(m.envelope)
		]);
	} catch (err) {
		const hint = (err as { parent?: { hint?: string } }).parent?.hint;
		if (hint === "not_member" || hint === "client_id_taken") throw new SendAborted(hint);
		throw err;
	}
	const { found, checked, memberIds, notified, ...row } = result;
	if (!found) return null;
	// `checked` only made the statement evaluate its refusals; `row` is the message.
	void checked;
	return { row: row as MessageRow, memberIds, notified: notified ?? [] };
}

/**
 * The send statement, prepared once per connection (lib/db/prepared.ts): the
 * busiest statement of the domain, which PostgreSQL would otherwise parse and
 * plan on every send. $1 conversation, $2 message id, $3 sender, $4 client id,
 * $5 text, $6 file ids, $7 embed, $8 reply-to seq, $9 online member ids,
 * $10 event id, $11 event type, $12 envelope.
 */
const SEND = prepared(
	"messages_send",
	`WITH c AS (
		UPDATE messages.conversations SET last_seq = last_seq + 1, last_version = last_version + 1, activity_at = now()
		WHERE id = $1::uuid
		RETURNING id, last_seq, last_version
	), mem AS (
		SELECT mb.user_id, mb.read_seq, mb.muted FROM messages.members mb JOIN c ON mb.conversation_id = c.id FOR KEY SHARE OF mb
	), m AS (
		INSERT INTO messages.messages (id, conversation_id, seq, version, sender_id, client_id, text, file_ids, embed, reply_to_seq)
		SELECT $2::uuid, c.id, c.last_seq, c.last_version, $3::uuid, $4::text, $5::text, $6::uuid[], $7::jsonb, $8::bigint
		FROM c WHERE EXISTS (SELECT 1 FROM mem WHERE mem.user_id = $3::uuid)
		ON CONFLICT (conversation_id, sender_id, client_id) DO NOTHING
		RETURNING *
	), marked AS (
		UPDATE messages.members mb SET read_seq = m.seq FROM m WHERE mb.conversation_id = m.conversation_id AND mb.user_id = $3::uuid
	), rcpt AS (
		SELECT coalesce(array_agg(mem.user_id::text ORDER BY mem.user_id), '{}') AS ids FROM mem, m
		WHERE mem.user_id <> $3::uuid AND NOT mem.muted AND mem.read_seq >= m.seq - 1 AND NOT mem.user_id = ANY($9::uuid[])
	), ev AS (
		INSERT INTO messages.outbox (id, type, envelope)
		SELECT $10::uuid, $11::text, jsonb_set(jsonb_set($12::jsonb, '{data,seq}', to_jsonb(m.seq)), '{data,recipientIds}', to_jsonb(rcpt.ids))
		FROM m, rcpt WHERE cardinality(rcpt.ids) > 0
		RETURNING 1
	)
	SELECT
		EXISTS (SELECT 1 FROM c) AS found,
		CASE
			WHEN NOT EXISTS (SELECT 1 FROM c) THEN false
			WHEN NOT EXISTS (SELECT 1 FROM mem WHERE mem.user_id = $3::uuid) THEN messages.abort_send('not_member')
			WHEN NOT EXISTS (SELECT 1 FROM m) THEN messages.abort_send('client_id_taken')
			ELSE EXISTS (SELECT 1 FROM ev)
		END AS checked,
		(SELECT coalesce(array_agg(mem.user_id::text), '{}') FROM mem) AS "memberIds",
		(SELECT ids FROM rcpt) AS notified,
		${COLUMNS}
	FROM (SELECT 1) AS one LEFT JOIN m ON true`
);

export async function findByClientId(db: Db, conversationId: string, senderId: string, clientId: string): Promise<MessageRow | null> {
	const [row] = await select<MessageRow>(
		db,
		`SELECT ${COLUMNS} FROM messages.messages m WHERE m.conversation_id = :conversationId AND m.sender_id = :senderId AND m.client_id = :clientId`,
		{ conversationId, senderId, clientId }
	);
	return row ?? null;
}

export async function findMessage(db: Db, id: string, lock = false): Promise<MessageRow | null> {
	const [row] = await select<MessageRow>(db, `SELECT ${COLUMNS} FROM messages.messages m WHERE m.id = :id${lock ? " FOR UPDATE" : ""}`, { id });
	return row ?? null;
}

export async function seqExists(db: Db, conversationId: string, seq: number, afterSeq: number): Promise<boolean> {
	const rows = await select(db, `SELECT 1 FROM messages.messages WHERE conversation_id = :conversationId AND seq = :seq AND seq > :afterSeq`, { conversationId, seq, afterSeq });
	return rows.length > 0;
}

/** limit + 1 rows in the query's order (rules/history.ts turns them into an ascending page). */
export async function historyRows(db: Db, conversationId: string, q: HistoryQuery): Promise<MessageRow[]> {
	return select<MessageRow>(
		db,
		`SELECT ${COLUMNS} FROM messages.messages m
		 WHERE m.conversation_id = :conversationId AND m.seq > :after ${q.before !== null ? "AND m.seq < :before" : ""}
		 ORDER BY m.seq ${q.from === "oldest" ? "ASC" : "DESC"} LIMIT :limit`,
		{ conversationId, after: q.after, before: q.before, limit: q.limit + 1 }
	);
}

/** The message at each conversation's last seq (one query for a page of the conversation list). */
export async function messagesAt(db: Db, pairs: { conversationId: string; seq: number }[]): Promise<MessageRow[]> {
	if (pairs.length === 0) return [];
	return select<MessageRow>(
		db,
		`SELECT ${COLUMNS} FROM messages.messages m
		 JOIN unnest(:ids::uuid[], :seqs::bigint[]) AS p(conversation_id, seq) ON p.conversation_id = m.conversation_id AND p.seq = m.seq`,
		{ ids: `{${pairs.map(p => p.conversationId).join(",")}}`, seqs: `{${pairs.map(p => p.seq).join(",")}}` }
	);
}

export async function updateText(db: Db, id: string, text: string, version: number): Promise<MessageRow> {
	const [row] = await select<MessageRow>(db, `UPDATE messages.messages m SET text = :text, edited_at = now(), version = :version WHERE m.id = :id RETURNING ${COLUMNS}`, {
		id,
		text,
		version
	});
	return row;
}

/** Empties a message (reactions too), keeping its seq; answers the tombstone. */
export async function tombstone(db: Db, id: string, version: number): Promise<MessageRow> {
	await select(db, `DELETE FROM messages.reactions WHERE message_id = :id RETURNING 1`, { id });
	const [row] = await select<MessageRow>(
		db,
		`UPDATE messages.messages m SET text = NULL, file_ids = '{}', embed = NULL, deleted_at = now(), version = :version WHERE m.id = :id RETURNING ${COLUMNS}`,
		{ id, version }
	);
	return row;
}

/** Marks a message changed (a reaction came or went) at this version. */
export async function touch(db: Db, id: string, version: number): Promise<MessageRow> {
	const [row] = await select<MessageRow>(db, `UPDATE messages.messages m SET version = :version WHERE m.id = :id RETURNING ${COLUMNS}`, { id, version });
	return row;
}

/** Messages changed after `afterVersion` (new, edited, deleted, reacted to), in version order; limit + 1 rows. */
export async function changedRows(db: Db, conversationId: string, afterVersion: number, afterSeq: number, limit: number): Promise<MessageRow[]> {
	return select<MessageRow>(
		db,
		`SELECT ${COLUMNS} FROM messages.messages m
		 WHERE m.conversation_id = :conversationId AND m.version > :afterVersion AND m.seq > :afterSeq
		 ORDER BY m.version LIMIT :limit`,
		{ conversationId, afterVersion, afterSeq, limit: limit + 1 }
	);
}

export interface Reaction {
	emoji: string;
	userIds: string[];
}

/** Reactions per message: each emoji with who chose it, most chosen first. */
export async function reactionsOf(db: Db, messageIds: string[]): Promise<Map<string, Reaction[]>> {
	const out = new Map<string, Reaction[]>();
	if (messageIds.length === 0) return out;
	const rows = await select<{ messageId: string; emoji: string; userIds: string[] }>(
		db,
		`SELECT message_id AS "messageId", emoji, array_agg(user_id::text ORDER BY created_at, user_id) AS "userIds"
		 FROM messages.reactions WHERE message_id = ANY(:ids::uuid[])
		 GROUP BY message_id, emoji ORDER BY message_id, count(*) DESC, min(created_at)`,
		{ ids: `{${messageIds.join(",")}}` }
	);
	for (const r of rows) {
		const list = out.get(r.messageId) ?? [];
		list.push({ emoji: r.emoji, userIds: r.userIds });
		out.set(r.messageId, list);
	}
	return out;
}

/** Sets my reaction (replacing a previous one); false when it was already this emoji. */
export async function setReaction(db: Db, messageId: string, userId: string, emoji: string): Promise<boolean> {
	const rows = await select(
		db,
		`INSERT INTO messages.reactions (message_id, user_id, emoji) VALUES (:messageId, :userId, :emoji)
		 ON CONFLICT (message_id, user_id) DO UPDATE SET emoji = EXCLUDED.emoji, created_at = now()
		 WHERE messages.reactions.emoji IS DISTINCT FROM EXCLUDED.emoji
		 RETURNING 1`,
		{ messageId, userId, emoji }
	);
	return rows.length > 0;
}

export async function removeReaction(db: Db, messageId: string, userId: string): Promise<boolean> {
	const rows = await select(db, `DELETE FROM messages.reactions WHERE message_id = :messageId AND user_id = :userId RETURNING 1`, { messageId, userId });
	return rows.length > 0;
}


