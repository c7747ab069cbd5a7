/**
 * Versioned schema history, one umzug history per domain.
 *
 * Layout: `migrations/<database>/<domain>/<NNNN-name>.ts`. Each domain owns a
 * PostgreSQL schema of the same name and records its applied migrations in
 * `<domain>.schema_migrations`, so domains evolve independently. Nodes that
 * start together serialise on a PostgreSQL advisory lock.
 */
import fs from "node:fs";
import path from "node:path";
import { QueryInterface, Sequelize } from "sequelize";
import { SequelizeStorage, Umzug } from "umzug";

export type DatabaseName = "core" | "notif";

export interface MigrationContext {
	queryInterface: QueryInterface;
	sequelize: Sequelize;
	/** The PostgreSQL schema this domain owns. */
	schema: string;
}

export interface MigrationModule {
	up(ctx: MigrationContext): Promise<void>;
	down(ctx: MigrationContext): Promise<void>;
}

export const MIGRATIONS_ROOT = path.resolve(__dirname, "..", "..", "migrations");

/** A stable 64-bit-ish advisory lock key per database name. */
const LOCK_KEYS: Record<DatabaseName, number> = { core: 727_001, notif: 727_002 };

function listDomains(root: string): string[] {
	if (!fs.existsSync(root)) return [];
	return fs
		.readdirSync(root, { withFileTypes: true })
		.filter(d => d.isDirectory())
		.map(d => d.name)
		.sort();
}

function listMigrationFiles(dir: string): string[] {
	return fs
		.readdirSync(dir)
		.filter(f => /\.(ts|js)$/.test(f) && !f.endsWith(".d.ts"))
		.sort();
}

function umzugFor(sequelize: Sequelize, schema: string, dir: string, log: (m: string) => void) {
	const ctx: MigrationContext = { queryInterface: sequelize.getQueryInterface(), sequelize, schema };
	return new Umzug<MigrationContext>({
		migrations: listMigrationFiles(dir).map(file => {
			const full = path.join(dir, file);
			return {
				name: file.replace(/\.(ts|js)$/, ""),
				path: full,
				up: async ({ context }) => (require(full) as MigrationModule).up(context),
				down: async ({ context }) => (require(full) as MigrationModule).down(context)
			};
		}),
		context: ctx,
		// One model per schema: umzug reuses an already defined model of the same name (default
		// "SequelizeMeta"), which would record every domain's history in the first domain's table.
		storage: new SequelizeStorage({ sequelize, schema, tableName: "schema_migrations", modelName: `schema_migrations_${schema}` }),
		logger: {
			info: m => {
				const e = m as { event?: string; name?: string; durationSeconds?: number };
				if (e.event === "migrated") log(`migrated ${schema}/${e.name} (${Math.round((e.durationSeconds ?? 0) * 1000)} ms)`);
			},
			warn: m => log(`migration warning: ${JSON.stringify(m)}`),
			error: m => log(`migration error: ${JSON.stringify(m)}`),
			debug: () => undefined
		}
	});
}

export interface MigrateOptions {
	/** Extra roots laid out like migrations/<database> (test fixtures use this). */
	extraRoots?: string[];
	/** Only these domains (default: every folder found). */
	domains?: string[];
	log?: (msg: string) => void;
}

/** Applies every pending migration of every domain of one database. Returns the names applied. */
export async function migrateUp(sequelize: Sequelize, database: DatabaseName, opts: MigrateOptions = {}): Promise<string[]> {
	const log = opts.log ?? (() => undefined);
	const roots = [path.join(MIGRATIONS_ROOT, database), ...(opts.extraRoots ?? []).map(r => path.join(r, database))];
	const applied: string[] = [];
	const lockKey = LOCK_KEYS[database];
	// The advisory lock is session-scoped: hold one connection for the whole run.
	const conn = (await (sequelize.connectionManager as unknown as { getConnection(): Promise<PgConn> }).getConnection());
	try {
		await conn.query(`SELECT pg_advisory_lock(${lockKey})`);
		for (const root of roots) {
			for (const domain of listDomains(root)) {
				if (opts.domains && !opts.domains.includes(domain)) continue;
				await sequelize.query(`CREATE SCHEMA IF NOT EXISTS "${domain}"`);
				const done = await umzugFor(sequelize, domain, path.join(root, domain), log).up();
				applied.push(...done.map(m => `${domain}/${m.name}`));
			}
		}
	} finally {
		await conn.query(`SELECT pg_advisory_unlock(${lockKey})`).catch(() => undefined);
		(sequelize.connectionManager as unknown as { releaseConnection(c: PgConn): void }).releaseConnection(conn);
	}
	return applied;
}

/** Reverts the last migration of one domain. */
export async function migrateDown(sequelize: Sequelize, database: DatabaseName, domain: string, root = MIGRATIONS_ROOT) {
	return umzugFor(sequelize, domain, path.join(root, database, domain), () => undefined).down();
}

/** Pending migration names per domain, for `npm run migrate -- --status` and readiness checks. */
export async function migrationStatus(sequelize: Sequelize, database: DatabaseName, root = MIGRATIONS_ROOT) {
	const out: Record<string, { executed: string[]; pending: string[] }> = {};
	for (const domain of listDomains(path.join(root, database))) {
		await sequelize.query(`CREATE SCHEMA IF NOT EXISTS "${domain}"`);
		const u = umzugFor(sequelize, domain, path.join(root, database, domain), () => undefined);
		out[domain] = {
			executed: (await u.executed()).map(m => m.name),
			pending: (await u.pending()).map(m => m.name)
		};
	}
	return out;
}

interface PgConn {
	query(sql: string): Promise<unknown>;
}
