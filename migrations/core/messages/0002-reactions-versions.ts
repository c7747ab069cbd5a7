/**
 * Reactions (one per member per message, WhatsApp-style) and change
 * versions. Every change in a conversation — a new message, an edit, a
 * delete, a reaction — takes the next `conversations.last_version` and
 * stamps it on the message, so a client that was away asks for everything
 * changed after the last version it saw (`?changedAfter=`), edits and
 * deletes of old messages included; seq stays the gap-free order of messages.
 */
import type { MigrationContext } from "../../../lib/db/migrator";

export async function up({ sequelize, schema: s }: MigrationContext): Promise<void> {
	await sequelize.query(`ALTER TABLE "${s}".conversations ADD COLUMN last_version bigint NOT NULL DEFAULT 0`);
	await sequelize.query(`ALTER TABLE "${s}".messages ADD COLUMN version bigint NOT NULL DEFAULT 0`);
	// Existing messages changed in seq order as far as anyone can tell.
	await sequelize.query(`UPDATE "${s}".messages SET version = seq`);
	await sequelize.query(`UPDATE "${s}".conversations SET last_version = last_seq`);
	await sequelize.query(`CREATE INDEX messages_version_idx ON "${s}".messages (conversation_id, version)`);
	await sequelize.query(`
		CREATE TABLE "${s}".reactions (
			message_id uuid NOT NULL REFERENCES "${s}".messages (id) ON DELETE CASCADE,
			user_id uuid NOT NULL,
			emoji text NOT NULL,
			created_at timestamptz NOT NULL DEFAULT now(),
			PRIMARY KEY (message_id, user_id)
		)`);
}

export async function down({ sequelize, schema: s }: MigrationContext): Promise<void> {
	await sequelize.query(`DROP TABLE IF EXISTS "${s}".reactions`);
	await sequelize.query(`DROP INDEX IF EXISTS "${s}".messages_version_idx`);
	await sequelize.query(`ALTER TABLE "${s}".messages DROP COLUMN IF EXISTS version`);
	await sequelize.query(`ALTER TABLE "${s}".conversations DROP COLUMN IF EXISTS last_version`);
}
