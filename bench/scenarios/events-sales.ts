/**
 * Issue 9: ticket sales per second for one event, with no oversell. Every
 * request is a real booking through the gateway; the events service sells
 * the bookings of one event in batches (docs/events.md "Sales in batches"):
 * per batch one transaction with the event row shared, the ticket type's
 * row locked, the bookings, their RS256-signed tickets and the seats in one
 * statement, the outbox events in one INSERT, one COMMIT. Then a sell-out
 * run on a smaller capacity proves the count: exactly the capacity sold,
 * the rest 409 SOLD_OUT.
 */
import type autocannon from "autocannon";
import crypto from "node:crypto";
import { Client } from "pg";
import { awaitQuietMachine, measureHttp, type HttpMeasurement } from "../lib/measure";
import { pidsByCommand } from "../lib/processes";
import { startBenchStack, type BenchStack } from "../lib/stack-client";
import type { Scenario, ScenarioResult } from "../lib/types";

const BUYERS = 20;
/** The sell-out run offers about a quarter of what the open run sold in its window, so it sells out even on a disturbed machine. */
const SELL_OUT_MIN = 50;
const STACK_ENV = { RATE_LIMIT_SCALE: "1000000" };
/** pretix's published ceiling: 300–400 sales per minute per event; the goal is 100 times its top. */
const PRETIX_PER_S = 400 / 60;
const GOAL_PER_S = 100 * PRETIX_PER_S;

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

async function api(baseUrl: string, path: string, token: string | null, body?: unknown) {
	const headers: Record<string, string> = { "content-type": "application/json" };
	if (token) headers.authorization = `Bearer ${token}`;
	const res = await fetch(baseUrl + path, { method: body === undefined ? "GET" : "POST", headers, body: body === undefined ? undefined : JSON.stringify(body) });
	const text = await res.text();
	const json = text ? (JSON.parse(text) as Record<string, any>) : {}; // eslint-disable-line @typescript-eslint/no-explicit-any
	if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${text.slice(0, 300)}`);
	return json;
}

/** A published event with one free ticket type of `capacity` (one ticket per booking). */
async function saleEvent(stack: BenchStack, organizer: string, capacity: number, title: string): Promise<{ eventId: string; typeId: string }> {
	const startsAt = new Date(Date.now() + 24 * 3_600_000);
	const e = await api(stack.baseUrl, "/api/v1/events", organizer, {
		title,
		category: "music",
		startsAt: startsAt.toISOString(),
		endsAt: new Date(startsAt.getTime() + 4 * 3_600_000).toISOString(),
		timezone: "Africa/Dar_es_Salaam",
		venue: { name: "Uwanja wa Taifa", address: "Taifa Rd", city: "Dar es Salaam", lat: -6.853, lng: 39.273 }
	});
	const t = await api(stack.baseUrl, `/api/v1/events/${e.id}/ticket-types`, organizer, { name: "Kawaida", price: 0, currency: "TZS", capacity, perOrderLimit: 1 });
	await api(stack.baseUrl, `/api/v1/events/${e.id}/publish`, organizer, { postToFeed: false });
	return { eventId: e.id, typeId: t.id };
}

function bookingRequests(eventId: string, typeId: string, tokens: string[]): autocannon.Request[] {
	const body = JSON.stringify({ items: [{ ticketTypeId: typeId, quantity: 1 }] });
	// One request per buyer; connections cycle through them, so sales come from many accounts as at a real launch.
	return tokens.map(token => ({ method: "POST", path: `/api/v1/events/${eventId}/bookings`, headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body }));
}

interface Counts {
	capacity: number;
	sold: number;
	held: number;
	bookings: number;
	tickets: number;
}

/** Milliseconds of one RS256 signature with a 2048-bit key on this machine (a ticket code's signing). */
function rsaSignMs(): number {
	const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
	const payload = Buffer.alloc(200, 1);
	let n = 0;
	const t0 = process.hrtime.bigint();
	while (process.hrtime.bigint() - t0 < 1_000_000_000n) {
		crypto.sign("sha256", payload, privateKey);
		n++;
	}
	return 1000 / n;
}

/** The counters, confirmed bookings and valid tickets in one statement (one snapshot). */
async function snapshot(db: Client, eventId: string, typeId: string): Promise<Counts> {
	const { rows } = await db.query(
		`SELECT t.capacity, t.sold, t.held,
		        (SELECT count(*)::int FROM events.bookings WHERE event_id = $1 AND status = 'confirmed') AS bookings,
		        (SELECT count(*)::int FROM events.tickets WHERE event_id = $1 AND status = 'valid') AS tickets
		 FROM events.ticket_types t WHERE t.id = $2`,
		[eventId, typeId]
	);
	return rows[0];
}

/** Requests autocannon gave up on may still commit after the run: count once two snapshots a second apart agree. */
async function counts(db: Client, eventId: string, typeId: string): Promise<Counts> {
	let last = await snapshot(db, eventId, typeId);
	for (let i = 0; i < 30; i++) {
		await new Promise(r => setTimeout(r, 1000));
		const now = await snapshot(db, eventId, typeId);
		if (JSON.stringify(now) === JSON.stringify(last)) return now;
		last = now;
	}
	return last;
}

const scenario: Scenario = {
	name: "events-sales",
	title: "ticket sales per second for one event (no oversell)",
	goal: `over 100 × pretix's 300–400 sales/minute per event: > ${fmt(GOAL_PER_S)} sales/s, and never more tickets than seats`,

	async run(ctx): Promise<ScenarioResult> {
		ctx.log("one process (Stack single): starting");
		const stack = await startBenchStack(ctx, "single", STACK_ENV);
		const db = new Client({ connectionString: stack.notifDatabaseUrl.replace(/_notif$/, "") });
		let open: HttpMeasurement;
		let sellOut: HttpMeasurement;
		let openCounts: Counts;
		let sellOutCounts: Counts;
		let sellOutCapacity: number;
		try {
			await db.connect();
			const organizer = await stack.call<string>("bench.createUser", {});
			ctx.log(`registering ${BUYERS} buyers`);
			const tokens: string[] = [];
			// One at a time: registration hashes a password, and the machine is shared.
			for (let i = 0; i < BUYERS; i++) tokens.push(await stack.call<string>("bench.createUser", {}));
			const postgres = pidsByCommand(["postgres"]).map(pid => ({ label: "PostgreSQL", pid }));
			const watch = [{ label: "node (all services)", pid: stack.proc.pid! }, ...postgres];

			const big = await saleEvent(stack, organizer, 1_000_000, "Bench launch (open capacity)");
			await awaitQuietMachine(ctx.log);
			ctx.log("measuring sales with seats to spare");
			open = await measureHttp({ url: stack.baseUrl, requests: bookingRequests(big.eventId, big.typeId, tokens) }, ctx.settings, watch);
			openCounts = await counts(db, big.eventId, big.typeId);

			sellOutCapacity = Math.max(SELL_OUT_MIN, Math.floor(open.ok / 4));
			const small = await saleEvent(stack, organizer, sellOutCapacity, "Bench launch (sell-out)");
			await awaitQuietMachine(ctx.log);
			ctx.log(`measuring a sell-out of ${sellOutCapacity} seats`);
			sellOut = await measureHttp({ url: stack.baseUrl, requests: bookingRequests(small.eventId, small.typeId, tokens) }, { ...ctx.settings, warmupS: 0 }, watch);
			sellOutCounts = await counts(db, small.eventId, small.typeId);
		} finally {
			await db.end().catch(() => undefined);
			await stack.stop();
		}
		const signMs = rsaSignMs();
		const consistent = (c: Counts) => c.sold === c.tickets && c.sold === c.bookings && c.held === 0 && c.sold <= c.capacity;
		const noOversell = consistent(openCounts) && consistent(sellOutCounts) && sellOutCounts.sold === sellOutCapacity;
		const notes: string[] = [];
		if (open.non2xx || open.errors) notes.push(`- Open-capacity run: ${open.non2xx} non-2xx and ${open.errors} connection errors — the rate counts 2xx (sales) only.`);
		if (open.otherCpuPct >= 15) notes.push(`- **Disturbed:** other work used ${fmt(open.otherCpuPct)} % of a core during the run; rerun on a quiet machine.`);
		notes.push(
			`- After the open run: ${openCounts.sold} sold = ${openCounts.bookings} confirmed bookings = ${openCounts.tickets} valid tickets, ${openCounts.held} held.`,
			`- Sell-out run: ${sellOut.ok} requests answered 201 and ${sellOut.non2xx} answered 409 SOLD_OUT; the database holds ${sellOutCounts.sold} sold of ${sellOutCounts.capacity} seats, ${sellOutCounts.tickets} valid tickets, ${sellOutCounts.bookings} confirmed bookings — ${noOversell ? "no oversell" : consistent(openCounts) && consistent(sellOutCounts) ? "consistent, but **not sold out within the run**" : "**MISMATCH**"}.`,
			`- Server CPU per sale: ${fmt(((open.processes[0]?.cpuPct ?? NaN) / 100 / open.rps) * 1000, 1)} ms (its CPU share over the sales rate), of which the ticket's RS256 signature (2048-bit) is about ${fmt(signMs, 2)} ms (measured here); the rest is the gateway, the broker, the transaction's statements through Sequelize, and the outbox relay and notification each sale causes (all in the one process in this topology).`,
			"- The sales of one event take turns on the ticket type's row one batch at a time, so a batch is what arrived during the previous one's transaction; when the node's event loop is starved (other work on the machine), batches take longer and the rate drops with it. Paid bookings take the same step (held seats) and then one `payments.createIntent` call each."
		);
		return {
			method: [
				`- **Request:** \`POST /api/v1/events/:id/bookings\` \`{ items: [{ ticketTypeId, quantity: 1 }] }\` for a free ticket type, answered 201 with the confirmed booking; ${BUYERS} registered buyers, requests cycle through their tokens.`,
				"- **Sales in batches:** concurrent bookings of the event queue in the node and are sold one batch per transaction: the event row `FOR KEY SHARE`, the ticket type row `FOR NO KEY UPDATE`, the seats allocated in arrival order, then one statement for the bookings, their tickets (each code signed) and `UPDATE … SET sold = sold + n WHERE sold + held + n <= capacity`, one INSERT for the `events.booking.confirmed` outbox rows, one COMMIT.",
				`- **Stack:** \`new Stack("single", { env })\` in a child process (every service in one broker, the real PostgreSQL), \`RATE_LIMIT_SCALE=1000000\`.`,
				`- **Load:** autocannon in the bench process, ${ctx.settings.connections} connections; open capacity: ${ctx.settings.warmupS} s warm-up then ${ctx.settings.durationS} s measured; sell-out: a quarter as many seats as the open run sold (${sellOutCapacity}), ${ctx.settings.durationS} s with no warm-up, then the counters, bookings and tickets counted in PostgreSQL.`
			],
			columns: ["run", "sales/s", "per minute", "p50 ms", "p99 ms", "201", "409", "server CPU %", "PostgreSQL CPU %", "other CPU %"],
			rows: [
				{
					run: "open capacity",
					"sales/s": fmt(open.rps),
					"per minute": fmt(open.rps * 60),
					"p50 ms": fmt(open.p50Ms, 2),
					"p99 ms": fmt(open.p99Ms, 2),
					"201": String(open.ok),
					"409": String(open.non2xx),
					"server CPU %": fmt(open.processes[0]?.cpuPct ?? NaN),
					"PostgreSQL CPU %": fmt(open.processes.slice(1).reduce((s, p) => s + (Number.isFinite(p.cpuPct) ? p.cpuPct : 0), 0)),
					"other CPU %": fmt(open.otherCpuPct)
				},
				{
					run: `sell-out (${sellOutCapacity} seats)`,
					"sales/s": "—",
					"per minute": "—",
					"p50 ms": fmt(sellOut.p50Ms, 2),
					"p99 ms": fmt(sellOut.p99Ms, 2),
					"201": String(sellOut.ok),
					"409": String(sellOut.non2xx),
					"server CPU %": fmt(sellOut.processes[0]?.cpuPct ?? NaN),
					"PostgreSQL CPU %": fmt(sellOut.processes.slice(1).reduce((s, p) => s + (Number.isFinite(p.cpuPct) ? p.cpuPct : 0), 0)),
					"other CPU %": fmt(sellOut.otherCpuPct)
				}
			],
			verdicts: [
				{ label: "sales/s vs 100 × pretix (400/min)", value: open.rps / GOAL_PER_S, target: "≥ 1", met: open.rps >= GOAL_PER_S },
				{ label: "sold = tickets = bookings ≤ seats; sell-out sold exactly the capacity", value: noOversell ? 1 : 0, target: "1", met: noOversell }
			],
			notes
		};
	}
};

export default scenario;
