/**
 * `messages.abort_send(reason)`: raises an error from inside a send's single
 * statement (store/messages.ts `sendInOneStatement`), so that a send that
 * must not happen — the sender is no longer a member, or a parallel retry
 * already stored this client id — rolls back the whole statement, the
 * sequence counter included, instead of leaving a gap.
 */
import type { MigrationContext } from "../../../lib/db/migrator";

export async function up({ sequelize, schema: s }: MigrationContext): Promise<void> {
	await sequelize.query(`
		CREATE FUNCTION "${s}".abort_send(reason text) RETURNS boolean LANGUAGE plpgsql AS $$
		BEGIN
			RAISE EXCEPTION 'messages.send aborted: %', reason USING ERRCODE = 'P0001', HINT = reason;
		END $$`);
}

export async function down({ sequelize, schema: s }: MigrationContext): Promise<void> {
	await sequelize.query(`DROP FUNCTION IF EXISTS "${s}".abort_send(text)`);
}
