/**
 * Issue 9: check-ins per second through the gateway (scanner token, RS256
 * verification, the ticket's row lock, the check-in log row, the entry) and
 * offline verifications per second (what a scanner does with no network:
 * the code's signature checked with the published public key, its event,
 * revocation list and window — pure node:crypto, one core).
 */
import type autocannon from "autocannon";
import crypto from "node:crypto";
import { verifyCode } from "../../services/events/rules/checkin";
import { awaitQuietMachine, measureHttp } from "../lib/measure";
import { pidsByCommand } from "../lib/processes";
import { startBenchStack } from "../lib/stack-client";
import type { Scenario, ScenarioResult } from "../lib/types";

/** Tickets scanned, spread over connections so two rarely wait on one row lock (as at real gates). */
const BOOKINGS = 50;
const PER_BOOKING = 10;
const STACK_ENV = { RATE_LIMIT_SCALE: "1000000" };

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

async function api(baseUrl: string, path: string, token: string | null, opts: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
	const headers: Record<string, string> = { "content-type": "application/json", ...opts.headers };
	if (token) headers.authorization = `Bearer ${token}`;
	const res = await fetch(baseUrl + path, { method: opts.method ?? "GET", headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
	const text = await res.text();
	const json = text ? (JSON.parse(text) as Record<string, any>) : {}; // eslint-disable-line @typescript-eslint/no-explicit-any
	if (res.status >= 300) throw new Error(`${opts.method ?? "GET"} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
	return json;
}

/** Offline verifications in a tight loop for `seconds`: codes verified per second on this one thread. */
function offlineRate(codes: string[], eventId: string, keys: Array<{ kid: string; publicKeyPem: string }>, revoked: Set<string>, seconds: number): { perSecond: number; results: Record<string, number> } {
	const byKid = new Map(keys.map(k => [k.kid, { publicKey: crypto.createPublicKey(k.publicKeyPem), eventId }]));
	const results: Record<string, number> = {};
	const nowS = Math.floor(Date.now() / 1000);
	let n = 0;
	const t0 = process.hrtime.bigint();
	const until = t0 + BigInt(seconds) * 1_000_000_000n;
	while (process.hrtime.bigint() < until) {
		for (let i = 0; i < 100; i++) {
			const v = verifyCode({ code: codes[n % codes.length], eventId, keyOf: kid => byKid.get(kid), isRevoked: id => revoked.has(id), nowS, leewayS: 120 });
			results[v.result] = (results[v.result] ?? 0) + 1;
			n++;
		}
	}
	const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
	return { perSecond: n / wallS, results };
}

const scenario: Scenario = {
	name: "events-checkins",
	title: "ticket check-ins and offline verifications",
	goal: "none fixed (issue 9): report check-ins per second through the gateway and offline verifications per second (public-key RS256 verify).",

	async run(ctx): Promise<ScenarioResult> {
		ctx.log("one process (Stack single): starting");
		const stack = await startBenchStack(ctx, "single", STACK_ENV);
		let m;
		let offline;
		const codes: string[] = [];
		let eventId = "";
		try {
			const organizer = await stack.call<string>("bench.createUser", {});
			const buyer = await stack.call<string>("bench.createUser", {});
			const startsAt = new Date(Date.now() + 30 * 60_000);
			const created = await api(stack.baseUrl, "/api/v1/events", organizer, {
				method: "POST",
				body: {
					title: "Bench gate night",
					description: "check-in bench",
					category: "music",
					startsAt: startsAt.toISOString(),
					endsAt: new Date(startsAt.getTime() + 4 * 3_600_000).toISOString(),
					timezone: "Africa/Dar_es_Salaam",
					venue: { name: "Uwanja", address: "Barabara ya Uhuru", city: "Dar es Salaam", lat: -6.8, lng: 39.28 }
				}
			});
			eventId = (created.event ?? created).id;
			// Re-entry allowed: every scan is an entry (lock, log row, counter), the most a check-in ever writes.
			const type = await api(stack.baseUrl, `/api/v1/events/${eventId}/ticket-types`, organizer, {
				method: "POST",
				body: { name: "Kawaida", price: 0, currency: "TZS", capacity: BOOKINGS * PER_BOOKING, perOrderLimit: PER_BOOKING, allowsReentry: true }
			});
			await api(stack.baseUrl, `/api/v1/events/${eventId}/publish`, organizer, { method: "POST", body: { postToFeed: false } });
			ctx.log(`booking ${BOOKINGS * PER_BOOKING} free tickets`);
			for (let i = 0; i < BOOKINGS; i++)
				await api(stack.baseUrl, `/api/v1/events/${eventId}/bookings`, buyer, {
					method: "POST",
					body: { items: [{ ticketTypeId: type.id, quantity: PER_BOOKING }] },
					headers: { "idempotency-key": crypto.randomUUID() }
				});
			for (let cursor: string | null = null, i = 0; i < 50; i++) {
				const page = await api(stack.baseUrl, `/api/v1/events/tickets?limit=100${cursor ? `&cursor=${cursor}` : ""}`, buyer);
				codes.push(...page.items.filter((t: { eventId: string }) => t.eventId === eventId).map((t: { code: string }) => t.code));
				cursor = page.nextCursor;
				if (!cursor) break;
			}
			if (codes.length !== BOOKINGS * PER_BOOKING) throw new Error(`expected ${BOOKINGS * PER_BOOKING} tickets, found ${codes.length}`);
			const scanner = await api(stack.baseUrl, `/api/v1/events/${eventId}/scanners`, organizer, { method: "POST", body: { name: "bench gate" } });
			const headers = { "content-type": "application/json", authorization: `Bearer ${scanner.token}` };
			const probe = await api(stack.baseUrl, `/api/v1/events/${eventId}/check-ins`, null, { method: "POST", body: { code: codes[0], nonce: crypto.randomUUID() }, headers });
			if (probe.result !== "ok") throw new Error(`a check-in did not answer ok: ${JSON.stringify(probe)}`);

			let next = 0;
			const requests: autocannon.Request[] = [
				{
					method: "POST",
					path: `/api/v1/events/${eventId}/check-ins`,
					headers,
					// One shared counter: consecutive requests (on any connection) take consecutive tickets, each with a fresh nonce.
					setupRequest: (req: autocannon.Request) => ({ ...req, body: JSON.stringify({ code: codes[next++ % codes.length], nonce: crypto.randomUUID() }) })
				}
			];
			await awaitQuietMachine(ctx.log);
			ctx.log("measuring check-ins");
			const postgres = pidsByCommand(["postgres"]).map(pid => ({ label: "PostgreSQL", pid }));
			m = await measureHttp({ url: stack.baseUrl, requests }, ctx.settings, [{ label: "node (all services)", pid: stack.proc.pid! }, ...postgres]);

			const keys = (await api(stack.baseUrl, `/api/v1/events/${eventId}/keys`, null)).keys;
			const revocations = await api(stack.baseUrl, `/api/v1/events/${eventId}/revocations`, null, { headers: { authorization: `Bearer ${scanner.token}` } });
			ctx.log("measuring offline verifications (this process, one thread)");
			offline = offlineRate(codes, eventId, keys, new Set(revocations.items.map((r: { ticketId: string }) => r.ticketId)), ctx.settings.durationS);
		} finally {
			await stack.stop();
		}
		const notes: string[] = [];
		if (m.non2xx || m.errors) notes.push(`- ${m.non2xx} non-2xx responses and ${m.errors} connection errors — the figures count 2xx only.`);
		if (m.otherCpuPct >= 15) notes.push(`- **Disturbed:** other work used ${fmt(m.otherCpuPct)} % of a core during the run; rerun on a quiet machine.`);
		if ((offline.results.ok ?? 0) === 0) notes.push("- **Offline verification refused every code** — the figure is not a verification rate.");
		notes.push(
			`- An online check-in is one RS256 verification (public key cached per kid), the scanner-token lookup (SHA-256, unique index), then one transaction of two statements: the ticket row locked with its type, then the check-in row and the entry written by one statement (a retried nonce writes nothing and is answered from the log). Codes are ${codes[0]?.length ?? "?"} characters (2048-bit key).`,
			`- Offline: ${Object.entries(offline.results).map(([k, v]) => `${k} ${v}`).join(", ")} — every code checked with \`rules/checkin.verifyCode\` (node:crypto \`RSA-SHA256\` verify with the published PEM, claims, event, revocation set, window). A phone's CPU is several times slower than this server's core.`
		);
		return {
			method: [
				`- **Request:** \`POST /api/v1/events/:id/check-ins\` \`{ code, nonce }\` with the scanner's token as \`Authorization: Bearer\`, answered 200 \`{ result: "ok", ticket, checkedInAt }\`. ${BOOKINGS * PER_BOOKING} tickets of a re-entry ticket type (so every scan is an entry, the most a check-in writes), booked free through REST; consecutive requests take consecutive tickets with fresh nonces (autocannon \`setupRequest\`).`,
				`- **Stack:** \`new Stack("single", { env })\` in a child process (every service in one broker, the real PostgreSQL), \`RATE_LIMIT_SCALE=1000000\`.`,
				`- **Load:** autocannon in the bench process, ${ctx.settings.connections} connections, ${ctx.settings.warmupS} s warm-up (discarded) then ${ctx.settings.durationS} s measured. Offline verification: a ${ctx.settings.durationS} s loop on the bench process's one thread over the same codes, keys from \`GET /events/:id/keys\`, revocations from \`GET /events/:id/revocations\`.`
			],
			columns: ["measure", "per second", "p50 ms", "p99 ms", "2xx", "non-2xx", "server CPU %", "PostgreSQL CPU %", "other CPU %"],
			rows: [
				{
					measure: "online check-ins (REST)",
					"per second": fmt(m.rps),
					"p50 ms": fmt(m.p50Ms, 2),
					"p99 ms": fmt(m.p99Ms, 2),
					"2xx": String(m.ok),
					"non-2xx": String(m.non2xx),
					"server CPU %": fmt(m.processes[0]?.cpuPct ?? NaN),
					"PostgreSQL CPU %": fmt(m.processes.slice(1).reduce((s, p) => s + (Number.isFinite(p.cpuPct) ? p.cpuPct : 0), 0)),
					"other CPU %": fmt(m.otherCpuPct)
				},
				{
					measure: "offline verifications (one thread)",
					"per second": fmt(offline.perSecond),
					"p50 ms": "—",
					"p99 ms": "—",
					"2xx": "—",
					"non-2xx": "—",
					"server CPU %": "—",
					"PostgreSQL CPU %": "—",
					"other CPU %": "—"
				}
			],
			verdicts: [
				{ label: "check-ins/s", value: m.rps },
				{ label: "check-in p99 ms", value: m.p99Ms },
				{ label: "offline verifications/s", value: offline.perSecond }
			],
			notes
		};
	}
};

export default scenario;
