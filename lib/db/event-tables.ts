/**
 * The two tables every domain schema carries for durable events:
 *   outbox            events written in the same transaction as the state change
 *   processed_events  ids of events this schema's consumers already handled
 * A domain's first migration calls createEventTables(ctx).
 */
import type { MigrationContext } from "./migrator";

export async function createEventTables({ sequelize, schema }: MigrationContext): Promise<void> {
	await sequelize.query(`
		CREATE TABLE "${schema}".outbox (
			id uuid PRIMARY KEY,
			type text NOT NULL,
			envelope jsonb NOT NULL,
			created_at timestamptz NOT NULL DEFAULT now(),
			published_at timestamptz,
			attempts integer NOT NULL DEFAULT 0,
			next_attempt_at timestamptz NOT NULL DEFAULT now(),
			last_error text
		)`);
	await sequelize.query(
		`CREATE INDEX outbox_pending_idx ON "${schema}".outbox (next_attempt_at, id) WHERE published_at IS NULL`
	);
	await sequelize.query(`
		CREATE TABLE "${schema}".processed_events (
			consumer text NOT NULL,
			event_id uuid NOT NULL,
			processed_at timestamptz NOT NULL DEFAULT now(),
			PRIMARY KEY (consumer, event_id)
		)`);
}

export async function dropEventTables({ sequelize, schema }: MigrationContext): Promise<void> {
	await sequelize.query(`DROP TABLE IF EXISTS "${schema}".processed_events`);
	await sequelize.query(`DROP TABLE IF EXISTS "${schema}".outbox`);
}
