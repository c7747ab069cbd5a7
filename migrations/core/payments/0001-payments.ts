/**
 * The payments schema: the double-entry ledger (accounts, transactions,
 * postings), payment methods, payment intents, the provider-events inbox,
 * escrows, payouts, and the outbox/processed_events pair every domain carries.
 * Money is BIGINT minor units beside an ISO-4217 code; the ledger's CHECKs are
 * a backstop for what the code already enforces.
 */
import { createEventTables, dropEventTables } from "../../../lib/db/event-tables";
import type { MigrationContext } from "../../../lib/db/migrator";

export async function up(ctx: MigrationContext): Promise<void> {
	const { sequelize, schema: s } = ctx;
	await sequelize.query(`
		CREATE TABLE "${s}".accounts (
			id uuid PRIMARY KEY,
			code text NOT NULL,
			currency char(3) NOT NULL,
			kind text NOT NULL,
			owner_id uuid,
			allow_negative boolean NOT NULL,
			balance bigint NOT NULL DEFAULT 0,
			created_at timestamptz NOT NULL DEFAULT now(),
			updated_at timestamptz NOT NULL DEFAULT now(),
			UNIQUE (code, currency),
			CHECK (allow_negative OR balance >= 0)
		)`);
	await sequelize.query(`CREATE INDEX accounts_owner_idx ON "${s}".accounts (owner_id, kind) WHERE owner_id IS NOT NULL`);

	await sequelize.query(`
		CREATE TABLE "${s}".ledger_transactions (
			id uuid PRIMARY KEY,
			external_id text NOT NULL UNIQUE,
			kind text NOT NULL,
			memo jsonb NOT NULL DEFAULT '{}',
			created_at timestamptz NOT NULL DEFAULT now()
		)`);
	await sequelize.query(`
		CREATE TABLE "${s}".ledger_postings (
			id bigserial PRIMARY KEY,
			transaction_id uuid NOT NULL REFERENCES "${s}".ledger_transactions (id),
			account_id uuid NOT NULL REFERENCES "${s}".accounts (id),
			amount bigint NOT NULL CHECK (amount <> 0),
			currency char(3) NOT NULL,
			balance_after bigint NOT NULL,
			created_at timestamptz NOT NULL DEFAULT now()
		)`);
	await sequelize.query(`CREATE INDEX ledger_postings_account_idx ON "${s}".ledger_postings (account_id, id)`);
	await sequelize.query(`CREATE INDEX ledger_postings_transaction_idx ON "${s}".ledger_postings (transaction_id)`);

	await sequelize.query(`
		CREATE TABLE "${s}".payment_methods (
			id uuid PRIMARY KEY,
			user_id uuid NOT NULL,
			type text NOT NULL CHECK (type IN ('mobile_money')),
			provider text NOT NULL,
			phone text NOT NULL,
			label text,
			is_default boolean NOT NULL DEFAULT false,
			created_at timestamptz NOT NULL DEFAULT now(),
			deleted_at timestamptz
		)`);
	await sequelize.query(`CREATE INDEX payment_methods_user_idx ON "${s}".payment_methods (user_id, created_at) WHERE deleted_at IS NULL`);
	await sequelize.query(`CREATE UNIQUE INDEX payment_methods_one_default ON "${s}".payment_methods (user_id) WHERE is_default AND deleted_at IS NULL`);
	await sequelize.query(`CREATE UNIQUE INDEX payment_methods_unique_phone ON "${s}".payment_methods (user_id, provider, phone) WHERE deleted_at IS NULL`);

	await sequelize.query(`
		CREATE TABLE "${s}".payment_intents (
			id uuid PRIMARY KEY,
			payer_id uuid NOT NULL,
			payee_id uuid,
			amount bigint NOT NULL CHECK (amount > 0),
			currency char(3) NOT NULL,
			purpose_type text NOT NULL CHECK (purpose_type IN ('order', 'booking')),
			purpose_id uuid NOT NULL,
			provider text NOT NULL,
			phone text NOT NULL,
			method_id uuid,
			status text NOT NULL CHECK (status IN ('pending', 'processing', 'succeeded', 'failed', 'cancelled', 'expired')),
			provider_reference text,
			callback_token_hash text NOT NULL,
			idempotency_key text NOT NULL,
			request_hash text NOT NULL,
			failure_code text,
			failure_reason text,
			flag text,
			received_amount bigint,
			receipt text,
			expires_at timestamptz NOT NULL,
			next_check_at timestamptz NOT NULL,
			checks integer NOT NULL DEFAULT 0,
			created_at timestamptz NOT NULL DEFAULT now(),
			updated_at timestamptz NOT NULL DEFAULT now(),
			finished_at timestamptz,
			UNIQUE (payer_id, idempotency_key)
		)`);
	await sequelize.query(`CREATE UNIQUE INDEX payment_intents_reference ON "${s}".payment_intents (provider, provider_reference) WHERE provider_reference IS NOT NULL`);
	await sequelize.query(`CREATE INDEX payment_intents_open_idx ON "${s}".payment_intents (next_check_at) WHERE status IN ('pending', 'processing')`);
	await sequelize.query(`CREATE INDEX payment_intents_purpose_idx ON "${s}".payment_intents (purpose_type, purpose_id)`);
	await sequelize.query(`CREATE INDEX payment_intents_flagged_idx ON "${s}".payment_intents (updated_at) WHERE flag IS NOT NULL`);

	await sequelize.query(`
		CREATE TABLE "${s}".provider_events (
			id uuid PRIMARY KEY,
			provider text NOT NULL,
			event_key text NOT NULL,
			kind text NOT NULL CHECK (kind IN ('collection', 'payout')),
			ref_id uuid NOT NULL,
			payload jsonb NOT NULL,
			received_at timestamptz NOT NULL DEFAULT now(),
			attempts integer NOT NULL DEFAULT 0,
			next_attempt_at timestamptz NOT NULL DEFAULT now(),
			processed_at timestamptz,
			outcome text,
			UNIQUE (provider, event_key)
		)`);
	await sequelize.query(`CREATE INDEX provider_events_pending_idx ON "${s}".provider_events (next_attempt_at) WHERE processed_at IS NULL`);

	await sequelize.query(`
		CREATE TABLE "${s}".escrows (
			id uuid PRIMARY KEY,
			purpose_type text NOT NULL,
			purpose_id uuid NOT NULL,
			currency char(3) NOT NULL,
			payer_id uuid NOT NULL,
			payee_id uuid,
			status text NOT NULL CHECK (status IN ('held', 'disputed', 'released', 'refunded', 'split')),
			collected bigint NOT NULL DEFAULT 0,
			released bigint NOT NULL DEFAULT 0,
			commission bigint NOT NULL DEFAULT 0,
			refunded bigint NOT NULL DEFAULT 0,
			refund_phone text,
			refund_provider text,
			auto_release_at timestamptz,
			dispute_reason text,
			version integer NOT NULL DEFAULT 0,
			created_at timestamptz NOT NULL DEFAULT now(),
			updated_at timestamptz NOT NULL DEFAULT now(),
			UNIQUE (purpose_type, purpose_id)
		)`);
	await sequelize.query(`CREATE INDEX escrows_payee_idx ON "${s}".escrows (payee_id) WHERE status IN ('held', 'disputed')`);
	await sequelize.query(`CREATE INDEX escrows_auto_release_idx ON "${s}".escrows (auto_release_at) WHERE status = 'held' AND auto_release_at IS NOT NULL`);

	await sequelize.query(`
		CREATE TABLE "${s}".payouts (
			id uuid PRIMARY KEY,
			user_id uuid NOT NULL,
			method_id uuid,
			amount bigint NOT NULL CHECK (amount > 0),
			currency char(3) NOT NULL,
			provider text NOT NULL,
			phone text NOT NULL,
			reason text NOT NULL CHECK (reason IN ('withdrawal', 'refund')),
			status text NOT NULL CHECK (status IN ('pending', 'processing', 'paid', 'failed')),
			provider_reference text,
			callback_token_hash text NOT NULL,
			idempotency_key text,
			failure_code text,
			failure_reason text,
			next_check_at timestamptz NOT NULL DEFAULT now(),
			checks integer NOT NULL DEFAULT 0,
			created_at timestamptz NOT NULL DEFAULT now(),
			updated_at timestamptz NOT NULL DEFAULT now(),
			finished_at timestamptz
		)`);
	await sequelize.query(`CREATE UNIQUE INDEX payouts_idempotency ON "${s}".payouts (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL`);
	await sequelize.query(`CREATE INDEX payouts_user_idx ON "${s}".payouts (user_id, created_at)`);
	await sequelize.query(`CREATE INDEX payouts_open_idx ON "${s}".payouts (next_check_at) WHERE status IN ('pending', 'processing')`);

	await createEventTables(ctx);
}

export async function down(ctx: MigrationContext): Promise<void> {
	const { sequelize, schema: s } = ctx;
	await dropEventTables(ctx);
	for (const table of ["payouts", "escrows", "provider_events", "payment_intents", "payment_methods", "ledger_postings", "ledger_transactions", "accounts"])
		await sequelize.query(`DROP TABLE IF EXISTS "${s}"."${table}"`);
}
