/**
 * Issue 11: messages sent per second through REST, with p50/p99 — closed
 * loop (autocannon), one-process gateway, each request a new message with a
 * fresh clientId in one of 20 one-to-one conversations (no sockets open: the
 * cost of storing and sequencing, not of fan-out; see messages-fanout).
 */
import crypto from "node:crypto";
import type autocannon from "autocannon";
import { awaitQuietMachine, measureHttp } from "../lib/measure";
import { pidsByCommand } from "../lib/processes";
import { startBenchStack } from "../lib/stack-client";
import type { Scenario, ScenarioResult } from "../lib/types";
import { chatUsers, pairUp, STACK_ENV } from "./messages-fanout";

const USERS = 40;

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

const scenario: Scenario = {
	name: "messages-send",
	title: "direct messages: sends per second through REST",
	goal: "none fixed beyond messages-fanout (issue 11): report messages sent/s through REST with p50/p99.",

	async run(ctx): Promise<ScenarioResult> {
		ctx.log("one process (Stack single): starting");
		const stack = await startBenchStack(ctx, "single", STACK_ENV);
		let m;
		try {
			ctx.log(`registering ${USERS} users through REST`);
			const pairs = await pairUp(stack, await chatUsers(ctx, stack, USERS));
			// Each (sender, conversation) pair is one request template; every request gets a fresh clientId.
			const requests: autocannon.Request[] = pairs.flatMap(p =>
				[p.a, p.b].map(sender => ({
					method: "POST" as const,
					path: `/api/v1/messages/conversations/${p.conversationId}/messages`,
					headers: { authorization: `Bearer ${sender.token}`, "content-type": "application/json" },
					setupRequest: (req: autocannon.Request) => ({ ...req, body: JSON.stringify({ clientId: crypto.randomUUID(), text: "Habari! Bei ya mzigo ni 25,000 TZS." }) })
				}))
			);
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
			"- A send is, besides the gateway's token and rate-limit checks: the conversation's context (members, kind, title; read once per direct conversation and then kept in memory, `flows/direct-conversations.ts`; groups read it at every send, `store/conversations.ts` `sendContext`), `users.canMessage`, `users.profiles` (both cached) and `api.online` (in-process here) asked together, then the write as one prepared statement, hence one transaction (counter and row lock, members locked after it, insert, sender's read marker, outbox row when someone is to be notified: `store/messages.ts` `sendInOneStatement`), shared by the sends that queued while the previous one was written (group commit: `flows/send-batch.ts`, `store/send-batch.ts`); the answer and the `message.new` broadcast follow. No socket is open here, so most sends start an unread streak and write `messages.message.sent`: the notifications pipeline (outbox relay, queue, notifications' own transaction) runs in the same process and PostgreSQL, a good part of their CPU. Sends to one conversation serialize on its row lock; with one batch in flight per process, sends wait for the batch before theirs rather than for a row lock."
		);
		return {
			method: [
				`- **Request:** \`POST /api/v1/messages/conversations/:id/messages\` \`{ clientId, text }\` answered 201 with the Message. ${USERS} users registered through REST, paired into ${USERS / 2} one-to-one conversations; both members send, every request with a fresh \`clientId\` (autocannon \`setupRequest\`).`,
				"- **Stack:** `new Stack(\"single\", { env })` in a child process (every service in one broker, the real PostgreSQL), `RATE_LIMIT_SCALE=1000000` (limits × 10⁶, counters still kept).",
				`- **Load:** autocannon in the bench process, ${ctx.settings.connections} connections, ${ctx.settings.warmupS} s warm-up (discarded) then ${ctx.settings.durationS} s measured. Throughput counts 2xx; percentiles are exact over every 2xx of the window. CPU from \`/proc\` (100 % = one core); "PostgreSQL" sums every \`postgres\` process.`
			],
			columns: ["messages/s", "p50 ms", "p99 ms", "2xx", "non-2xx", "errors", "server CPU %", "PostgreSQL CPU %", "load-gen CPU %", "other CPU %", "server RSS MB"],
			rows: [
				{
					"messages/s": fmt(m.rps),
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
				{ label: "messages sent/s", value: m.rps },
				{ label: "p99 ms", value: m.p99Ms }
			],
			notes
		};
	}
};

export default scenario;
