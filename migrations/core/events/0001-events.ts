/**
 * The events schema, EVT's part (tickets, keys, scanners and check-ins are
 * 0002, TIX's): events, their ticket types, bookings, organizer ratings, and
 * the outbox / processed_events pair every domain carries.
 *
 * Capacity is two counters on the ticket type, `sold` (confirmed bookings)
 * and `held` (bookings waiting for their payment), changed only by one
 * conditional UPDATE each, so `sold + held <= capacity` is both checked by
 * the statement and enforced by a CHECK: a race can never oversell.
 */
import { createEventTables, dropEventTables } from "../../../lib/db/event-tables";
import type { MigrationContext } from "../../../lib/db/migrator";

export async function up(ctx: MigrationContext): Promise<void> {
	const { sequelize, schema: s } = ctx;

	await sequelize.query(`
		CREATE TABLE "${s}".events (
			id uuid PRIMARY KEY,
			organizer_id uuid NOT NULL,
			title text NOT NULL,
			description text NOT NULL DEFAULT '',
			category text NOT NULL,
			starts_at timestamptz NOT NULL,
			ends_at timestamptz NOT NULL,
			-- IANA zone the organizer gave: clients show local times in it.
			timezone text NOT NULL,
			-- { name, address, city, region, country, lat, lng } for an in-person event.
			venue jsonb,
			online_url text,
			cover_file_id uuid,
			status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'happening', 'completed', 'cancelled')),
			-- { refundable: bool, cutoffHours: int, percent: int } (rules/refund-policy.ts).
			refund_policy jsonb NOT NULL DEFAULT '{"refundable": false, "cutoffHours": 0, "percent": 0}',
			-- Lower-cased title without punctuation, for the duplicate warning.
			title_key text NOT NULL,
			search tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, title || ' ' || description || ' ' || category)) STORED,
			published_at timestamptz,
			cancelled_at timestamptz,
			completed_at timestamptz,
			-- When the worker released every booking's escrow to the organizer.
			payout_done_at timestamptz,
			created_at timestamptz NOT NULL DEFAULT now(),
			updated_at timestamptz NOT NULL DEFAULT now(),
			CHECK (ends_at > starts_at),
			CHECK ((venue IS NULL) <> (online_url IS NULL))
		)`);
	await sequelize.query(`CREATE INDEX events_organizer_idx ON "${s}".events (organizer_id, starts_at)`);
	await sequelize.query(`CREATE INDEX events_listed_idx ON "${s}".events (starts_at, id) WHERE status IN ('published', 'happening')`);
	await sequelize.query(`CREATE INDEX events_search_idx ON "${s}".events USING gin (search)`);
	// The lifecycle worker's two scans: what should start, what should end.
	await sequelize.query(`CREATE INDEX events_to_start_idx ON "${s}".events (starts_at) WHERE status = 'published'`);
	await sequelize.query(`CREATE INDEX events_to_end_idx ON "${s}".events (ends_at) WHERE status = 'happening'`);
	await sequelize.query(`CREATE INDEX events_payout_idx ON "${s}".events (completed_at) WHERE status = 'completed' AND payout_done_at IS NULL`);

	await sequelize.query(`
		CREATE TABLE "${s}".ticket_types (
			id uuid PRIMARY KEY,
			event_id uuid NOT NULL REFERENCES "${s}".events (id) ON DELETE CASCADE,
			name text NOT NULL,
			price bigint NOT NULL CHECK (price >= 0),
			currency text NOT NULL,
			capacity integer NOT NULL CHECK (capacity > 0),
			sold integer NOT NULL DEFAULT 0 CHECK (sold >= 0),
			held integer NOT NULL DEFAULT 0 CHECK (held >= 0),
			sales_start timestamptz,
			sales_end timestamptz,
			per_order_limit integer NOT NULL DEFAULT 10 CHECK (per_order_limit > 0),
			hidden boolean NOT NULL DEFAULT false,
			-- sha256 hex of the upper-cased unlock code; set exactly when hidden.
			unlock_code_hash text,
			allows_reentry boolean NOT NULL DEFAULT false,
			created_at timestamptz NOT NULL DEFAULT now(),
			CHECK (sold + held <= capacity),
			CHECK (hidden = (unlock_code_hash IS NOT NULL))
		)`);
	await sequelize.query(`CREATE INDEX ticket_types_event_idx ON "${s}".ticket_types (event_id, created_at)`);

	await sequelize.query(`
		CREATE TABLE "${s}".bookings (
			id uuid PRIMARY KEY,
			event_id uuid NOT NULL REFERENCES "${s}".events (id),
			buyer_id uuid NOT NULL,
			status text NOT NULL CHECK (status IN ('pending_payment', 'confirmed', 'cancelled', 'refunded', 'expired')),
			-- [{ ticketTypeId, quantity, unitPrice }] as priced when booked.
			items jsonb NOT NULL,
			quantity integer NOT NULL CHECK (quantity > 0),
			total bigint NOT NULL CHECK (total >= 0),
			currency text NOT NULL,
			intent_id uuid,
			-- Until when a pending booking holds its seats.
			expires_at timestamptz,
			idempotency_key text,
			-- Minor units to give back (set when cancelled after payment); refunded_at once payments took it.
			refund_amount bigint,
			refund_due boolean NOT NULL DEFAULT false,
			refunded_at timestamptz,
			cancel_reason text,
			escrow_released_at timestamptz,
			confirmed_at timestamptz,
			cancelled_at timestamptz,
			created_at timestamptz NOT NULL DEFAULT now(),
			updated_at timestamptz NOT NULL DEFAULT now()
		)`);
	await sequelize.query(`CREATE UNIQUE INDEX bookings_idempotency_key ON "${s}".bookings (buyer_id, idempotency_key) WHERE idempotency_key IS NOT NULL`);
	await sequelize.query(`CREATE INDEX bookings_event_idx ON "${s}".bookings (event_id, status)`);
	await sequelize.query(`CREATE INDEX bookings_buyer_idx ON "${s}".bookings (buyer_id, created_at DESC)`);
	await sequelize.query(`CREATE INDEX bookings_expiring_idx ON "${s}".bookings (expires_at) WHERE status = 'pending_payment'`);
	await sequelize.query(`CREATE INDEX bookings_refund_due_idx ON "${s}".bookings (updated_at) WHERE refund_due`);

	await sequelize.query(`
		CREATE TABLE "${s}".ratings (
			id uuid PRIMARY KEY,
			event_id uuid NOT NULL REFERENCES "${s}".events (id),
			organizer_id uuid NOT NULL,
			author_id uuid NOT NULL,
			rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
			text text NOT NULL DEFAULT '',
			created_at timestamptz NOT NULL DEFAULT now(),
			UNIQUE (event_id, author_id)
		)`);
	await sequelize.query(`CREATE INDEX ratings_organizer_idx ON "${s}".ratings (organizer_id)`);

	await createEventTables(ctx);
}

export async function down(ctx: MigrationContext): Promise<void> {
	const { sequelize, schema: s } = ctx;
	await dropEventTables(ctx);
	for (const table of ["ratings", "bookings", "ticket_types", "events"]) await sequelize.query(`DROP TABLE IF EXISTS "${s}".${table}`);
}
