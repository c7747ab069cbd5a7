/**
 * The notifications database: the recipient directory fed by auth events,
 * preferences, device push tokens, the in-app notifications, and the
 * deliveries that carry them out through SMS, email and push.
 */
import { createEventTables, dropEventTables } from "../../../lib/db/event-tables";
import type { MigrationContext } from "../../../lib/db/migrator";

export async function up(ctx: MigrationContext): Promise<void> {
	const { sequelize, schema } = ctx;
	await createEventTables(ctx);
	const q = (sql: string) => sequelize.query(sql);

	// Contact data as auth announced it (event-carried state): no synchronous calls to auth.
	await q(`
		CREATE TABLE "${schema}".recipients (
			user_id uuid PRIMARY KEY,
			phone text,
			email text,
			phone_verified boolean NOT NULL DEFAULT false,
			email_verified boolean NOT NULL DEFAULT false,
			language text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'sw')),
			-- auth.user.registered was consumed; a verification can arrive first and create the row without it.
			registered boolean NOT NULL DEFAULT false,
			-- A deleted account keeps a tombstone (no contact data) so late events for it are dropped, not retried.
			erased_at timestamptz,
			created_at timestamptz NOT NULL DEFAULT now(),
			updated_at timestamptz NOT NULL DEFAULT now()
		)`);

	await q(`
		CREATE TABLE "${schema}".preferences (
			user_id uuid PRIMARY KEY,
			channels jsonb NOT NULL DEFAULT '{}'::jsonb,
			quiet_enabled boolean NOT NULL DEFAULT false,
			quiet_start smallint NOT NULL DEFAULT 1320 CHECK (quiet_start BETWEEN 0 AND 1439),
			quiet_end smallint NOT NULL DEFAULT 420 CHECK (quiet_end BETWEEN 0 AND 1439),
			timezone text,
			created_at timestamptz NOT NULL DEFAULT now(),
			updated_at timestamptz NOT NULL DEFAULT now()
		)`);

	await q(`
		CREATE TABLE "${schema}".devices (
			id uuid PRIMARY KEY,
			user_id uuid NOT NULL,
			token text NOT NULL UNIQUE,
			platform text NOT NULL CHECK (platform IN ('android', 'ios', 'web')),
			created_at timestamptz NOT NULL DEFAULT now(),
			updated_at timestamptz NOT NULL DEFAULT now()
		)`);
	await q(`CREATE INDEX devices_user_idx ON "${schema}".devices (user_id)`);

	await q(`
		CREATE TABLE "${schema}".notifications (
			id uuid PRIMARY KEY,
			user_id uuid NOT NULL,
			type text NOT NULL,
			title text NOT NULL,
			body text NOT NULL,
			data jsonb NOT NULL DEFAULT '{}'::jsonb,
			group_key text,
			actors jsonb,
			actor_count integer NOT NULL DEFAULT 1,
			read_at timestamptz,
			created_at timestamptz NOT NULL DEFAULT now(),
			updated_at timestamptz NOT NULL DEFAULT now()
		)`);
	await q(`CREATE INDEX notifications_user_page_idx ON "${schema}".notifications (user_id, created_at DESC, id DESC)`);
	await q(`CREATE INDEX notifications_unread_idx ON "${schema}".notifications (user_id) WHERE read_at IS NULL`);
	await q(`CREATE INDEX notifications_group_idx ON "${schema}".notifications (user_id, group_key) WHERE read_at IS NULL AND group_key IS NOT NULL`);

	await q(`
		CREATE TABLE "${schema}".deliveries (
			id uuid PRIMARY KEY,
			event_id uuid NOT NULL,
			notification_id uuid,
			user_id uuid,
			channel text NOT NULL CHECK (channel IN ('sms', 'email', 'push')),
			destination text NOT NULL,
			template text NOT NULL,
			-- What is sent; when it holds a secret (a one-time code) this copy is redacted and the real
			-- one is in "sealed" (AES-256-GCM), erased as soon as the delivery is final.
			content jsonb NOT NULL,
			sealed text,
			urgent boolean NOT NULL DEFAULT false,
			status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed', 'dead')),
			attempts integer NOT NULL DEFAULT 0,
			next_attempt_at timestamptz NOT NULL DEFAULT now(),
			expires_at timestamptz,
			provider text,
			provider_message_id text,
			last_error text,
			sent_at timestamptz,
			created_at timestamptz NOT NULL DEFAULT now(),
			updated_at timestamptz NOT NULL DEFAULT now(),
			-- One event reaches one destination once per channel, whatever the redeliveries.
			UNIQUE (event_id, channel, destination)
		)`);
	await q(`CREATE INDEX deliveries_due_idx ON "${schema}".deliveries (next_attempt_at) WHERE status = 'queued'`);
	await q(`CREATE INDEX deliveries_sms_sent_idx ON "${schema}".deliveries (destination, sent_at) WHERE channel = 'sms' AND status = 'sent'`);
	await q(`CREATE INDEX deliveries_notification_idx ON "${schema}".deliveries (notification_id) WHERE notification_id IS NOT NULL`);
	await q(`CREATE INDEX deliveries_user_idx ON "${schema}".deliveries (user_id) WHERE user_id IS NOT NULL`);
	await q(`CREATE INDEX deliveries_final_idx ON "${schema}".deliveries (status, updated_at) WHERE status <> 'queued'`);
}

export async function down(ctx: MigrationContext): Promise<void> {
	for (const table of ["deliveries", "notifications", "devices", "preferences", "recipients"])
		await ctx.sequelize.query(`DROP TABLE IF EXISTS "${ctx.schema}".${table}`);
	await dropEventTables(ctx);
}
