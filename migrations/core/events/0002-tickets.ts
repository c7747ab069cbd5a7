/**
 * The events schema, TIX's part: per-event signing keys, tickets with their
 * signed codes, scanner devices and the check-in log.
 *
 * A ticket's first entry is `tickets.checked_in_at`, moved only under the
 * ticket's row lock, so two scanners cannot both let one ticket in. A
 * transfer never edits a code: the old row is revoked (`replaced_by` names the
 * new one) and a new row with a new id and code is issued, so the revocation
 * list is a list of ticket ids.
 */
import type { MigrationContext } from "../../../lib/db/migrator";

export async function up({ sequelize, schema: s }: MigrationContext): Promise<void> {
	await sequelize.query(`
		CREATE TABLE "${s}".event_keys (
			kid text PRIMARY KEY,
			event_id uuid NOT NULL REFERENCES "${s}".events (id),
			public_key_pem text NOT NULL,
			-- v1.<iv>.<tag>.<ciphertext>: AES-256-GCM under EVENTS_KEY_ENCRYPTION_KEY, the kid as AAD.
			private_key_enc text NOT NULL,
			status text NOT NULL CHECK (status IN ('active', 'retired')),
			created_at timestamptz NOT NULL DEFAULT now(),
			retired_at timestamptz
		)`);
	// One signing key per event at a time: two nodes creating the first key at once keep one.
	await sequelize.query(`CREATE UNIQUE INDEX event_keys_active_key ON "${s}".event_keys (event_id) WHERE status = 'active'`);
	await sequelize.query(`CREATE INDEX event_keys_event_idx ON "${s}".event_keys (event_id, created_at)`);

	await sequelize.query(`
		CREATE TABLE "${s}".tickets (
			id uuid PRIMARY KEY,
			booking_id uuid NOT NULL REFERENCES "${s}".bookings (id),
			event_id uuid NOT NULL REFERENCES "${s}".events (id),
			ticket_type_id uuid NOT NULL REFERENCES "${s}".ticket_types (id),
			holder_id uuid NOT NULL,
			status text NOT NULL CHECK (status IN ('valid', 'used', 'revoked')),
			code text NOT NULL,
			code_kid text NOT NULL REFERENCES "${s}".event_keys (kid),
			valid_from timestamptz NOT NULL,
			valid_until timestamptz NOT NULL,
			issued_at timestamptz NOT NULL,
			-- First entry (a re-entry type keeps counting in entries).
			checked_in_at timestamptz,
			entries integer NOT NULL DEFAULT 0 CHECK (entries >= 0),
			revoked_at timestamptz,
			-- booking_cancelled | event_cancelled | transferred | refunded | … (why the code stopped working).
			revoke_reason text,
			replaced_by uuid REFERENCES "${s}".tickets (id),
			transferred_from uuid REFERENCES "${s}".tickets (id),
			CHECK ((status = 'revoked') = (revoked_at IS NOT NULL)),
			CHECK (status <> 'used' OR checked_in_at IS NOT NULL)
		)`);
	await sequelize.query(`CREATE INDEX tickets_holder_idx ON "${s}".tickets (holder_id, issued_at DESC, id DESC)`);
	await sequelize.query(`CREATE INDEX tickets_booking_idx ON "${s}".tickets (booking_id)`);
	await sequelize.query(`CREATE INDEX tickets_event_idx ON "${s}".tickets (event_id, status)`);
	// The revocation list scanners download: newest first, incrementally by revoked_at.
	await sequelize.query(`CREATE INDEX tickets_revoked_idx ON "${s}".tickets (event_id, revoked_at) WHERE status = 'revoked'`);
	// Which retired keys are still needed: the latest expiry of what each key signed.
	await sequelize.query(`CREATE INDEX tickets_kid_idx ON "${s}".tickets (code_kid, valid_until)`);

	await sequelize.query(`
		CREATE TABLE "${s}".scanners (
			id uuid PRIMARY KEY,
			event_id uuid NOT NULL REFERENCES "${s}".events (id),
			name text NOT NULL,
			-- sha256 (hex) of the bearer token; the token itself is shown once.
			token_hash text NOT NULL UNIQUE,
			created_by uuid NOT NULL,
			created_at timestamptz NOT NULL DEFAULT now(),
			last_seen_at timestamptz,
			revoked_at timestamptz
		)`);
	await sequelize.query(`CREATE INDEX scanners_event_idx ON "${s}".scanners (event_id, created_at)`);

	await sequelize.query(`
		CREATE TABLE "${s}".checkins (
			id uuid PRIMARY KEY,
			ticket_id uuid NOT NULL REFERENCES "${s}".tickets (id),
			event_id uuid NOT NULL REFERENCES "${s}".events (id),
			scanner_id uuid NOT NULL REFERENCES "${s}".scanners (id),
			-- The scanner's id for this scan: a retry with the same nonce gets the first answer.
			nonce text NOT NULL,
			scanned_at timestamptz NOT NULL,
			received_at timestamptz NOT NULL DEFAULT now(),
			result text NOT NULL CHECK (result IN ('ok', 'already_checked_in', 'revoked', 'not_valid_now')),
			-- This scan let the holder in (ok); a double entry found by a sync is ok + conflict.
			entered boolean NOT NULL,
			offline boolean NOT NULL DEFAULT false,
			conflict boolean NOT NULL DEFAULT false,
			UNIQUE (scanner_id, nonce)
		)`);
	await sequelize.query(`CREATE INDEX checkins_event_idx ON "${s}".checkins (event_id, scanned_at)`);
	await sequelize.query(`CREATE INDEX checkins_ticket_idx ON "${s}".checkins (ticket_id, scanned_at)`);
}

export async function down({ sequelize, schema: s }: MigrationContext): Promise<void> {
	for (const table of ["checkins", "scanners", "tickets", "event_keys"]) await sequelize.query(`DROP TABLE IF EXISTS "${s}".${table}`);
}
