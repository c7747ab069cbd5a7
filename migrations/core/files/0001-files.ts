/**
 * The files schema: one row per uploaded file (its bytes and variants live in
 * object storage under f/<id>/), the durable video job queue, and the
 * outbox/processed_events pair every domain carries.
 */
import { createEventTables, dropEventTables } from "../../../lib/db/event-tables";
import type { MigrationContext } from "../../../lib/db/migrator";

export async function up(ctx: MigrationContext): Promise<void> {
	const { sequelize, schema: s } = ctx;
	await sequelize.query(`
		CREATE TABLE "${s}".files (
			id uuid PRIMARY KEY,
			owner_id uuid NOT NULL,
			purpose text NOT NULL CHECK (purpose IN ('avatar', 'product', 'shop', 'post', 'event', 'message', 'verification')),
			kind text NOT NULL CHECK (kind IN ('image', 'video', 'document', 'audio')),
			mime text NOT NULL,
			-- Bytes counted against the owner's quota: the declared size until the upload is checked,
			-- then the original's size.
			size bigint NOT NULL CHECK (size >= 0),
			status text NOT NULL CHECK (status IN ('awaiting_upload', 'processing', 'ready', 'failed', 'deleted')),
			failure_reason text,
			filename text,
			width integer,
			height integer,
			duration_ms integer,
			blurhash text,
			original_key text,
			variants jsonb NOT NULL DEFAULT '{}',
			ref text,
			attached_at timestamptz,
			detached_at timestamptz,
			upload_expires_at timestamptz,
			created_at timestamptz NOT NULL DEFAULT now(),
			updated_at timestamptz NOT NULL DEFAULT now(),
			ready_at timestamptz,
			deleted_at timestamptz,
			-- Set once every object under f/<id>/ and u/<id> is gone; until then the sweeper retries.
			purged_at timestamptz
		)`);
	await sequelize.query(`CREATE INDEX files_owner_idx ON "${s}".files (owner_id) WHERE status <> 'deleted'`);
	await sequelize.query(`CREATE INDEX files_ref_idx ON "${s}".files (ref) WHERE ref IS NOT NULL`);
	await sequelize.query(`CREATE INDEX files_unattached_idx ON "${s}".files (COALESCE(detached_at, created_at)) WHERE ref IS NULL AND status <> 'deleted'`);
	await sequelize.query(`CREATE INDEX files_purge_idx ON "${s}".files (deleted_at) WHERE status = 'deleted' AND purged_at IS NULL`);

	await sequelize.query(`
		CREATE TABLE "${s}".video_jobs (
			file_id uuid PRIMARY KEY REFERENCES "${s}".files (id) ON DELETE CASCADE,
			status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
			attempts integer NOT NULL DEFAULT 0,
			run_after timestamptz NOT NULL DEFAULT now(),
			locked_by text,
			lease_until timestamptz,
			last_error text,
			created_at timestamptz NOT NULL DEFAULT now(),
			updated_at timestamptz NOT NULL DEFAULT now(),
			finished_at timestamptz
		)`);
	await sequelize.query(`CREATE INDEX video_jobs_due_idx ON "${s}".video_jobs (run_after, created_at) WHERE status = 'queued'`);
	await sequelize.query(`CREATE INDEX video_jobs_lease_idx ON "${s}".video_jobs (lease_until) WHERE status = 'running'`);

	await createEventTables(ctx);
}

export async function down(ctx: MigrationContext): Promise<void> {
	await dropEventTables(ctx);
	for (const table of ["video_jobs", "files"]) await ctx.sequelize.query(`DROP TABLE IF EXISTS "${ctx.schema}".${table}`);
}
