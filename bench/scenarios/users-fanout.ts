/**
 * Issue 5: time to stream 10,000 follower ids through users.followerIds, the
 * internal action the feed's fan-out pages through, in one process and split
 * over RabbitMQ (where each batch crosses the transporter).
 */
import { Client } from "pg";
import { awaitQuietMachine } from "../lib/measure";
import { startBenchStack, type BenchStack } from "../lib/stack-client";
import type { Row, Scenario, ScenarioResult } from "../lib/types";

const FOLLOWERS = 10_000;
const BATCHES = [1000, 5000];
const ROUNDS = 7;
const STACK_ENV = { RATE_LIMIT_SCALE: "1000000" };

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

/** A real account is the author; its 10,000 followers are rows written straight into users.follows (ids only matter for fan-out). */
async function seed(stack: BenchStack): Promise<string> {
	const token = await stack.call<string>("bench.createUser", {});
	const userId = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")).sub as string;
	const db = new Client({ connectionString: stack.notifDatabaseUrl.replace(/_notif$/, "") });
	await db.connect();
	try {
		for (let i = 0; ; i++) {
			if ((await db.query("SELECT 1 FROM users.profiles WHERE id = $1", [userId])).rowCount) break;
			if (i > 300) throw new Error("the author's profile never appeared");
			await new Promise(r => setTimeout(r, 100));
		}
		await db.query(
			`INSERT INTO users.follows (follower_id, followee_id)
			 SELECT (lpad(to_hex(n), 8, '0') || '-0000-7000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, $1 FROM generate_series(1, $2) AS n`,
			[userId, FOLLOWERS]
		);
		await db.query("UPDATE users.profiles SET followers_count = $2 WHERE id = $1", [userId, FOLLOWERS]);
		await db.query("ANALYZE users.follows");
	} finally {
		await db.end();
	}
	return userId;
}

/** One full pass: every batch in turn until `next` is null; returns ms and the ids seen. */
async function stream(stack: BenchStack, userId: string, limit: number): Promise<{ ms: number; ids: number; calls: number }> {
	const t0 = process.hrtime.bigint();
	let after: string | null = null;
	let ids = 0;
	let calls = 0;
	for (;;) {
		const page: { ids: string[]; next: string | null } = await stack.call("users.followerIds", { userId, limit, ...(after ? { after } : {}) });
		calls += 1;
		ids += page.ids.length;
		if (!page.next) break;
		after = page.next;
	}
	return { ms: Number(process.hrtime.bigint() - t0) / 1e6, ids, calls };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const scenario: Scenario = {
	name: "users-fanout",
	title: "streaming 10,000 follower ids for fan-out",
	goal: "none fixed (issue 5): report the time to stream 10,000 follower ids through users.followerIds.",

	async run(ctx): Promise<ScenarioResult> {
		const rows: Row[] = [];
		const verdicts: ScenarioResult["verdicts"] = [];
		for (const topology of ["single", "split"] as const) {
			ctx.log(`${topology}: starting`);
			const stack = await startBenchStack(ctx, topology, STACK_ENV);
			try {
				const userId = await seed(stack);
				for (const limit of BATCHES) {
					await stream(stack, userId, limit); // warm-up: plans, pools, transporter queues
					await awaitQuietMachine(ctx.log);
					const runs = [];
					for (let i = 0; i < ROUNDS; i++) runs.push(await stream(stack, userId, limit));
					if (runs.some(r => r.ids !== FOLLOWERS)) throw new Error(`a pass streamed ${runs.map(r => r.ids).join("/")} ids, not ${FOLLOWERS}`);
					const ms = runs.map(r => r.ms);
					rows.push({
						topology: topology === "single" ? "one process" : "split (RabbitMQ)",
						"batch size": String(limit),
						calls: String(runs[0].calls),
						"median ms": fmt(median(ms), 1),
						"min ms": fmt(Math.min(...ms), 1),
						"max ms": fmt(Math.max(...ms), 1),
						"ids/s (median)": fmt((FOLLOWERS / median(ms)) * 1000)
					});
					verdicts.push({ label: `${topology}, batches of ${limit}: ms for ${FOLLOWERS} ids`, value: median(ms) });
				}
			} finally {
				await stack.stop();
			}
		}
		return {
			method: [
				`- **Data:** one registered user (REST) with ${FOLLOWERS.toLocaleString("en")} followers written straight into \`users.follows\` (the fan-out reads only ids; registering ten thousand accounts through REST would measure auth, not this), then \`ANALYZE\`.`,
				`- **Measured:** a full pass of \`users.followerIds { userId, after, limit }\` until \`next\` is null, at limits ${BATCHES.join(" and ")} (the default and the maximum); ${ROUNDS} passes after one warm-up pass, median/min/max wall time in the bench process. Each call goes bench → IPC → the stack process's broker → (split: RabbitMQ → core node) → PostgreSQL (index \`follows_followee_idx\`, keyset on follower id) and back, so the figures include one IPC hop per batch that the feed's own calls do not pay.`,
				"- **Stacks:** `new Stack(\"single\" | \"split\", { env })` in a child process; split is three node processes over RabbitMQ with Redis, the call entering from the harness's client broker."
			],
			columns: ["topology", "batch size", "calls", "median ms", "min ms", "max ms", "ids/s (median)"],
			rows,
			verdicts
		};
	}
};

export default scenario;
