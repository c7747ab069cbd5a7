/**
 * The in-process durable queues used when no transporter is configured
 * (one-process mode): the same at-least-once semantics as the RabbitMQ queues,
 * kept in PostgreSQL so they survive a restart.
 */
import type { MigrationContext } from "../../../lib/db/migrator";

export async function up({ sequelize }: MigrationContext): Promise<void> {
	await sequelize.query(`
		CREATE TABLE platform.channel_queues (
			channel text NOT NULL,
			grp text NOT NULL,
			created_at timestamptz NOT NULL DEFAULT now(),
			PRIMARY KEY (channel, grp)
		)`);
	await sequelize.query(`
		CREATE TABLE platform.channel_messages (
			id bigserial PRIMARY KEY,
			channel text NOT NULL,
			grp text NOT NULL,
			payload jsonb NOT NULL,
			attempts integer NOT NULL DEFAULT 0,
			available_at timestamptz NOT NULL DEFAULT now(),
			locked_until timestamptz,
			last_error text,
			created_at timestamptz NOT NULL DEFAULT now()
		)`);
	await sequelize.query(`CREATE INDEX channel_messages_ready_idx ON platform.channel_messages (channel, grp, available_at, id)`);
	await sequelize.query(`
		CREATE TABLE platform.dead_letters (
			id bigserial PRIMARY KEY,
			channel text NOT NULL,
			grp text NOT NULL,
			payload jsonb NOT NULL,
			attempts integer NOT NULL,
			error text,
			failed_at timestamptz NOT NULL DEFAULT now()
		)`);
}

export async function down({ sequelize }: MigrationContext): Promise<void> {
	await sequelize.query(`DROP TABLE IF EXISTS platform.dead_letters`);
	await sequelize.query(`DROP TABLE IF EXISTS platform.channel_messages`);
	await sequelize.query(`DROP TABLE IF EXISTS platform.channel_queues`);
}
