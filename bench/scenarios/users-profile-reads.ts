/**
 * Issue 5: profile reads per second and their p99 — `GET /api/v1/users/:id`
 * authenticated, through the one-process gateway, each answer carrying the
 * viewer's relationship flags.
 */
import type autocannon from "autocannon";
import { awaitQuietMachine, measureHttp } from "../lib/measure";
import { pidsByCommand } from "../lib/processes";
import { startBenchStack } from "../lib/stack-client";
import type { Scenario, ScenarioResult } from "../lib/types";

/** Readers, each with its own token; every connection cycles through all of them. */
const READERS = 20;
/** Profiles read, each followed by some of the readers so the viewer flags vary. */
const PROFILES = 5;
const STACK_ENV = { RATE_LIMIT_SCALE: "1000000" };

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

async function api(baseUrl: string, path: string, token: string, method = "GET"): Promise<{ status: number; json: Record<string, unknown> }> {
	const res = await fetch(baseUrl + path, { method, headers: { authorization: `Bearer ${token}` } });
	const text = await res.text();
	return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** The profile exists once users consumed the registration event. */
async function profileOf(baseUrl: string, token: string): Promise<string> {
	const deadline = Date.now() + 30_000;
	for (;;) {
		const me = await api(baseUrl, "/api/v1/users/me", token);
		if (me.status === 200) return String(me.json.id);
		if (Date.now() > deadline) throw new Error(`no profile after 30 s: ${me.status}`);
		await new Promise(r => setTimeout(r, 100));
	}
}

const scenario: Scenario = {
	name: "users-profile-reads",
	title: "profile reads through the gateway",
	goal: "none fixed (issue 5): report authenticated profile reads/s and p99 through the one-process gateway.",

	async run(ctx): Promise<ScenarioResult> {
		ctx.log("one process (Stack single): starting");
		const stack = await startBenchStack(ctx, "single", STACK_ENV);
		let m;
		try {
			ctx.log(`registering ${READERS} users through REST`);
			const tokens: string[] = [];
			for (let i = 0; i < READERS; i++) tokens.push(await stack.call<string>("bench.createUser", {}));
			const ids: string[] = [];
			for (const token of tokens) ids.push(await profileOf(stack.baseUrl, token));
			const targets = ids.slice(0, PROFILES);
			// Every reader follows the profiles whose index shares its parity: half the answers say "following".
			for (const [r, token] of tokens.entries())
				for (const [t, id] of targets.entries()) if (id !== ids[r] && r % 2 === t % 2) await api(stack.baseUrl, `/api/v1/users/${id}/follow`, token, "POST");
			const requests: autocannon.Request[] = tokens.flatMap(token =>
				targets.map(id => ({ method: "GET" as const, path: `/api/v1/users/${id}`, headers: { authorization: `Bearer ${token}` } }))
			);
			const probe = await api(stack.baseUrl, `/api/v1/users/${targets[1]}`, tokens[0]);
			if (probe.status !== 200 || !probe.json.viewer) throw new Error(`a profile read did not answer 200 with viewer flags: ${probe.status} ${JSON.stringify(probe.json).slice(0, 300)}`);
			await awaitQuietMachine(ctx.log);
			ctx.log("measuring");
			const postgres = pidsByCommand(["postgres"]).map(pid => ({ label: "PostgreSQL", pid }));
			m = await measureHttp({ url: stack.baseUrl, requests }, ctx.settings, [{ label: "node (all services)", pid: stack.proc.pid! }, ...postgres]);
		} finally {
			await stack.stop();
		}
		const notes: string[] = [];
		if (m.non2xx || m.errors) notes.push(`- ${m.non2xx} non-2xx responses and ${m.errors} connection errors — the figures count 2xx only.`);
		if (m.otherCpuPct >= 15) notes.push(`- **Disturbed:** other work used ${fmt(m.otherCpuPct)} % of a core during the run; rerun on a quiet machine.`);
		notes.push(
			"- A read is one SQL call (`users.profile_for`, a PL/pgSQL function whose plans PostgreSQL keeps per connection: the profile, its posts count and the viewer's six relationship probes on primary-key indexes) and no files call (these profiles have no avatar; with one, files.views is called once per read and its answer cached 30 s in the users process). REST reads are not cached: a follow or block must show on the next read."
		);
		return {
			method: [
				`- **Request:** \`GET /api/v1/users/:id\` (\`users.profile\`, auth optional, sent with a token) answered 200 with the User shape including \`viewer\` flags. ${READERS} users registered through REST (register → SMS code → verify), each with its own access token; ${PROFILES} of them are read, each followed by half of the readers. Every connection cycles through all ${READERS * PROFILES} (reader, profile) pairs.`,
				`- **Stack:** \`new Stack("single", { env })\` in a child process (every service in one broker, the real PostgreSQL), \`RATE_LIMIT_SCALE=1000000\` (limits × 10⁶, counters still kept).`,
				`- **Load:** autocannon in the bench process, ${ctx.settings.connections} connections, ${ctx.settings.warmupS} s warm-up (discarded) then ${ctx.settings.durationS} s measured. Throughput counts 2xx; percentiles are exact over every 2xx of the window. CPU from \`/proc\` (100 % = one core); "PostgreSQL" sums every \`postgres\` process on the machine (on a shared machine, other test databases' work too).`
			],
			columns: ["reads/s", "p50 ms", "p99 ms", "2xx", "non-2xx", "errors", "server CPU %", "PostgreSQL CPU %", "load-gen CPU %", "other CPU %", "server RSS MB"],
			rows: [
				{
					"reads/s": fmt(m.rps),
					"p50 ms": fmt(m.p50Ms, 2),
					"p99 ms": fmt(m.p99Ms, 2),
					"2xx": String(m.ok),
					"non-2xx": String(m.non2xx),
					errors: String(m.errors),
					"server CPU %": fmt(m.processes[0]?.cpuPct ?? NaN),
					"PostgreSQL CPU %": fmt(m.processes.slice(1).reduce((s, p) => s + (Number.isFinite(p.cpuPct) ? p.cpuPct : 0), 0)),
					"load-gen CPU %": fmt(m.generatorCpuPct),
					"other CPU %": fmt(m.otherCpuPct),
					"server RSS MB": `${fmt(m.processes[0]?.rssMb ?? NaN)} (peak ${fmt(m.processes[0]?.peakRssMb ?? NaN)})`
				}
			],
			verdicts: [
				{ label: "profile reads/s", value: m.rps },
				{ label: "p99 ms", value: m.p99Ms }
			],
			notes
		};
	}
};

export default scenario;
