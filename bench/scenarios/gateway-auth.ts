/**
 * Issue 2: an authenticated request through the gateway to an action and back,
 * (a) in one process, (b) split over RabbitMQ (gateway node → action on
 * another node), against (c) a bare Node http server answering the same JSON.
 */
import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import type autocannon from "autocannon";
import { awaitQuietMachine, measureHttp, type HttpMeasurement, type WatchedProcess } from "../lib/measure";
import { commandOf, descendants, envOf, forkTs, nextMessage, pidsByCommand, stopChild } from "../lib/processes";
import type { BenchContext, Row, Scenario, ScenarioResult } from "../lib/types";

const ROUTE = "/api/v1/fixtures/me"; // fixtures.whoami: auth "required", answers { user, requestId }
const USERS = 20;
/** The bench's documented relaxation: limits stay on (counters are still kept), just never reached. */
const STACK_ENV = { RATE_LIMIT_SCALE: "1000000" };
const GOAL_RATIO = 0.33;

interface Server {
	proc: ChildProcess;
	baseUrl: string;
	call<T>(action: string, params: unknown): Promise<T>;
	stop(): Promise<void>;
}

async function startChild(ctx: BenchContext, entry: string, env: Record<string, string>, readyMs: number): Promise<{ proc: ChildProcess; ready: Record<string, unknown>; stop(): Promise<void> }> {
	const proc = forkTs(path.resolve(__dirname, "..", "lib", entry), env);
	const unregister = ctx.onAbort(() => stopChild(proc));
	const stop = async () => {
		await stopChild(proc);
		unregister();
	};
	try {
		const ready = await nextMessage<{ type: string } & Record<string, unknown>>(proc, "ready", readyMs);
		return { proc, ready, stop };
	} catch (err) {
		await stop();
		throw err;
	}
}

async function startStack(ctx: BenchContext, topology: "single" | "split"): Promise<Server> {
	const child = await startChild(ctx, "stack-process.ts", { BENCH_TOPOLOGY: topology, BENCH_STACK_ENV: JSON.stringify(STACK_ENV) }, 180_000);
	let nextId = 0;
	const call = <T>(action: string, params: unknown) =>
		new Promise<T>((resolve, reject) => {
			const id = ++nextId;
			const onMessage = (msg: { type: string; id: number; result?: T; error?: string }) => {
				if (msg.type !== "reply" || msg.id !== id) return;
				child.proc.off("message", onMessage);
				if (msg.error) reject(new Error(`${action}: ${msg.error}`));
				else resolve(msg.result as T);
			};
			child.proc.on("message", onMessage);
			child.proc.send({ type: "call", id, action, params });
		});
	return { proc: child.proc, baseUrl: String(child.ready.apiUrl), call, stop: child.stop };
}

async function startBare(ctx: BenchContext, entry: "bare-server.ts" | "framework-floor.ts" = "bare-server.ts"): Promise<Server> {
	const child = await startChild(ctx, entry, {}, 30_000);
	return {
		proc: child.proc,
		baseUrl: `http://127.0.0.1:${child.ready.port}`,
		call: () => Promise.reject(new Error("the bare server has no actions")),
		stop: child.stop
	};
}

/** One token per user; every connection cycles through all of them. */
async function userRequests(server: Server | null): Promise<autocannon.Request[]> {
	const tokens: string[] = [];
	for (let i = 0; i < USERS; i++) {
		tokens.push(server ? await server.call<string>("bench.createUser", {}) : `bare-${crypto.randomUUID()}`);
	}
	return tokens.map(token => ({ method: "GET", path: ROUTE, headers: { authorization: `Bearer ${token}` } }));
}

/**
 * The route answers 200 with the caller before any load (split: the gateway may
 * still be discovering the action). Returns the body's size in bytes.
 */
async function waitUntilServed(baseUrl: string, request: autocannon.Request, timeoutMs = 30_000): Promise<number> {
	const deadline = Date.now() + timeoutMs;
	let last = "";
	while (Date.now() < deadline) {
		try {
			const res = await fetch(baseUrl + ROUTE, { headers: request.headers as Record<string, string> });
			const text = await res.text();
			const body = JSON.parse(text) as { user?: { userId?: string } };
			if (res.status === 200 && body.user?.userId) return Buffer.byteLength(text);
			last = `${res.status} ${JSON.stringify(body).slice(0, 200)}`;
		} catch (err) {
			last = (err as Error).message;
		}
		await new Promise(r => setTimeout(r, 200));
	}
	throw new Error(`GET ${ROUTE} was not served within ${timeoutMs} ms (last: ${last})`);
}

/** Which services ran where: "api, auth, fixtures" (single) or "gateway: api; core: auth; business: fixtures" (split). */
async function servicesRunning(server: Server): Promise<string> {
	const list = await server.call<{ name: string; nodes: string[] }[]>("$node.services", { skipInternal: true, withActions: false, onlyAvailable: true });
	const byNode = new Map<string, string[]>();
	for (const svc of list) {
		for (const node of svc.nodes) {
			const group = node.replace(/-\d+$/, "");
			byNode.set(group, [...(byNode.get(group) ?? []), svc.name]);
		}
	}
	const groups = [...byNode].filter(([group]) => !group.endsWith("-client"));
	if (groups.length === 1) return groups[0][1].sort().join(", ");
	return groups
		.sort(([x], [y]) => x.localeCompare(y))
		.map(([group, names]) => `${group}: ${names.sort().join(", ")}`)
		.join("; ");
}

/** RabbitMQ and Redis, when running on this machine, so split mode's infrastructure CPU shows. */
function infrastructure(): WatchedProcess[] {
	return [
		...pidsByCommand(["beam.smp"]).map(pid => ({ label: "RabbitMQ (beam.smp)", pid })),
		...pidsByCommand(["redis-server"]).map(pid => ({ label: "Redis", pid }))
	];
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
const thousands = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "n/a");

interface Variant {
	label: string;
	m: HttpMeasurement;
	/** How many of the watched processes are the server (the rest is infrastructure). */
	serverCount: number;
	bodyBytes: number;
	/** The services that ran, for the method notes. */
	services?: string;
}

function row(v: Variant): Row {
	const servers = v.m.processes.slice(0, v.serverCount);
	const sum = (f: (p: (typeof servers)[number]) => number) => servers.reduce((s, p) => s + f(p), 0);
	return {
		variant: v.label,
		"req/s": thousands(v.m.rps),
		"p50 ms": fmt(v.m.p50Ms, 2),
		"p99 ms": fmt(v.m.p99Ms, 2),
		"2xx": thousands(v.m.ok),
		"non-2xx": String(v.m.non2xx),
		errors: String(v.m.errors),
		"server CPU %": fmt(sum(p => p.cpuPct)),
		"load-gen CPU %": fmt(v.m.generatorCpuPct),
		"other CPU %": fmt(v.m.otherCpuPct),
		"server RSS MB": `${fmt(sum(p => p.rssMb))} (peak ${fmt(sum(p => p.peakRssMb))})`
	};
}

const scenario: Scenario = {
	name: "gateway-auth",
	title: "authenticated request through the gateway",
	goal: `an authenticated request through the one-process gateway to an action and back within 3× of a bare Node http server (ratio ≥ ${GOAL_RATIO}); the split figure is reported alongside.`,

	async run(ctx): Promise<ScenarioResult> {
		const variants: Record<"a" | "b" | "c" | "d", Variant | null> = { a: null, b: null, c: null, d: null };

		// Run one at a time, so only the measured server competes with the load generator for the cores.
		ctx.log("(c) bare Node http server: starting");
		const bare = await startBare(ctx);
		try {
			const requests = await userRequests(null);
			const bodyBytes = await waitUntilServed(bare.baseUrl, requests[0]);
			await awaitQuietMachine(ctx.log);
			ctx.log("(c) measuring");
			const m = await measureHttp({ url: bare.baseUrl, requests }, ctx.settings, [{ label: "bare server", pid: bare.proc.pid! }]);
			variants.c = { label: "(c) bare Node http", m, serverCount: 1, bodyBytes };
		} finally {
			await bare.stop();
		}

		ctx.log("(d) framework floor (moleculer + moleculer-web defaults): starting");
		const floor = await startBare(ctx, "framework-floor.ts");
		try {
			const requests = await userRequests(null);
			const bodyBytes = await waitUntilServed(floor.baseUrl, requests[0]);
			await awaitQuietMachine(ctx.log);
			ctx.log("(d) measuring");
			const m = await measureHttp({ url: floor.baseUrl, requests }, ctx.settings, [{ label: "framework floor", pid: floor.proc.pid! }]);
			variants.d = { label: "(d) framework floor, no platform features", m, serverCount: 1, bodyBytes };
		} finally {
			await floor.stop();
		}

		ctx.log("(a) one process (Stack single): starting");
		const single = await startStack(ctx, "single");
		try {
			const requests = await userRequests(single);
			const bodyBytes = await waitUntilServed(single.baseUrl, requests[0]);
			await awaitQuietMachine(ctx.log);
			ctx.log("(a) measuring");
			const m = await measureHttp({ url: single.baseUrl, requests }, ctx.settings, [{ label: "node (all services)", pid: single.proc.pid! }]);
			variants.a = { label: "(a) gateway, one process", m, serverCount: 1, bodyBytes, services: await servicesRunning(single) };
		} finally {
			await single.stop();
		}

		ctx.log("(b) split over RabbitMQ (Stack split): starting");
		const split = await startStack(ctx, "split");
		try {
			const requests = await userRequests(split);
			const bodyBytes = await waitUntilServed(split.baseUrl, requests[0]);
			// The node processes are the stack process's Node children (tsx may add esbuild helpers below them).
			const nodes = descendants(split.proc.pid!)
				.filter(pid => commandOf(pid) === "node" && envOf(pid, "NODE_ID"))
				.map(pid => ({ pid, label: (envOf(pid, "NODE_ID") ?? String(pid)).replace(/-\d+$/, " node") }))
				.sort((x, y) => x.label.localeCompare(y.label));
			await awaitQuietMachine(ctx.log);
			ctx.log(`(b) measuring (nodes: ${nodes.map(n => n.label).join(", ")})`);
			const m = await measureHttp({ url: split.baseUrl, requests }, ctx.settings, [...nodes, ...infrastructure()]);
			variants.b = { label: "(b) gateway → action node over RabbitMQ", m, serverCount: nodes.length, bodyBytes, services: await servicesRunning(split) };
		} finally {
			await split.stop();
		}

		const a = variants.a!;
		const b = variants.b!;
		const c = variants.c!;
		const d = variants.d!;
		const ratioA = a.m.rps / c.m.rps;
		const ratioB = b.m.rps / c.m.rps;

		const notes: string[] = [];
		for (const v of [a, b, c, d]) {
			if (v.m.non2xx || v.m.errors) notes.push(`- ${v.label}: ${v.m.non2xx} non-2xx responses and ${v.m.errors} connection errors (${v.m.timeouts} timeouts) — the figures above count 2xx only.`);
		}
		const disturbed = [a, b, c, d].filter(v => v.m.otherCpuPct >= 15);
		if (disturbed.length)
			notes.push(
				`- **Disturbed:** other work on the machine used ${disturbed.map(v => `${fmt(v.m.otherCpuPct)} % of a core during ${v.label.split(" ")[0]}`).join(", ")} — those figures are low; rerun on a quiet machine.`
			);
		if (c.m.generatorCpuPct >= 80)
			notes.push(
				`- The load generator used ${fmt(c.m.generatorCpuPct)} % of a core against the bare server: (c) is bounded by autocannon as much as by the server, so (c) is a lower bound and the ratios to it are upper bounds.`
			);
		notes.push(
			`- (b) per process (CPU % of one core over the window / RSS MB after it): ${b.m.processes
				.map(p => `${p.label} ${fmt(p.cpuPct)} % / ${fmt(p.rssMb)}`)
				.join("; ")}. RabbitMQ and Redis are counted here but not in the "server" columns.`
		);
		notes.push(
			`- Every process — load generator, nodes, RabbitMQ, Redis — shares the machine's cores, so (b) pays for three Node processes and two brokers on the same ${os.cpus().length} cores; on separate machines the split path is bounded by per-hop latency instead.`
		);

		return {
			method: [
				`- **Request:** \`GET ${ROUTE}\` (\`fixtures.whoami\`, \`auth: "required"\`; answers \`{ user, requestId }\`, ${a.bodyBytes} bytes; the bare server's body is ${c.bodyBytes} bytes) with \`Authorization: Bearer <RS256 access token>\`. ${USERS} users, one token each from a real registration (register, SMS code from the simulator, verify); every connection cycles through all of them. The gateway verifies a token's signature once, then serves it from its verified-token cache; the session-revocation check runs on every request (a "not revoked" answer is reused ≤ 500 ms; in split it is a Redis lookup), and the \`/api/v1\` rate limit counts every request.`,
				`- **(a) one process:** \`new Stack("single", { env })\` from \`test/support/stack.ts\` in a child process: every service in \`services/\` (real \`auth\`) and the fixture routes in one broker (this run: ${a.services}), no transporter, the real PostgreSQL.`,
				`- **(b) split:** \`new Stack("split", { env })\`: three node processes (this run: ${b.services}) over RabbitMQ (\`noDelay\`, prefetch 100) with Redis for revocations, rate-limit counters and the cache. Each request goes gateway node → business node → back.`,
				`- **(c) bare:** a Node \`http\` server in a child process (\`bench/lib/bare-server.ts\`) answering the same JSON shape; it checks only that a Bearer header is present.`,
				`- **(d) framework floor:** moleculer + moleculer-web with their defaults in a child process (\`bench/lib/framework-floor.ts\`), one action answering the same JSON, no platform feature at all (no authentication, revocation check, rate limit, request id, metrics or request context): the most any gateway on this stack can do here, so (a)/(d) is what the platform's own features cost.`,
				`- Rate limits: the stacks start with \`RATE_LIMIT_SCALE=1000000\`, the bench's documented relaxation (every limit × 10⁶; nothing is exempt, counters are still kept).`,
				`- The variants run one after another ((c), (d), (a), (b)); only the measured server is up, and each measurement first waits (up to 60 s) for the machine to be otherwise idle. Throughput counts 2xx responses only. Latency percentiles are exact over every 2xx response of the measured window (not autocannon's whole-millisecond histogram). CPU is the processes' user+system time over the measured window from \`/proc\` (100 % = one core); "other CPU" is what other processes ran meanwhile (user-space CPU time on the machine minus the load generator, the servers and, in (b), RabbitMQ and Redis; interrupts and kernel threads are left out) and should be near 0; RSS is read right after the window (peak resident size in parentheses).`
			],
			columns: ["variant", "req/s", "p50 ms", "p99 ms", "2xx", "non-2xx", "errors", "server CPU %", "load-gen CPU %", "other CPU %", "server RSS MB"],
			rows: [row(a), row(b), row(c), row(d)],
			verdicts: [
				{ label: "(a) one process / (c) bare", value: ratioA, target: `≥ ${GOAL_RATIO}`, met: ratioA >= GOAL_RATIO },
				{ label: "(b) split / (c) bare", value: ratioB },
				{ label: "(d) framework floor / (c) bare", value: d.m.rps / c.m.rps },
				{ label: "(a) one process / (d) framework floor", value: a.m.rps / d.m.rps }
			],
			notes
		};
	}
};

export default scenario;
