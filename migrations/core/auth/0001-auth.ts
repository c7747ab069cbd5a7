/**
 * The auth schema: accounts, sessions and their refresh-token families, OTPs,
 * known devices, OAuth links and pending sign-ins, signing keys, and the
 * outbox/processed_events pair every domain carries.
 */
import { createEventTables, dropEventTables } from "../../../lib/db/event-tables";
import type { MigrationContext } from "../../../lib/db/migrator";

export async function up(ctx: MigrationContext): Promise<void> {
	const { sequelize, schema: s } = ctx;
	await sequelize.query(`
		CREATE TABLE "${s}".accounts (
			id uuid PRIMARY KEY,
			username text NOT NULL,
			display_name text NOT NULL,
			phone text,
			email text,
			phone_verified_at timestamptz,
			email_verified_at timestamptz,
			password_hash text,
			language text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'sw')),
			roles text[] NOT NULL DEFAULT '{user}',
			status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'suspended', 'deleted')),
			otp_on_new_device boolean NOT NULL DEFAULT false,
			status_reason text,
			status_changed_at timestamptz,
			status_changed_by uuid,
			password_changed_at timestamptz,
			created_at timestamptz NOT NULL DEFAULT now(),
			updated_at timestamptz NOT NULL DEFAULT now()
		)`);
	await sequelize.query(`CREATE UNIQUE INDEX accounts_username_key ON "${s}".accounts (username)`);
	await sequelize.query(`CREATE UNIQUE INDEX accounts_phone_key ON "${s}".accounts (phone) WHERE phone IS NOT NULL`);
	await sequelize.query(`CREATE UNIQUE INDEX accounts_email_key ON "${s}".accounts (email) WHERE email IS NOT NULL`);

	await sequelize.query(`
		CREATE TABLE "${s}".sessions (
			id uuid PRIMARY KEY,
			account_id uuid NOT NULL REFERENCES "${s}".accounts (id) ON DELETE CASCADE,
			device_id text NOT NULL,
			device_name text,
			platform text,
			user_agent text,
			ip text,
			method text NOT NULL,
			created_at timestamptz NOT NULL DEFAULT now(),
			last_seen_at timestamptz NOT NULL DEFAULT now(),
			idle_expires_at timestamptz NOT NULL,
			absolute_expires_at timestamptz NOT NULL,
			revoked_at timestamptz,
			revoke_reason text
		)`);
	await sequelize.query(`CREATE INDEX sessions_account_idx ON "${s}".sessions (account_id, id DESC) WHERE revoked_at IS NULL`);

	await sequelize.query(`
		CREATE TABLE "${s}".refresh_tokens (
			token_hash text PRIMARY KEY,
			session_id uuid NOT NULL REFERENCES "${s}".sessions (id) ON DELETE CASCADE,
			generation integer NOT NULL,
			used_at timestamptz,
			created_at timestamptz NOT NULL DEFAULT now()
		)`);
	await sequelize.query(`CREATE INDEX refresh_tokens_session_idx ON "${s}".refresh_tokens (session_id)`);

	await sequelize.query(`
		CREATE TABLE "${s}".otps (
			id uuid PRIMARY KEY,
			account_id uuid REFERENCES "${s}".accounts (id) ON DELETE CASCADE,
			purpose text NOT NULL CHECK (purpose IN ('verify', 'login', 'reset')),
			channel text NOT NULL CHECK (channel IN ('sms', 'email')),
			destination text NOT NULL,
			code_hash text NOT NULL,
			attempts integer NOT NULL DEFAULT 0,
			expires_at timestamptz NOT NULL,
			consumed_at timestamptz,
			context jsonb,
			created_at timestamptz NOT NULL DEFAULT now()
		)`);
	await sequelize.query(`CREATE INDEX otps_destination_idx ON "${s}".otps (destination, purpose, created_at DESC)`);

	await sequelize.query(`
		CREATE TABLE "${s}".known_devices (
			account_id uuid NOT NULL REFERENCES "${s}".accounts (id) ON DELETE CASCADE,
			device_id text NOT NULL,
			first_seen_at timestamptz NOT NULL DEFAULT now(),
			last_seen_at timestamptz NOT NULL DEFAULT now(),
			PRIMARY KEY (account_id, device_id)
		)`);

	await sequelize.query(`
		CREATE TABLE "${s}".oauth_links (
			provider text NOT NULL,
			subject text NOT NULL,
			account_id uuid NOT NULL REFERENCES "${s}".accounts (id) ON DELETE CASCADE,
			email text,
			created_at timestamptz NOT NULL DEFAULT now(),
			PRIMARY KEY (provider, subject)
		)`);
	await sequelize.query(`CREATE INDEX oauth_links_account_idx ON "${s}".oauth_links (account_id)`);

	await sequelize.query(`
		CREATE TABLE "${s}".oauth_states (
			state_hash text PRIMARY KEY,
			provider text NOT NULL,
			nonce text NOT NULL,
			code_verifier text NOT NULL,
			device jsonb NOT NULL,
			language text NOT NULL,
			expires_at timestamptz NOT NULL,
			created_at timestamptz NOT NULL DEFAULT now()
		)`);

	await sequelize.query(`
		CREATE TABLE "${s}".signing_keys (
			kid text PRIMARY KEY,
			public_jwk jsonb NOT NULL,
			private_key_sealed text NOT NULL,
			created_at timestamptz NOT NULL DEFAULT now(),
			retired_at timestamptz,
			publish_until timestamptz
		)`);
	// At most one current key, whatever races between nodes.
	await sequelize.query(`CREATE UNIQUE INDEX signing_keys_one_current ON "${s}".signing_keys ((true)) WHERE retired_at IS NULL`);

	await createEventTables(ctx);
}

export async function down(ctx: MigrationContext): Promise<void> {
	await dropEventTables(ctx);
	for (const table of ["signing_keys", "oauth_states", "oauth_links", "known_devices", "otps", "refresh_tokens", "sessions", "accounts"])
		await ctx.sequelize.query(`DROP TABLE IF EXISTS "${ctx.schema}".${table}`);
}
