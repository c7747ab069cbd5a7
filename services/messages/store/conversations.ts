/** Conversations and their members (SQL). seq columns are BIGINT: read back as numbers. */
import { prepared, runPrepared } from "../../../lib/db/prepared";
import { execute, select, uuidArray, type Db } from "../../../lib/db/sql";

export type Kind = "direct" | "group";
export type Role = "admin" | "member";

export interface ConversationRow {
	id: string;
	kind: Kind;
	title: string | null;
	createdBy: string;
	lastSeq: number;
	/** The latest change (message, edit, delete, reaction): ?changedAfter= catches up from it. */
	lastVersion: number;
	activityAt: Date;
	createdAt: Date;
}

export interface MemberRow {
	conversationId: string;
	userId: string;
	role: Role;
	joinedSeq: number;
	readSeq: number;
	muted: boolean;
	joinedAt: Date;
}

const CONVERSATION_COLUMNS = `c.id, c.kind, c.title, c.created_by AS "createdBy", c.last_seq::int AS "lastSeq", c.last_version::int AS "lastVersion", c.activity_at AS "activityAt", c.created_at AS "createdAt"`;
const MEMBER_COLUMNS = `m.conversation_id AS "conversationId", m.user_id AS "userId", m.role, m.joined_seq::int AS "joinedSeq", m.read_seq::int AS "readSeq", m.muted, m.joined_at AS "joinedAt"`;

/** Creates the pair's conversation unless it exists; answers its id either way and whether it was created. */
export async function upsertDirect(db: Db, c: { id: string; pairKey: string; createdBy: string }): Promise<{ id: string; created: boolean }> {
	const inserted = await select<{ id: string }>(
		db,
		`INSERT INTO messages.conversations (id, kind, pair_key, created_by) VALUES (:id, 'direct', :pairKey, :createdBy)
		 ON CONFLICT (pair_key) WHERE pair_key IS NOT NULL DO NOTHING RETURNING id`,
		c
	);
	if (inserted.length) return { id: inserted[0].id, created: true };
	const [row] = await select<{ id: string }>(db, `SELECT id FROM messages.conversations WHERE pair_key = :pairKey`, c);
	return { id: row.id, created: false };
}

export async function insertGroup(db: Db, c: { id: string; title: string | null; createdBy: string }): Promise<void> {
	await execute(db, `INSERT INTO messages.conversations (id, kind, title, created_by) VALUES (:id, 'group', :title, :createdBy)`, c);
}

export async function insertMembers(db: Db, conversationId: string, members: { userId: string; role: Role; joinedSeq: number }[]): Promise<number> {
	if (members.length === 0) return 0;
	return execute(
		db,
		`INSERT INTO messages.members (conversation_id, user_id, role, joined_seq, read_seq)
		 SELECT :conversationId, u.id, u.role, u.seq, u.seq
		 FROM unnest(:ids::uuid[], :roles::text[], :seqs::bigint[]) AS u(id, role, seq)
		 ON CONFLICT DO NOTHING`,
		{
			conversationId,
			ids: uuidArray(members.map(m => m.userId)),
			roles: `{${members.map(m => m.role).join(",")}}`,
			seqs: `{${members.map(m => m.joinedSeq).join(",")}}`
		}
	);
}

export async function findConversation(db: Db, id: string): Promise<ConversationRow | null> {
	const [row] = await select<ConversationRow>(db, `SELECT ${CONVERSATION_COLUMNS} FROM messages.conversations c WHERE c.id = :id`, { id });
	return row ?? null;
}

/** The conversation row, locked until the transaction ends: sends, joins and leaves of one conversation queue here. */
export async function lockConversation(db: Db, id: string): Promise<ConversationRow | null> {
	const [row] = await select<ConversationRow>(db, `SELECT ${CONVERSATION_COLUMNS} FROM messages.conversations c WHERE c.id = :id FOR UPDATE`, { id });
	return row ?? null;
}

/** The next version for a change to an existing message (edit, delete, reaction); locks the conversation row like a send. */
export async function nextVersion(db: Db, id: string): Promise<number> {
	const [row] = await select<{ version: number }>(
		db,
		`UPDATE messages.conversations SET last_version = last_version + 1 WHERE id = :id RETURNING last_version::int AS version`,
		{ id }
	);
	return row.version;
}

/**
 * What a send checks before its transaction, in one round trip: the
 * conversation, its members, and whether this sender already used this
 * client id here (the id of that message). Prepared (lib/db/prepared.ts):
 * it runs on every send.
 */
export async function sendContext(
	db: Db,
	conversationId: string,
	senderId: string,
	clientId: string
): Promise<{ conversation: ConversationRow | null; members: MemberRow[]; earlierId: string | null }> {
	const [row] = await runPrepared<{ conversation: ConversationRow | null; members: MemberRow[] | null; earlierId: string | null }>(db, SEND_CONTEXT, [
		conversationId,
		senderId,
		clientId
	]);
	return { conversation: row.conversation, members: row.members ?? [], earlierId: row.earlierId };
}

const SEND_CONTEXT = prepared(
	"messages_send_context",
	`SELECT
		(SELECT row_to_json(x) FROM (SELECT ${CONVERSATION_COLUMNS} FROM messages.conversations c WHERE c.id = $1::uuid) x) AS conversation,
		(SELECT json_agg(x) FROM (SELECT ${MEMBER_COLUMNS} FROM messages.members m WHERE m.conversation_id = $1::uuid) x) AS members,
		(SELECT id FROM messages.messages WHERE conversation_id = $1::uuid AND sender_id = $2::uuid AND client_id = $3::text) AS "earlierId"`
);

export async function findMember(db: Db, conversationId: string, userId: string): Promise<MemberRow | null> {
	const [row] = await select<MemberRow>(db, `SELECT ${MEMBER_COLUMNS} FROM messages.members m WHERE m.conversation_id = :conversationId AND m.user_id = :userId`, {
		conversationId,
		userId
	});
	return row ?? null;
}

export async function listMembers(db: Db, conversationIds: string[]): Promise<MemberRow[]> {
	if (conversationIds.length === 0) return [];
	return select<MemberRow>(db, `SELECT ${MEMBER_COLUMNS} FROM messages.members m WHERE m.conversation_id = ANY(:ids::uuid[]) ORDER BY m.joined_at, m.user_id`, {
		ids: uuidArray(conversationIds)
	});
}

export async function removeMember(db: Db, conversationId: string, userId: string): Promise<boolean> {
	return (await execute(db, `DELETE FROM messages.members WHERE conversation_id = :conversationId AND user_id = :userId`, { conversationId, userId })) > 0;
}

export async function setRole(db: Db, conversationId: string, userId: string, role: Role): Promise<void> {
	await execute(db, `UPDATE messages.members SET role = :role WHERE conversation_id = :conversationId AND user_id = :userId`, { conversationId, userId, role });
}

export async function setMuted(db: Db, conversationId: string, userId: string, muted: boolean): Promise<boolean> {
	return (await execute(db, `UPDATE messages.members SET muted = :muted WHERE conversation_id = :conversationId AND user_id = :userId`, { conversationId, userId, muted })) > 0;
}

/** Moves a marker forward only (never past the last message): the new marker, or null when the member is gone. */
export async function advanceReadSeq(db: Db, conversationId: string, userId: string, seq: number): Promise<{ readSeq: number; lastSeq: number; moved: boolean } | null> {
	const [row] = await select<{ readSeq: number; lastSeq: number; before: number }>(
		db,
		`WITH prev AS (
			SELECT m.read_seq FROM messages.members m WHERE m.conversation_id = :conversationId AND m.user_id = :userId
		), upd AS (
			UPDATE messages.members m SET read_seq = GREATEST(m.read_seq, LEAST(:seq::bigint, c.last_seq))
			FROM messages.conversations c
			WHERE m.conversation_id = :conversationId AND m.user_id = :userId AND c.id = m.conversation_id
			RETURNING m.read_seq, c.last_seq
		)
		SELECT upd.read_seq::int AS "readSeq", upd.last_seq::int AS "lastSeq", prev.read_seq::int AS before FROM upd, prev`,
		{ conversationId, userId, seq }
	);
	return row ? { readSeq: row.readSeq, lastSeq: row.lastSeq, moved: row.readSeq > row.before } : null;
}

/** A page of my conversations, most recent activity first (keyset on activity_at, id). */
export async function pageMyConversations(db: Db, userId: string, after: [string, string] | null, limit: number): Promise<(ConversationRow & { me: MemberRow })[]> {
	const rows = await select<ConversationRow & { meRole: Role; meJoinedSeq: number; meReadSeq: number; meMuted: boolean; meJoinedAt: Date }>(
		db,
		`SELECT ${CONVERSATION_COLUMNS}, m.role AS "meRole", m.joined_seq::int AS "meJoinedSeq", m.read_seq::int AS "meReadSeq", m.muted AS "meMuted", m.joined_at AS "meJoinedAt"
		 FROM messages.members m JOIN messages.conversations c ON c.id = m.conversation_id
		 WHERE m.user_id = :userId ${after ? "AND (c.activity_at, c.id) < (:at::timestamptz, :id::uuid)" : ""}
		 ORDER BY c.activity_at DESC, c.id DESC
		 LIMIT :limit`,
		{ userId, limit, at: after?.[0] ?? null, id: after?.[1] ?? null }
	);
	return rows.map(r => ({
		id: r.id,
		kind: r.kind,
		title: r.title,
		createdBy: r.createdBy,
		lastSeq: r.lastSeq,
		lastVersion: r.lastVersion,
		activityAt: r.activityAt,
		createdAt: r.createdAt,
		me: { conversationId: r.id, userId, role: r.meRole, joinedSeq: r.meJoinedSeq, readSeq: r.meReadSeq, muted: r.meMuted, joinedAt: r.meJoinedAt }
	}));
}

/** Users who turned read receipts off (the others' markers are shown and pushed). */
export async function receiptsOff(db: Db, userIds: string[]): Promise<Set<string>> {
	if (userIds.length === 0) return new Set();
	const rows = await select<{ userId: string }>(db, `SELECT user_id AS "userId" FROM messages.settings WHERE user_id = ANY(:ids::uuid[]) AND NOT read_receipts`, {
		ids: uuidArray(userIds)
	});
	return new Set(rows.map(r => r.userId));
}

export async function readSettings(db: Db, userId: string): Promise<{ readReceipts: boolean }> {
	const [row] = await select<{ readReceipts: boolean }>(db, `SELECT read_receipts AS "readReceipts" FROM messages.settings WHERE user_id = :userId`, { userId });
	return { readReceipts: row?.readReceipts ?? true };
}

export async function writeSettings(db: Db, userId: string, s: { readReceipts: boolean }): Promise<void> {
	await execute(
		db,
		`INSERT INTO messages.settings (user_id, read_receipts) VALUES (:userId, :readReceipts)
		 ON CONFLICT (user_id) DO UPDATE SET read_receipts = EXCLUDED.read_receipts, updated_at = now()`,
		{ userId, readReceipts: s.readReceipts }
	);
}
