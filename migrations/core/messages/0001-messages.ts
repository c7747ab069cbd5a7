/**
 * The messages schema: conversations (with the per-conversation sequence
 * counter), their members (role, read marker, mute), messages, per-user
 * message settings, and the outbox/processed_events pair every domain carries.
 *
 * `conversations.last_seq` is the counter that numbers messages: a send
 * increments it in the same transaction as the insert, under the row lock
 * that UPDATE takes, so seqs are gap-free and never repeat (a rolled-back
 * send rolls the counter back with it).
 */
import { createEventTables, dropEventTables } from "../../../lib/db/event-tables";
import type { MigrationContext } from "../../../lib/db/migrator";

export async function up(ctx: MigrationContext): Promise<void> {
	const { sequelize, schema: s } = ctx;

	await sequelize.query(`
		CREATE TABLE "${s}".conversations (
			id uuid PRIMARY KEY,
			kind text NOT NULL CHECK (kind IN ('direct', 'group')),
			title text,
			-- Direct conversations only: "<smaller user id>:<larger user id>", unique, so a pair has one conversation.
			pair_key text,
			created_by uuid NOT NULL,
			last_seq bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
			-- Ordering of the conversation list: creation, then the latest message.
			activity_at timestamptz NOT NULL DEFAULT now(),
			created_at timestamptz NOT NULL DEFAULT now(),
			CHECK ((kind = 'direct') = (pair_key IS NOT NULL))
		)`);
	await sequelize.query(`CREATE UNIQUE INDEX conversations_pair_key ON "${s}".conversations (pair_key) WHERE pair_key IS NOT NULL`);

	await sequelize.query(`
		CREATE TABLE "${s}".members (
			conversation_id uuid NOT NULL REFERENCES "${s}".conversations (id) ON DELETE CASCADE,
			user_id uuid NOT NULL,
			role text NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
			-- Messages up to this seq existed before the member joined: not theirs to read.
			joined_seq bigint NOT NULL DEFAULT 0,
			-- "Read up to seq N": unread = last_seq - read_seq.
			read_seq bigint NOT NULL DEFAULT 0,
			muted boolean NOT NULL DEFAULT false,
			joined_at timestamptz NOT NULL DEFAULT now(),
			PRIMARY KEY (conversation_id, user_id),
			CHECK (read_seq >= joined_seq)
		)`);
	await sequelize.query(`CREATE INDEX members_user_idx ON "${s}".members (user_id, conversation_id)`);

	await sequelize.query(`
		CREATE TABLE "${s}".messages (
			id uuid PRIMARY KEY,
			conversation_id uuid NOT NULL REFERENCES "${s}".conversations (id) ON DELETE CASCADE,
			seq bigint NOT NULL CHECK (seq > 0),
			sender_id uuid NOT NULL,
			client_id text NOT NULL,
			text text,
			file_ids uuid[] NOT NULL DEFAULT '{}',
			embed jsonb,
			reply_to_seq bigint,
			created_at timestamptz NOT NULL DEFAULT now(),
			edited_at timestamptz,
			deleted_at timestamptz,
			UNIQUE (conversation_id, seq),
			-- Idempotent send: one message per sender and client id within a conversation.
			UNIQUE (conversation_id, sender_id, client_id)
		)`);

	await sequelize.query(`
		CREATE TABLE "${s}".settings (
			user_id uuid PRIMARY KEY,
			-- Off: my read markers still count my unread messages, but nobody else is told how far I read.
			read_receipts boolean NOT NULL DEFAULT true,
			updated_at timestamptz NOT NULL DEFAULT now()
		)`);

	await createEventTables(ctx);
}

export async function down(ctx: MigrationContext): Promise<void> {
	await dropEventTables(ctx);
	for (const table of ["settings", "messages", "members", "conversations"]) await ctx.sequelize.query(`DROP TABLE IF EXISTS "${ctx.schema}".${table}`);
}
