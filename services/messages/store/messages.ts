/** Messages (SQL). A deleted message keeps its row and seq (the tombstone) without content. */
import type { Embed } from "../rules/message-input";
import type { HistoryQuery } from "../rules/history";
import { select, type Db } from "./sql";

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
	createdAt: Date;
	editedAt: Date | null;
	deletedAt: Date | null;
}

const COLUMNS = `m.id, m.conversation_id AS "conversationId", m.seq::int AS seq, m.sender_id AS "senderId", m.client_id AS "clientId", m.text,
	m.file_ids AS "fileIds", m.embed, m.reply_to_seq::int AS "replyToSeq", m.created_at AS "createdAt", m.edited_at AS "editedAt", m.deleted_at AS "deletedAt"`;

/**
 * Inserts a message and moves its sender's read marker to it, in one round
 * trip; null when the sender already has a message with this client id in
 * the conversation (nothing is written then).
 */
export async function insertMessage(db: Db, m: Omit<MessageRow, "createdAt" | "editedAt" | "deletedAt">): Promise<MessageRow | null> {
	const [row] = await select<MessageRow>(
		db,
		`WITH m AS (
			INSERT INTO messages.messages (id, conversation_id, seq, sender_id, client_id, text, file_ids, embed, reply_to_seq)
			VALUES (:id, :conversationId, :seq, :senderId, :clientId, :text, :fileIds::uuid[], :embed::jsonb, :replyToSeq)
			ON CONFLICT (conversation_id, sender_id, client_id) DO NOTHING
			RETURNING *
		), marked AS (
			UPDATE messages.members SET read_seq = :seq
			WHERE conversation_id = :conversationId AND user_id = :senderId AND EXISTS (SELECT 1 FROM m)
		)
		SELECT ${COLUMNS} FROM m`,
		{ ...m, fileIds: `{${m.fileIds.join(",")}}`, embed: m.embed ? JSON.stringify(m.embed) : null }
	);
	return row ?? null;
}

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

export async function updateText(db: Db, id: string, text: string): Promise<MessageRow> {
	const [row] = await select<MessageRow>(db, `UPDATE messages.messages m SET text = :text, edited_at = now() WHERE m.id = :id RETURNING ${COLUMNS}`, { id, text });
	return row;
}

/** Empties a message, keeping its seq; answers the tombstone. */
export async function tombstone(db: Db, id: string): Promise<MessageRow> {
	const [row] = await select<MessageRow>(
		db,
		`UPDATE messages.messages m SET text = NULL, file_ids = '{}', embed = NULL, deleted_at = now() WHERE m.id = :id RETURNING ${COLUMNS}`,
		{ id }
	);
	return row;
}


