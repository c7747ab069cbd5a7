/**
 * Issue 11: send-to-deliver latency with 2,000 connected sockets at up to
 * 1,000 messages/s, and memory per connected socket.
 *
 * 500 registered users in 250 one-to-one conversations, four sockets each
 * (phone, tablet, laptop, web: 2,000 sockets), all held by the bench process.
 * Messages are sent through REST at a fixed offered rate (open loop, at most
 * MAX_IN_FLIGHT outstanding); a message is "delivered" when its `message.new`
 * frame reaches the recipient's first socket. Each message goes to eight
 * sockets (both members' four).
 */
import crypto from "node:crypto";
import http from "node:http";
import WebSocket from "ws";
import { awaitQuietMachine } from "../lib/measure";
import { MB, machineBusyS, pidsByCommand, sample } from "../lib/processes";
import { startBenchStack, type BenchStack } from "../lib/stack-client";
import type { BenchContext, Row, Scenario, ScenarioResult } from "../lib/types";

const USERS = 500;
const SOCKETS_PER_USER = 4;
const RATES = [100, 250, 500, 1000];
const MAX_IN_FLIGHT = 256;
export const STACK_ENV = { RATE_LIMIT_SCALE: "1000000" };

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

export interface ChatUser {
	token: string;
	userId: string;
}

async function api(baseUrl: string, path: string, token: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
	const res = await fetch(baseUrl + path, {
		method: body === undefined ? "GET" : "POST",
		headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const text = await res.text();
	return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Registered users whose profiles exist (users.canMessage needs them), `parallel` registrations at a time. */
export async function chatUsers(ctx: BenchContext, stack: BenchStack, n: number, parallel = 8): Promise<ChatUser[]> {
	const out: ChatUser[] = [];
	for (let i = 0; i < n; i += parallel) {
		const batch = await Promise.all(
			Array.from({ length: Math.min(parallel, n - i) }, async () => {
				const token = await stack.call<string>("bench.createUser", {});
				const userId = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")).sub as string;
				for (let tries = 0; (await api(stack.baseUrl, "/api/v1/users/me", token)).status !== 200; tries++) {
					if (tries > 300) throw new Error(`no profile for ${userId}`);
					await new Promise(r => setTimeout(r, 100));
				}
				return { token, userId };
			})
		);
		out.push(...batch);
		if (out.length % 100 === 0) ctx.log(`${out.length}/${n} users`);
	}
	return out;
}

/** One conversation per consecutive pair of users. */
export async function pairUp(stack: BenchStack, users: ChatUser[]): Promise<{ a: ChatUser; b: ChatUser; conversationId: string }[]> {
	const pairs = [];
	for (let i = 0; i + 1 < users.length; i += 2) {
		const res = await api(stack.baseUrl, "/api/v1/messages/conversations", users[i].token, { memberIds: [users[i + 1].userId] });
		if (res.status !== 201) throw new Error(`conversation: ${res.status} ${JSON.stringify(res.json)}`);
		pairs.push({ a: users[i], b: users[i + 1], conversationId: String(res.json.id) });
	}
	return pairs;
}

function openSocket(baseUrl: string, token: string, onFrame: ((raw: WebSocket.RawData) => void) | null): Promise<WebSocket> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/ws?token=${token}`);
		ws.once("message", () => {
			// The first frame is `ready`: the socket is registered with the gateway.
			if (onFrame) ws.on("message", onFrame);
			resolve(ws);
		});
		ws.once("error", reject);
	});
}

function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

interface Step {
	offered: number;
	sent: number;
	skipped: number;
	failed: number;
	delivered: number;
	sendP50: number;
	sendP99: number;
	deliverP50: number;
	deliverP99: number;
	achieved: number;
	serverCpuPct: number;
	pgCpuPct: number;
	generatorCpuPct: number;
	otherCpuPct: number;
}

const scenario: Scenario = {
	name: "messages-fanout",
	title: "direct messages: send-to-deliver latency with 2,000 sockets",
	goal: "issue 11: send-to-deliver p50/p99 with 2,000 connected sockets at 1,000 messages/s (p99 under 50 ms), and memory per connected socket.",

	async run(ctx): Promise<ScenarioResult> {
		ctx.log("one process (Stack single): starting");
		const stack = await startBenchStack(ctx, "single", STACK_ENV);
		const sockets: WebSocket[] = [];
		const steps: Step[] = [];
		let perSocketKb = NaN;
		let rssBeforeMb = NaN;
		let rssAfterMb = NaN;
		try {
			ctx.log(`registering ${USERS} users through REST`);
			const users = await chatUsers(ctx, stack, USERS);
			const pairs = await pairUp(stack, users);
			const serverPid = stack.proc.pid!;

			// Delivery times by clientId, recorded on each recipient's first socket.
			const started = new Map<string, { t0: bigint; recipient: string }>();
			const deliverMs: number[] = [];
			const onFrame = (userId: string) => (raw: WebSocket.RawData) => {
				const frame = JSON.parse(raw.toString()) as { type: string; data?: { clientId?: string } };
				if (frame.type !== "message.new" || !frame.data?.clientId) return;
				const s = started.get(frame.data.clientId);
				if (!s || s.recipient !== userId) return;
				started.delete(frame.data.clientId);
				deliverMs.push(Number(process.hrtime.bigint() - s.t0) / 1e6);
			};

			await awaitQuietMachine(ctx.log);
			const before = sample(serverPid);
			ctx.log(`opening ${USERS * SOCKETS_PER_USER} sockets`);
			for (let i = 0; i < users.length; i += 50)
				for (const batch of await Promise.all(
					users.slice(i, i + 50).map(u => Promise.all(Array.from({ length: SOCKETS_PER_USER }, (_, k) => openSocket(stack.baseUrl, u.token, k === 0 ? onFrame(u.userId) : null))))
				))
					sockets.push(...batch);
			await new Promise(r => setTimeout(r, 2000));
			const after = sample(serverPid);
			if (before && after) {
				rssBeforeMb = before.rss / MB;
				rssAfterMb = after.rss / MB;
				perSocketKb = (after.rss - before.rss) / 1024 / sockets.length;
			}

			const postgres = pidsByCommand(["postgres"]);
			for (const rate of RATES) {
				await awaitQuietMachine(ctx.log);
				ctx.log(`offering ${rate} messages/s for ${ctx.settings.durationS} s (after ${ctx.settings.warmupS} s warm-up)`);
				await offer(stack, pairs, rate, ctx.settings.warmupS, started);
				deliverMs.length = 0;
				started.clear();
				const cpuBefore = [sample(serverPid), ...postgres.map(p => sample(p))];
				const busyBefore = machineBusyS();
				const genBefore = process.cpuUsage();
				const t0 = process.hrtime.bigint();
				const measured = await offer(stack, pairs, rate, ctx.settings.durationS, started);
				// Frames still on their way when sending stopped: wait briefly for them.
				const drainUntil = Date.now() + 2000;
				while (started.size > 0 && Date.now() < drainUntil) await new Promise(r => setTimeout(r, 20));
				const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
				const cpuAfter = [sample(serverPid), ...postgres.map(p => sample(p))];
				const cpuPct = (i: number) => {
					const b = cpuBefore[i];
					const a = cpuAfter[i];
					return a && b ? ((a.cpuS - b.cpuS) / wallS) * 100 : 0;
				};
				const pgCpu = postgres.reduce((s, _p, i) => s + cpuPct(i + 1), 0);
				const gen = process.cpuUsage(genBefore);
				const genPct = ((gen.user + gen.system) / 1e6 / wallS) * 100;
				const busyAfter = machineBusyS();
				const machinePct = busyBefore !== null && busyAfter !== null ? ((busyAfter - busyBefore) / wallS) * 100 : NaN;
				const delivered = [...deliverMs].sort((a, b) => a - b);
				const send = measured.sendMs.sort((a, b) => a - b);
				steps.push({
					offered: rate,
					sent: measured.sent,
					skipped: measured.skipped,
					failed: measured.failed,
					delivered: delivered.length,
					sendP50: percentile(send, 50),
					sendP99: percentile(send, 99),
					deliverP50: percentile(delivered, 50),
					deliverP99: percentile(delivered, 99),
					achieved: measured.sent / ctx.settings.durationS,
					serverCpuPct: cpuPct(0),
					pgCpuPct: pgCpu,
					generatorCpuPct: genPct,
					otherCpuPct: Math.max(0, machinePct - cpuPct(0) - pgCpu - genPct)
				});
				deliverMs.length = 0;
				started.clear();
			}
		} finally {
			for (const s of sockets) s.terminate();
			await stack.stop();
		}

		const rows: Row[] = steps.map(s => ({
			"offered msg/s": String(s.offered),
			"sent msg/s": fmt(s.achieved),
			"send p50 ms": fmt(s.sendP50, 1),
			"send p99 ms": fmt(s.sendP99, 1),
			"deliver p50 ms": fmt(s.deliverP50, 1),
			"deliver p99 ms": fmt(s.deliverP99, 1),
			"delivered / sent": `${s.delivered} / ${s.sent}`,
			"not offered (cap)": String(s.skipped),
			failed: String(s.failed),
			"server CPU %": fmt(s.serverCpuPct),
			"PostgreSQL CPU %": fmt(s.pgCpuPct),
			"load-gen CPU %": fmt(s.generatorCpuPct),
			"other CPU %": fmt(s.otherCpuPct)
		}));
		const top = steps.find(s => s.offered === 1000);
		const notes: string[] = [];
		const disturbed = steps.filter(s => s.otherCpuPct >= 15);
		if (disturbed.length) notes.push(`- **Disturbed:** other work used ≥ 15 % of a core during the ${disturbed.map(s => s.offered).join(", ")} msg/s steps; rerun on a quiet machine.`);
		notes.push(
			`- Memory: the server's RSS went from ${fmt(rssBeforeMb)} MB to ${fmt(rssAfterMb)} MB when the ${USERS * SOCKETS_PER_USER} sockets opened (2 s settle, no forced GC): about ${fmt(perSocketKb, 1)} kB per socket (ws buffers, the hub's maps, the TLS-less TCP socket in Node).`,
			"- Everything runs on one 2-core machine: the bench process (2,000 client sockets, and the HTTP client) competes with the server and PostgreSQL for the same two cores (add up the CPU columns), so past the knee the latencies are queueing for CPU, not work. Rows with sends 'not offered' hit the in-flight cap: the machine was saturated at that rate, and the latency is the cap divided by the throughput."
		);
		return {
			method: [
				`- **Setup:** \`new Stack("single", { env: RATE_LIMIT_SCALE=1000000 })\` in a child process; ${USERS} users registered through REST (register → SMS code → verify), paired into ${USERS / 2} one-to-one conversations; ${SOCKETS_PER_USER} sockets per user on \`/ws\` (${USERS * SOCKETS_PER_USER} in all) held by the bench process.`,
				`- **Load:** \`POST /api/v1/messages/conversations/:id/messages\` with a fresh \`clientId\` and a short text, round-robin over the conversations (the two members alternate as sender), at a fixed offered rate (open loop, at most ${MAX_IN_FLIGHT} requests outstanding, sent with \`node:http\` over keep-alive connections, one per request in flight at most; a send due while at the cap is counted as not offered). ${ctx.settings.warmupS} s warm-up then ${ctx.settings.durationS} s measured per rate.`,
				"- **Measured:** send = REST request to 201; deliver = from the start of the request to the `message.new` frame on the recipient's first socket (every message also goes to the recipient's other three and the sender's four sockets). Percentiles are exact over every message of the window.",
				"- **Not in the path:** offline notifications (every recipient is online or already has unread messages, so no `messages.message.sent` is written after the first message of each conversation) and files."
			],
			columns: ["offered msg/s", "sent msg/s", "send p50 ms", "send p99 ms", "deliver p50 ms", "deliver p99 ms", "delivered / sent", "not offered (cap)", "failed", "server CPU %", "PostgreSQL CPU %", "load-gen CPU %", "other CPU %"],
			rows,
			verdicts: [
				...(top ? [{ label: "deliver p99 ms at 1,000 msg/s offered", value: top.deliverP99, target: "< 50", met: top.deliverP99 < 50 && top.skipped === 0 }] : []),
				{ label: "server memory per connected socket, kB", value: perSocketKb }
			],
			notes
		};
	}
};

/** Sends at `rate` for `seconds`; records each send's start for the frame listener. */
async function offer(
	stack: BenchStack,
	pairs: { a: ChatUser; b: ChatUser; conversationId: string }[],
	rate: number,
	seconds: number,
	started: Map<string, { t0: bigint; recipient: string }>
): Promise<{ sent: number; skipped: number; failed: number; sendMs: number[] }> {
	const out = { sent: 0, skipped: 0, failed: 0, sendMs: [] as number[] };
	if (seconds <= 0) return out;
	const total = rate * seconds;
	const url = new URL(stack.baseUrl);
	// One connection per request in flight at most, kept alive: no request waits for a socket, none is reopened.
	const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_IN_FLIGHT });
	const t0 = Date.now();
	let inFlight = 0;
	let i = 0;
	const pending = new Set<Promise<void>>();
	while (i < total) {
		// Send every message that is due by now (timers are coarse at high rates).
		const due = Math.min(total, Math.floor(((Date.now() - t0) / 1000) * rate) + 1);
		for (; i < due; i++) {
			if (inFlight >= MAX_IN_FLIGHT) {
				out.skipped++;
				continue;
			}
			const pair = pairs[i % pairs.length];
			const fromA = Math.floor(i / pairs.length) % 2 === 0;
			const sender = fromA ? pair.a : pair.b;
			const recipient = fromA ? pair.b : pair.a;
			const clientId = crypto.randomUUID();
			const start = process.hrtime.bigint();
			started.set(clientId, { t0: start, recipient: recipient.userId });
			inFlight++;
			const p = post(agent, url, `/api/v1/messages/conversations/${pair.conversationId}/messages`, sender.token, JSON.stringify({ clientId, text: "Habari! Bei ya mzigo ni 25,000 TZS." }))
				.then(status => {
					if (status === 201) {
						out.sent++;
						out.sendMs.push(Number(process.hrtime.bigint() - start) / 1e6);
					} else {
						out.failed++;
						started.delete(clientId);
					}
				})
				.catch(() => {
					out.failed++;
					started.delete(clientId);
				})
				.finally(() => {
					inFlight--;
					pending.delete(p);
				});
			pending.add(p);
		}
		await new Promise(r => setTimeout(r, 2));
	}
	await Promise.all(pending);
	agent.destroy();
	return out;
}

/**
 * One POST over node:http, answering the status once the body is read. The
 * sends go through this rather than `fetch`: undici's fetch costs the bench
 * process several times the CPU per request, CPU the server and PostgreSQL
 * share on this machine; what is measured (request start to 201) is the same.
 */
function post(agent: http.Agent, base: URL, path: string, token: string, body: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				agent,
				host: base.hostname,
				port: base.port,
				method: "POST",
				path,
				headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) }
			},
			res => {
				res.resume();
				res.on("end", () => resolve(res.statusCode ?? 0));
				res.on("error", reject);
			}
		);
		req.on("error", reject);
		req.end(body);
	});
}

export default scenario;
