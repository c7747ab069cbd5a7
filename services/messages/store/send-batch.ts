/**
 * Many sends in one statement (group commit, flows/send-batch.ts): what
 * store/messages.ts `sendInOneStatement` does for one message, for a batch
 * of messages to any number of conversations, in one round trip and one
 * commit. Each conversation's counter moves by its number of messages in the
 * batch, and its messages take the seqs in batch order; the conversations
 * are locked in id order (two batches never wait for each other crosswise).
 *
 * All or nothing: when any message of the batch would be refused (its
 * conversation is gone, its sender is no longer a member, its client id is
 * taken) the statement raises and rolls back whole, counters included, and
 * the caller sends each message alone, where the refusal is that message's
 * own answer. Refusals are rare (a send is checked before it is queued), so a
 * batch almost always lands whole.
 */
import { prepared, runPrepared } from "../../../lib/db/prepared";
import { uuidArray, type Db } from "../../../lib/db/sql";
import { COLUMNS, SendAborted, type MessageRow, type SendOutcome } from "./messages";

export type BatchedSend = Pick<MessageRow, "id" | "conversationId" | "senderId" | "clientId" | "text" | "fileIds" | "embed" | "replyToSeq"> & {
	/** Complete but for data.seq and data.recipientIds, which the statement fills in. */
	envelope: { id: string; type: string };
};

/** Outcomes in the order of `sends`; `online`: members seen on a socket (none of them is notified). */
export async function sendBatchInOneStatement(db: Db, sends: BatchedSend[], online: string[]): Promise<SendOutcome[]> {
	type Result = MessageRow & { checked: boolean; memberIds: string[]; notified: string[] | null };
	let rows: Result[];
	try {
		rows = await runPrepared<Result>(db, SEND_BATCH, [
			uuidArray(sends.map(s => s.conversationId)),
			uuidArray(sends.map(s => s.id)),
			uuidArray(sends.map(s => s.senderId)),
			sends.map(s => s.clientId),
			sends.map(s => s.text),
			sends.map(s => uuidArray(s.fileIds)),
			sends.map(s => (s.embed ? JSON.stringify(s.embed) : null)),
			sends.map(s => s.replyToSeq),
			uuidArray(sends.map(s => s.envelope.id)),
			sends.map(s => JSON.stringify(s.envelope)),
			uuidArray(online)
		]);
	} catch (err) {
		if ((err as { parent?: { hint?: string } }).parent?.hint === "batch_refused") throw new SendAborted("batch_refused");
		throw err;
	}
	const byId = new Map(rows.map(({ checked: _checked, memberIds, notified, ...row }) => [row.id, { row: row as MessageRow, memberIds, notified: notified ?? [] }]));
	return sends.map(s => byId.get(s.id) as SendOutcome);
}

/**
 * $1 conversations, $2 message ids, $3 senders, $4 client ids, $5 texts, $6 file ids (array literals),
 * $7 embeds (JSON), $8 reply-to seqs, $9 event ids, $10 envelopes (JSON), $11 online member ids; $1–$10
 * one element per message, in batch order. The steps are the single send's (store/messages.ts), per
 * conversation; a member's read marker before a message counts their own earlier messages of the batch
 * (sending moves the sender's marker), so a message starts someone's unread streak exactly as it would
 * have sent alone in that order.
 */
const SEND_BATCH = prepared(
	"messages_send_batch",
	`WITH req AS (
		SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::uuid[], $10::text[]) WITH ORDINALITY
			AS r(conversation_id, id, sender_id, client_id, text, file_ids, embed, reply_to_seq, event_id, envelope, ord)
	), n AS (
		SELECT conversation_id, count(*) AS n FROM req GROUP BY conversation_id
	), c AS (
		UPDATE messages.conversations cv SET last_seq = cv.last_seq + n.n, last_version = cv.last_version + n.n, activity_at = now()
		FROM n
		WHERE cv.id = n.conversation_id
			AND cv.id IN (SELECT l.id FROM messages.conversations l WHERE l.id = ANY($1::uuid[]) ORDER BY l.id FOR NO KEY UPDATE)
		RETURNING cv.id, cv.last_seq - n.n AS base_seq, cv.last_version - n.n AS base_version
	), mem AS (
		SELECT mb.conversation_id, mb.user_id, mb.read_seq, mb.muted FROM messages.members mb JOIN c ON mb.conversation_id = c.id FOR KEY SHARE OF mb
	), numbered AS (
		SELECT req.*, c.base_seq + row_number() OVER w AS seq, c.base_version + row_number() OVER w AS version
		FROM req JOIN c ON c.id = req.conversation_id
		WINDOW w AS (PARTITION BY req.conversation_id ORDER BY req.ord)
	), m AS (
		INSERT INTO messages.messages (id, conversation_id, seq, version, sender_id, client_id, text, file_ids, embed, reply_to_seq)
		SELECT x.id, x.conversation_id, x.seq, x.version, x.sender_id, x.client_id, x.text, x.file_ids::uuid[], x.embed::jsonb, x.reply_to_seq
		FROM numbered x WHERE EXISTS (SELECT 1 FROM mem WHERE mem.conversation_id = x.conversation_id AND mem.user_id = x.sender_id)
		ON CONFLICT (conversation_id, sender_id, client_id) DO NOTHING
		RETURNING *
	), marked AS (
		UPDATE messages.members mb SET read_seq = s.seq
		FROM (SELECT conversation_id, sender_id, max(seq) AS seq FROM m GROUP BY conversation_id, sender_id) s
		WHERE mb.conversation_id = s.conversation_id AND mb.user_id = s.sender_id
	), rcpt AS (
		SELECT m.id, array_agg(mem.user_id::text ORDER BY mem.user_id) AS ids
		FROM m JOIN mem ON mem.conversation_id = m.conversation_id
		WHERE mem.user_id <> m.sender_id AND NOT mem.muted AND NOT mem.user_id = ANY($11::uuid[])
			AND greatest(mem.read_seq, (SELECT max(o.seq) FROM m o WHERE o.conversation_id = m.conversation_id AND o.sender_id = mem.user_id AND o.seq < m.seq)) >= m.seq - 1
		GROUP BY m.id
	), ev AS (
		INSERT INTO messages.outbox (id, type, envelope)
		SELECT req.event_id, req.envelope::jsonb->>'type', jsonb_set(jsonb_set(req.envelope::jsonb, '{data,seq}', to_jsonb(m.seq)), '{data,recipientIds}', to_jsonb(rcpt.ids))
		FROM m JOIN rcpt ON rcpt.id = m.id JOIN req ON req.id = m.id
		RETURNING 1
	), members AS (
		SELECT conversation_id, array_agg(user_id::text) AS ids FROM mem GROUP BY conversation_id
	)
	SELECT
		CASE
			WHEN (SELECT count(*) FROM m) <> (SELECT count(*) FROM req) THEN messages.abort_send('batch_refused')
			ELSE EXISTS (SELECT 1 FROM ev) OR true
		END AS checked,
		members.ids AS "memberIds", rcpt.ids AS notified, ${COLUMNS}
	FROM (SELECT 1) AS one
	LEFT JOIN (m JOIN members ON members.conversation_id = m.conversation_id LEFT JOIN rcpt ON rcpt.id = m.id) ON true`
);
