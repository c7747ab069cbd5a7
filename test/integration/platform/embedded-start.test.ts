/**
 * `npm start` with nothing configured: the whole platform in one process on
 * the embedded PostgreSQL and S3, as a newcomer runs it. Spawns the real entry
 * point (`node --require tsx/cjs bin/start.ts`, what `npm start` runs through
 * tsx) with a clean environment, and checks it comes up, documents itself,
 * stops cleanly on SIGINT (taking its PostgreSQL with it), keeps its data
 * across a restart, and runs beside a second instance with its own PORT and
 * DATA_DIR.
 *
 * Single topology only: this is the zero-configuration one-process shape, with
 * no RabbitMQ or Redis involved, so the split run would repeat the same test
 * word for word (and pay for two more initdb runs).
 */
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { expect } from "chai";
import { Client } from "pg";
import { RUN_ID, TOPOLOGY } from "../../support/environment";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const READY_WITHIN_MS = 60_000;
const STOP_WITHIN_MS = 20_000;

interface Instance {
	name: string;
	port: number;
	healthPort: number;
	pgPort: number;
	dataDir: string;
	proc: ChildProcess | null;
	output: string;
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | null;
}

const taken = new Set<number>();

/** A port nothing listens on right now (and that this file has not handed out already). */
async function freePort(): Promise<number> {
	for (;;) {
		const port = await new Promise<number>((resolve, reject) => {
			const server = net.createServer();
			server.once("error", reject);
			server.listen(0, "127.0.0.1", () => {
				const address = server.address() as net.AddressInfo;
				server.close(() => resolve(address.port));
			});
		});
		if (!taken.has(port)) {
			taken.add(port);
			return port;
		}
	}
}

async function newInstance(name: string): Promise<Instance> {
	return {
		name,
		port: await freePort(),
		healthPort: await freePort(),
		pgPort: await freePort(),
		dataDir: path.join(ROOT, ".test-data", `embedded-${RUN_ID}-${name}`),
		proc: null,
		output: "",
		exited: null
	};
}

/** Only what a shell needs: none of the harness's DATABASE_URL, TRANSPORTER, REDIS_URL, S3_ENDPOINT… */
function cleanEnv(i: Instance): NodeJS.ProcessEnv {
	return {
		PATH: process.env.PATH,
		HOME: process.env.HOME,
		NODE_ENV: "development",
		HOST: "127.0.0.1",
		PORT: String(i.port),
		HEALTH_PORT: String(i.healthPort),
		EMBEDDED_PG_PORT: String(i.pgPort),
		EMBEDDED_S3_PORT: "0",
		DATA_DIR: i.dataDir
	};
}

function start(i: Instance): void {
	i.output = "";
	const proc = spawn(process.execPath, ["--require", "tsx/cjs", "bin/start.ts"], {
		cwd: ROOT,
		env: cleanEnv(i),
		stdio: ["ignore", "pipe", "pipe"]
	});
	const collect = (chunk: Buffer) => {
		i.output += chunk.toString("utf8");
	};
	proc.stdout?.on("data", collect);
	proc.stderr?.on("data", collect);
	i.exited = new Promise(resolve => proc.once("exit", (code, signal) => resolve({ code, signal })));
	i.proc = proc;
}

const tail = (i: Instance) => i.output.split("\n").slice(-30).join("\n");

/**
 * Until /api/health/ready answers 200 and the start-up banner is out (the
 * banner comes once start-up has finished, with the signal handlers in place).
 * Returns how long it took.
 */
async function waitReady(i: Instance, sinceMs: number): Promise<number> {
	const deadline = sinceMs + READY_WITHIN_MS;
	while (Date.now() < deadline) {
		if (i.proc?.exitCode !== null) throw new Error(`${i.name} exited with ${i.proc?.exitCode} before it was ready:\n${tail(i)}`);
		try {
			const res = await fetch(`http://127.0.0.1:${i.port}/api/health/ready`);
			if (res.status === 200 && i.output.includes("API docs:")) return Date.now() - sinceMs;
		} catch {
			// not listening yet
		}
		await new Promise(r => setTimeout(r, 300));
	}
	throw new Error(`${i.name}: /api/health/ready not 200 within ${READY_WITHIN_MS / 1000} s:\n${tail(i)}`);
}

/** PID of the embedded PostgreSQL serving this DATA_DIR, from its postmaster.pid; null when there is none. */
function postmasterPid(i: Instance): number | null {
	const file = path.join(i.dataDir, "postgres", "postmaster.pid");
	if (!fs.existsSync(file)) return null;
	return Number(fs.readFileSync(file, "utf8").split("\n")[0]) || null;
}

/** Running (not gone, not a zombie awaiting its parent). */
function alive(pid: number): boolean {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
		return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
	} catch {
		return false;
	}
}

/** Running PostgreSQL server processes whose data folder is this instance's. */
function postgresOf(i: Instance): number[] {
	const dir = path.join(i.dataDir, "postgres");
	return fs
		.readdirSync("/proc")
		.filter(d => /^\d+$/.test(d))
		.map(Number)
		.filter(pid => alive(pid) && cmdline(pid).includes(`-D ${dir} `));
}

function cmdline(pid: number): string {
	try {
		return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
	} catch {
		return "";
	}
}

async function pg(i: Instance): Promise<Client> {
	const { password } = JSON.parse(fs.readFileSync(path.join(i.dataDir, "postgres.json"), "utf8")) as { password: string };
	const client = new Client({ host: "127.0.0.1", port: i.pgPort, user: "postgres", password, database: "nexgate" });
	await client.connect();
	return client;
}

async function migrationsOf(i: Instance): Promise<string[]> {
	const client = await pg(i);
	try {
		return (await client.query<{ name: string }>("SELECT name FROM platform.schema_migrations ORDER BY name")).rows.map(r => r.name);
	} finally {
		await client.end();
	}
}

/** SIGINT, as Ctrl-C or a process manager sends it; resolves with how it ended and how long it took. */
async function interrupt(i: Instance): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
	const t0 = Date.now();
	i.proc!.kill("SIGINT");
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<null>(resolve => {
		timer = setTimeout(() => resolve(null), STOP_WITHIN_MS);
	});
	const result = await Promise.race([i.exited!, timeout]);
	clearTimeout(timer);
	if (!result) throw new Error(`${i.name} still running ${STOP_WITHIN_MS / 1000} s after SIGINT:\n${tail(i)}`);
	return { ...result, ms: Date.now() - t0 };
}

/** Stops cleanly and takes its PostgreSQL with it. */
async function expectCleanStop(i: Instance): Promise<void> {
	const pgPid = postmasterPid(i);
	expect(pgPid, `${i.name}: no postmaster.pid while running`).to.be.a("number");
	expect(cmdline(pgPid!), `${i.name}: postmaster.pid names a process of another data folder`).to.include(i.dataDir);
	const { code, signal, ms } = await interrupt(i);
	expect({ code, signal }, `${i.name} after SIGINT:\n${tail(i)}`).to.deep.equal({ code: 0, signal: null });
	expect(ms).to.be.below(STOP_WITHIN_MS);
	expect(fs.existsSync(path.join(i.dataDir, "postgres", "postmaster.pid")), `${i.name}: postmaster.pid left behind`).to.equal(false);
	expect(alive(pgPid!), `${i.name}: embedded PostgreSQL (pid ${pgPid}) still running`).to.equal(false);
	expect(postgresOf(i), `${i.name}: PostgreSQL processes left on its DATA_DIR`).to.deep.equal([]);
}

describe("npm start with nothing configured (embedded PostgreSQL and S3)", function () {
	this.timeout(180_000);
	let a: Instance;
	let b: Instance;
	const probe = { id: crypto.randomUUID(), note: `written before the stop at ${new Date().toISOString()}` };
	let migrationsBefore: string[] = [];

	before(async function () {
		// See the header: the split run would only repeat this test.
		if (TOPOLOGY !== "single") this.skip();
		a = await newInstance("a");
		b = await newInstance("b");
		for (const i of [a, b]) fs.rmSync(i.dataDir, { recursive: true, force: true });
	});

	after(async function () {
		if (!a) return;
		for (const i of [a, b]) {
			// Whatever an assertion left running: our child, then the PostgreSQL it started for this DATA_DIR.
			if (i.proc && i.proc.exitCode === null && i.proc.signalCode === null) {
				i.proc.kill("SIGKILL");
				await i.exited;
			}
			const pgPid = postmasterPid(i);
			if (pgPid && alive(pgPid) && cmdline(pgPid).includes(i.dataDir)) {
				process.kill(pgPid, "SIGQUIT");
				for (let t = 0; t < 50 && alive(pgPid); t++) await new Promise(r => setTimeout(r, 100));
			}
			fs.rmSync(i.dataDir, { recursive: true, force: true });
		}
	});

	it("comes up ready within 60 s on a fresh DATA_DIR, beside a second instance with its own PORT and DATA_DIR", async () => {
		const t0 = Date.now();
		start(a);
		start(b);
		const [readyA, readyB] = await Promise.all([waitReady(a, t0), waitReady(b, t0)]);
		expect(readyA).to.be.below(READY_WITHIN_MS);
		expect(readyB).to.be.below(READY_WITHIN_MS);
		expect(a.pgPort).to.not.equal(b.pgPort);
		expect(postmasterPid(a)).to.not.equal(postmasterPid(b));
	});

	it("serves the API reference and an OpenAPI 3.1 document", async () => {
		const docs = await fetch(`http://127.0.0.1:${a.port}/api/docs`);
		expect(docs.status).to.equal(200);
		expect(docs.headers.get("content-type")).to.match(/^text\/html/);
		expect(await docs.text()).to.match(/<html/i);

		const spec = await fetch(`http://127.0.0.1:${a.port}/api/openapi.json`);
		expect(spec.status).to.equal(200);
		expect(spec.headers.get("content-type")).to.match(/^application\/json/);
		const doc = (await spec.json()) as { openapi?: string; info?: { title?: string }; paths?: Record<string, unknown> };
		expect(doc.openapi).to.match(/^3\.1\.\d+$/);
		expect(doc.info?.title).to.be.a("string");
		expect(doc.paths).to.be.an("object");
	});

	it("prints the addresses of the API and its docs", () => {
		expect(a.output).to.include(`http://localhost:${a.port}/api/v1`);
		expect(a.output).to.include(`http://localhost:${a.port}/api/docs`);
		expect(b.output).to.include(`http://localhost:${b.port}/api/v1`);
	});

	it("has migrated its embedded database and accepts writes to it", async () => {
		migrationsBefore = await migrationsOf(a);
		expect(migrationsBefore.some(n => n.includes("0001-channel-queues")), `platform migrations: ${migrationsBefore.join(", ")}`).to.equal(true);
		const client = await pg(a);
		try {
			await client.query("CREATE TABLE IF NOT EXISTS public.embedded_start_probe (id uuid PRIMARY KEY, note text NOT NULL)");
			await client.query("INSERT INTO public.embedded_start_probe (id, note) VALUES ($1, $2)", [probe.id, probe.note]);
		} finally {
			await client.end();
		}
	});

	it("stops cleanly on SIGINT: exit code 0 within 20 s, its embedded PostgreSQL gone", async () => {
		await Promise.all([expectCleanStop(a), expectCleanStop(b)]);
	});

	it("restarts on the same DATA_DIR: ready again, data kept, nothing migrated twice", async () => {
		const t0 = Date.now();
		start(a);
		await waitReady(a, t0);
		expect(a.output).to.not.match(/Applied \d+ migration/);
		expect(await migrationsOf(a)).to.deep.equal(migrationsBefore);
		const client = await pg(a);
		try {
			const { rows } = await client.query("SELECT note FROM public.embedded_start_probe WHERE id = $1", [probe.id]);
			expect(rows).to.deep.equal([{ note: probe.note }]);
		} finally {
			await client.end();
		}
	});

	it("stops cleanly after the restart too", async () => {
		await expectCleanStop(a);
	});

	it("stops cleanly on a SIGINT that arrives while it is still starting", async () => {
		const t0 = Date.now();
		start(b);
		while (!b.output.includes("Starting embedded PostgreSQL")) {
			if (b.proc?.exitCode !== null || Date.now() - t0 > READY_WITHIN_MS) throw new Error(`b did not start:\n${tail(b)}`);
			await new Promise(r => setTimeout(r, 20));
		}
		const { code, signal } = await interrupt(b);
		expect({ code, signal }, `b after SIGINT during start-up:\n${tail(b)}`).to.deep.equal({ code: 0, signal: null });
		expect(fs.existsSync(path.join(b.dataDir, "postgres", "postmaster.pid")), "postmaster.pid left behind").to.equal(false);
		expect(postgresOf(b), "PostgreSQL processes left on its DATA_DIR").to.deep.equal([]);
	});
});
