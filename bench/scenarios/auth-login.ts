/**
 * Issue 3: password sign-ins per second through the gateway at the chosen
 * scrypt cost (one process), at 1 and at 4 connections, with one direct
 * scrypt hash for context.
 */
import crypto from "node:crypto";
import type autocannon from "autocannon";
import { awaitQuietMachine, measureHttp, type HttpMeasurement } from "../lib/measure";
import { pidsByCommand } from "../lib/processes";
import { startBenchStack } from "../lib/stack-client";
import type { Row, Scenario, ScenarioResult } from "../lib/types";
import { CURRENT_PARAMS, hashPassword } from "../../services/auth/rules/password-hash";
import { ACCOUNT_LOCKOUT, ADDRESS_LOCKOUT } from "../../services/auth/rules/lockout";

const ROUTE = "/api/v1/auth/login";
/** Every connection cycles through all of them, so no account signs in twice in a row. */
const USERS = 24;
const CONNECTIONS = [1, 4];
const HASH_SAMPLES = 5;
/** The bench's documented relaxation: limits stay on (counters are still kept), just never reached. */
const STACK_ENV = { RATE_LIMIT_SCALE: "1000000" };


async function postJson(baseUrl: string, route: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
	const res = await fetch(baseUrl + route, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
	const text = await res.text();
	return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** The newest 6-digit code the SMS simulator received for this phone. */
async function latestCode(baseUrl: string, phone: string, timeoutMs = 20_000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const res = await fetch(`${baseUrl}/sim/sms/messages?to=${encodeURIComponent(phone)}`);
		const { items } = (await res.json()) as { items: Array<{ text?: string }> };
		const code = items.length ? /(?<!\d)\d{6}(?!\d)/.exec(items[items.length - 1].text ?? "")?.[0] : undefined;
		if (code) return code;
		await new Promise(r => setTimeout(r, 100));
	}
	throw new Error(`no SMS code reached ${phone} within ${timeoutMs} ms`);
}

interface Account {
	identifier: string;
	password: string;
	deviceId: string;
}

/** "+2557" and 8 digits: a per-run prefix (4 digits) and the user's index. */
function phones(n: number): string[] {
	const prefix = String(crypto.randomInt(0, 10_000)).padStart(4, "0");
	return Array.from({ length: n }, (_, i) => `+2557${prefix}${String(i).padStart(4, "0")}`);
}

/** A real account through REST: register, the code from the SMS simulator, verify (which completes the device's first sign-in). */
async function register(baseUrl: string, phone: string): Promise<Account> {
	const password = `Kilima-${crypto.randomBytes(6).toString("hex")}`;
	const deviceId = `bench-${crypto.randomUUID()}`;
	const reg = await postJson(baseUrl, "/api/v1/auth/register", { phone, password, displayName: "Bench User" });
	if (reg.status !== 201) throw new Error(`registration of ${phone} failed: ${reg.status} ${JSON.stringify(reg.json)}`);
	const code = await latestCode(baseUrl, phone);
	const verified = await postJson(baseUrl, "/api/v1/auth/verify", { identifier: phone, code, device: { id: deviceId } });
	if (verified.status !== 200) throw new Error(`verification of ${phone} failed: ${verified.status} ${JSON.stringify(verified.json)}`);
	return { identifier: phone, password, deviceId };
}

function loginRequest(a: Account): autocannon.Request {
	return {
		method: "POST",
		path: ROUTE,
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ identifier: a.identifier, password: a.password, device: { id: a.deviceId } })
	};
}

/** Wall time of one hash in this process, ms: the median of a few, after one unmeasured. */
async function scryptMs(): Promise<{ medianMs: number; minMs: number }> {
	await hashPassword("warm-up-password");
	const times: number[] = [];
	for (let i = 0; i < HASH_SAMPLES; i++) {
		const t0 = process.hrtime.bigint();
		await hashPassword(`Kilima-${i}-bench`);
		times.push(Number(process.hrtime.bigint() - t0) / 1e6);
	}
	times.sort((x, y) => x - y);
	return { medianMs: times[Math.floor(times.length / 2)], minMs: times[0] };
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

function row(connections: number, m: HttpMeasurement): Row {
	return {
		connections: String(connections),
		"logins/s": fmt(m.rps, 2),
		"p50 ms": fmt(m.p50Ms, 0),
		"p99 ms": fmt(m.p99Ms, 0),
		"200": String(m.ok),
		"non-2xx": String(m.non2xx),
		errors: String(m.errors),
		"server CPU %": fmt(m.processes[0]?.cpuPct ?? NaN),
		"PostgreSQL CPU %": fmt(m.processes.slice(1).reduce((sum, p) => sum + (Number.isFinite(p.cpuPct) ? p.cpuPct : 0), 0)),
		"load-gen CPU %": fmt(m.generatorCpuPct),
		"other CPU %": fmt(m.otherCpuPct),
		"server RSS MB": `${fmt(m.processes[0]?.rssMb ?? NaN)} (peak ${fmt(m.processes[0]?.peakRssMb ?? NaN)})`
	};
}

const scenario: Scenario = {
	name: "auth-login",
	title: "password sign-ins through the gateway",
	goal: "none fixed (issue 3): report sign-ins/s at the chosen scrypt cost through the one-process gateway, at 1 and at 4 connections.",

	async run(ctx): Promise<ScenarioResult> {
		ctx.log("scrypt: one hash, measured in the bench process with nothing else running");
		await awaitQuietMachine(ctx.log);
		const hash = await scryptMs();

		ctx.log("one process (Stack single): starting");
		const stack = await startBenchStack(ctx, "single", STACK_ENV);
		const results: Array<{ connections: number; m: HttpMeasurement }> = [];
		try {
			ctx.log(`registering ${USERS} users through REST`);
			const accounts: Account[] = [];
			for (const phone of phones(USERS)) accounts.push(await register(stack.baseUrl, phone));
			const requests = accounts.map(loginRequest);

			// One sign-in by hand first, so a misconfiguration fails loudly instead of measuring 401s.
			const probe = await postJson(stack.baseUrl, ROUTE, JSON.parse(String(requests[0].body)));
			if (probe.status !== 200 || !probe.json.accessToken) throw new Error(`a sign-in did not answer 200 with tokens: ${probe.status} ${JSON.stringify(probe.json).slice(0, 300)}`);

			for (const connections of CONNECTIONS) {
				await awaitQuietMachine(ctx.log);
				ctx.log(`measuring at ${connections} connection(s)`);
				// PostgreSQL does part of every sign-in (account read, session and refresh-token writes): watched, so it is not counted as other work.
				const postgres = pidsByCommand(["postgres"]).map(pid => ({ label: "PostgreSQL", pid }));
				const m = await measureHttp({ url: stack.baseUrl, requests }, { ...ctx.settings, connections }, [{ label: "node (all services)", pid: stack.proc.pid! }, ...postgres]);
				results.push({ connections, m });
			}
		} finally {
			await stack.stop();
		}

		const { N, r, p } = CURRENT_PARAMS;
		const memMiB = (128 * N * r) / 1024 ** 2;
		const notes: string[] = [];
		for (const { connections, m } of results) {
			if (m.non2xx || m.errors)
				notes.push(`- ${connections} connection(s): ${m.non2xx} non-2xx responses and ${m.errors} connection errors (${m.timeouts} timeouts) — the figures count 200s only.`);
			if (m.otherCpuPct >= 15) notes.push(`- **Disturbed:** other work used ${fmt(m.otherCpuPct)} % of a core during the ${connections}-connection run; rerun on a quiet machine.`);
		}
		const one = results.find(x => x.connections === 1)?.m;
		if (one)
			notes.push(
				`- At one connection a sign-in takes ${fmt(one.p50Ms)} ms (p50) against ${fmt(hash.minMs)} ms for the fastest direct scrypt hash: roughly ${fmt(one.p50Ms - hash.minMs)} ms is the rest — the gateway, the account read, the session and refresh-token writes and the RS256 signature.`
			);
		notes.push(
			"- Each sign-in is one scrypt verification on the libuv pool (4 threads) plus a session, a refresh token and an RS256 access token; with 2 cores two hashes run at a time, so a few connections saturate the node. Sign-ins are rare next to authenticated requests (refresh costs no hash)."
		);

		return {
			method: [
				`- **Request:** \`POST ${ROUTE} { identifier, password, device: { id } }\`, answered 200 with a TokenPair. ${USERS} accounts, each registered through REST first (\`POST /api/v1/auth/register\`, the 6-digit code from \`GET /sim/sms/messages?to=\`, \`POST /api/v1/auth/verify\` with the device id the sign-ins then use, so no new-device challenge); phone numbers \`+2557\` + 8 digits, unique per run. Every connection cycles through all ${USERS} accounts.`,
				`- **Cost:** scrypt N=2^${Math.log2(N)}, r=${r}, p=${p} (${memMiB} MiB per hash; \`CURRENT_PARAMS\` in \`services/auth/rules/password-hash.ts\`). One \`hashPassword\` measured directly in the bench process, before the stack starts: median of ${HASH_SAMPLES} **${fmt(hash.medianMs, 1)} ms** (fastest ${fmt(hash.minMs, 1)} ms).`,
				`- **Stack:** \`new Stack("single", { env })\` from \`test/support/stack.ts\` in a child process (every service in one broker, the real PostgreSQL), started with \`RATE_LIMIT_SCALE=1000000\` (the gateway's login limit of 30/min per address and auth's per-address limits × 10⁶; counters are still kept). The lockout counts failures only (account: ${ACCOUNT_LOCKOUT.freeFailures} free failures, address: ${ADDRESS_LOCKOUT.freeFailures} × scale; \`services/auth/rules/lockout.ts\`, docs/auth.md) and a success clears the account's count, so successful sign-ins never lock; a probe sign-in must answer 200 before the load.`,
				`- **Load:** autocannon in the bench process at ${CONNECTIONS.join(" and at ")} connections, each ${ctx.settings.warmupS} s warm-up (discarded) then ${ctx.settings.durationS} s measured (the \`--connections\` option does not apply here). Throughput counts 200 answers only; latency percentiles are exact over every 200 of the window. CPU from \`/proc\` over the window (100 % = one core); "PostgreSQL" sums every \`postgres\` process on the machine, "other" is the rest of the machine's user-space CPU and should be near 0.`,
				"- Issue 3 also asks to compare the gateway's authenticated requests/s against the foundation baseline: that figure is the `gateway-auth` section of this file, which now measures with real access tokens from registered users; sign-ins are measured here separately because each costs a password hash."
			],
			columns: ["connections", "logins/s", "p50 ms", "p99 ms", "200", "non-2xx", "errors", "server CPU %", "PostgreSQL CPU %", "load-gen CPU %", "other CPU %", "server RSS MB"],
			rows: results.map(x => row(x.connections, x.m)),
			verdicts: [
				...results.map(x => ({ label: `sign-ins/s at ${x.connections} connection(s)`, value: x.m.rps })),
				{ label: "one scrypt hash, ms (median)", value: hash.medianMs }
			],
			notes
		};
	}
};

export default scenario;
