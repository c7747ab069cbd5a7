/**
 * `npm run migrate`: applies pending migrations to the core and notif
 * databases (DATABASE_URL / NOTIF_DATABASE_URL). `-- --status` lists what is
 * applied and pending instead. Used by the Kubernetes migration Job.
 */
import { ConfigError, loadConfig, type ResolvedConfig } from "../lib/config";
import { acquireSequelize, releaseSequelize } from "../lib/db/connections";
import { migrationStatus } from "../lib/db/migrator";
import { runMigrations } from "../lib/node/bootstrap";

async function main() {
	const cfg = loadConfig();
	if (!cfg.databaseUrl || !cfg.notifDatabaseUrl) {
		throw new ConfigError("DATABASE_URL", "and NOTIF_DATABASE_URL are required for npm run migrate (npm start migrates the embedded database itself)");
	}
	const resolved = cfg as ResolvedConfig;
	if (process.argv.includes("--status")) {
		for (const [db, url] of [["core", resolved.databaseUrl], ["notif", resolved.notifDatabaseUrl]] as const) {
			const s = acquireSequelize(url);
			process.stdout.write(`${db}: ${JSON.stringify(await migrationStatus(s, db), null, 2)}\n`);
			await releaseSequelize(url);
		}
		return;
	}
	const applied = await runMigrations(resolved, [], m => process.stdout.write(`${m}\n`));
	process.stdout.write(applied.length ? `Applied ${applied.length} migration(s):\n  ${applied.join("\n  ")}\n` : "Nothing to migrate.\n");
}

main().catch(err => {
	process.stderr.write(`${err instanceof ConfigError ? err.message : (err as Error).stack}\n`);
	process.exit(err instanceof ConfigError ? 78 : 1);
});
