/**
 * The users schema: profiles (with privacy settings and follow counters),
 * the social graph (follows, follow requests, blocks, mutes), the factors of
 * the trust score, and the outbox/processed_events pair every domain carries.
 *
 * Search is trigram-based (pg_trgm). The extension is "trusted" since
 * PostgreSQL 13: a database owner may create it without superuser rights.
 */
import { createEventTables, dropEventTables } from "../../../lib/db/event-tables";
import type { MigrationContext } from "../../../lib/db/migrator";

export async function up(ctx: MigrationContext): Promise<void> {
	const { sequelize, schema: s } = ctx;
	await sequelize.query("CREATE EXTENSION IF NOT EXISTS pg_trgm");

	await sequelize.query(`
		CREATE TABLE "${s}".profiles (
			id uuid PRIMARY KEY,
			username text NOT NULL,
			display_name text NOT NULL,
			bio text NOT NULL DEFAULT '',
			avatar_file_id uuid,
			country text,
			city text,
			website text,
			language text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'sw')),
			is_private boolean NOT NULL DEFAULT false,
			who_can_message text NOT NULL DEFAULT 'everyone' CHECK (who_can_message IN ('everyone', 'followers', 'nobody')),
			show_followers boolean NOT NULL DEFAULT true,
			discoverable_by_phone boolean NOT NULL DEFAULT true,
			-- SHA-256 of the E.164 number (rules/phone-key.ts): a lookup key for "find me by phone", not a secret.
			phone_key text,
			-- Maintained in the same transaction as every follows row change (flows/follow.ts).
			followers_count integer NOT NULL DEFAULT 0 CHECK (followers_count >= 0),
			following_count integer NOT NULL DEFAULT 0 CHECK (following_count >= 0),
			-- When the account was registered (auth's event time), for the trust score's account age.
			registered_at timestamptz NOT NULL,
			deleted_at timestamptz,
			created_at timestamptz NOT NULL DEFAULT now(),
			updated_at timestamptz NOT NULL DEFAULT now()
		)`);
	await sequelize.query(`CREATE UNIQUE INDEX profiles_username_key ON "${s}".profiles (username)`);
	await sequelize.query(`CREATE INDEX profiles_phone_key_idx ON "${s}".profiles (phone_key) WHERE phone_key IS NOT NULL AND deleted_at IS NULL`);
	await sequelize.query(`CREATE INDEX profiles_city_idx ON "${s}".profiles (country, lower(city), id) WHERE city IS NOT NULL AND deleted_at IS NULL`);
	await sequelize.query(`CREATE INDEX profiles_username_trgm ON "${s}".profiles USING gin (username gin_trgm_ops) WHERE deleted_at IS NULL`);
	await sequelize.query(`CREATE INDEX profiles_display_name_trgm ON "${s}".profiles USING gin (lower(display_name) gin_trgm_ops) WHERE deleted_at IS NULL`);

	await sequelize.query(`
		CREATE TABLE "${s}".follows (
			follower_id uuid NOT NULL,
			followee_id uuid NOT NULL,
			created_at timestamptz NOT NULL DEFAULT now(),
			PRIMARY KEY (follower_id, followee_id),
			CHECK (follower_id <> followee_id)
		)`);
	// Followers of a user ordered by follower id: the fan-out stream and the followers list.
	await sequelize.query(`CREATE UNIQUE INDEX follows_followee_idx ON "${s}".follows (followee_id, follower_id)`);

	await sequelize.query(`
		CREATE TABLE "${s}".follow_requests (
			requester_id uuid NOT NULL,
			target_id uuid NOT NULL,
			created_at timestamptz NOT NULL DEFAULT now(),
			PRIMARY KEY (requester_id, target_id),
			CHECK (requester_id <> target_id)
		)`);
	await sequelize.query(`CREATE UNIQUE INDEX follow_requests_target_idx ON "${s}".follow_requests (target_id, requester_id)`);

	await sequelize.query(`
		CREATE TABLE "${s}".blocks (
			blocker_id uuid NOT NULL,
			blocked_id uuid NOT NULL,
			created_at timestamptz NOT NULL DEFAULT now(),
			PRIMARY KEY (blocker_id, blocked_id),
			CHECK (blocker_id <> blocked_id)
		)`);
	await sequelize.query(`CREATE UNIQUE INDEX blocks_blocked_idx ON "${s}".blocks (blocked_id, blocker_id)`);

	await sequelize.query(`
		CREATE TABLE "${s}".mutes (
			muter_id uuid NOT NULL,
			muted_id uuid NOT NULL,
			created_at timestamptz NOT NULL DEFAULT now(),
			PRIMARY KEY (muter_id, muted_id),
			CHECK (muter_id <> muted_id)
		)`);

	// Factors fed by events; a row may exist before the profile (events travel on separate queues).
	await sequelize.query(`
		CREATE TABLE "${s}".stats (
			user_id uuid PRIMARY KEY,
			phone_verified boolean NOT NULL DEFAULT false,
			email_verified boolean NOT NULL DEFAULT false,
			posts integer NOT NULL DEFAULT 0 CHECK (posts >= 0),
			orders_bought integer NOT NULL DEFAULT 0,
			orders_sold integer NOT NULL DEFAULT 0,
			ratings_count integer NOT NULL DEFAULT 0,
			ratings_sum integer NOT NULL DEFAULT 0,
			disputes_lost integer NOT NULL DEFAULT 0,
			refunds integer NOT NULL DEFAULT 0,
			reports_upheld integer NOT NULL DEFAULT 0,
			updated_at timestamptz NOT NULL DEFAULT now()
		)`);

	await createEventTables(ctx);
}

export async function down(ctx: MigrationContext): Promise<void> {
	await dropEventTables(ctx);
	for (const table of ["stats", "mutes", "blocks", "follow_requests", "follows", "profiles"])
		await ctx.sequelize.query(`DROP TABLE IF EXISTS "${ctx.schema}".${table}`);
}
