/**
 * Issue 7: (a) provider callbacks processed per second with exactly-once
 * (every intent's callback delivered several times at once, each intent
 * booked once), (b) ledger postings per second (journal entries with row
 * locks, straight on PostgreSQL).
 */
import crypto from "node:crypto";
import { Client } from "pg";
import { Sequelize } from "sequelize";
import { accounts, transfer } from "../../services/payments/rules/ledger";
import { post } from "../../services/payments/store/ledger";
import { awaitQuietMachine } from "../lib/measure";
import { startBenchStack, type BenchStack } from "../lib/stack-client";
import type { BenchContext, Row, Scenario, ScenarioResult, Verdict } from "../lib/types";

/** (a) intents, each answered with this many identical callbacks in parallel, this many answers in flight. */
const INTENTS = 300;
const COPIES = 3;
const CONCURRENCY = 20;
/** (b) journal entries over this many wallets, this many transactions in flight, for this long. */
const WALLETS = 200;
const POST_CONCURRENCY = 20;
const POST_SECONDS = 10;
const TIMEOUT_MS = 180_000;
const TOPOLOGIES = ["single", "split"] as const;
const STACK_ENV = { RATE_LIMIT_SCALE: "1000000" };

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

interface CallbackResult {
	seconds: number;
	callbacks: number;
	settled: number;
	entries: number;
	events: number;
}

async function measureCallbacks(ctx: BenchContext, stack: BenchStack, db: Client): Promise<CallbackResult> {
	ctx.log(`(a) creating ${INTENTS} M-Pesa intents`);
	const payer = crypto.randomUUID();
	const refs: Array<{ id: string; ref: string }> = [];
	for (let i = 0; i < INTENTS; i += 20) {
		const batch = await Promise.all(
			Array.from({ length: Math.min(20, INTENTS - i) }, (_, j) =>
				stack.call<{ id: string; providerReference: string }>("payments.createIntent", {
					payerId: payer,
					amount: 10_000,
					currency: "KES",
					purpose: { type: "order", id: crypto.randomUUID() },
					method: { provider: "mpesa", phone: `+2547${String(10_000_000 + i + j).slice(-8)}` },
					idempotencyKey: `bench-${i + j}`
				})
			)
		);
		refs.push(...batch.map(b => ({ id: b.id, ref: b.providerReference })));
	}
	const ids = refs.map(r => r.id);
	await awaitQuietMachine(ctx.log);
	ctx.log(`(a) answering every prompt with ${COPIES} identical callbacks, ${CONCURRENCY} prompts at a time`);
	const t0 = process.hrtime.bigint();
	let next = 0;
	let callbacks = 0;
	const worker = async () => {
		while (next < refs.length) {
			const { ref } = refs[next++];
			const res = await fetch(`${stack.baseUrl}/sim/mpesa/payments/${ref}/complete`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ outcome: "success", repeat: COPIES })
			});
			const body = (await res.json()) as { callbacks: number[] };
			callbacks += body.callbacks.filter(s => s === 200).length;
		}
	};
	await Promise.all(Array.from({ length: CONCURRENCY }, worker));
	let settled = 0;
	const end = Date.now() + TIMEOUT_MS;
	while (Date.now() < end) {
		settled = (await db.query("SELECT count(*)::int AS n FROM payments.payment_intents WHERE id = ANY($1) AND status = 'succeeded'", [ids])).rows[0].n;
		if (settled >= INTENTS) break;
		await sleep(50);
	}
	const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
	const entries = (await db.query("SELECT count(*)::int AS n FROM payments.ledger_transactions WHERE external_id = ANY($1)", [ids.map(id => `collect:mpesa:${id}`)])).rows[0].n;
	const events = (await db.query("SELECT count(*)::int AS n FROM payments.outbox WHERE type = 'payments.intent.succeeded' AND envelope->'data'->>'intentId' = ANY($1)", [ids])).rows[0].n;
	return { seconds, callbacks, settled, entries, events };
}

interface PostingResult {
	entries: number;
	perS: number;
	refused: number;
	ok: boolean;
}

/** (b) transfers between random wallets funded up front; every entry is one transaction with two locked accounts. */
async function measurePostings(ctx: BenchContext, coreUrl: string): Promise<PostingResult> {
	const sequelize = new Sequelize(coreUrl, { logging: false, pool: { max: POST_CONCURRENCY + 2 } });
	try {
		const wallets = Array.from({ length: WALLETS }, () => accounts.wallet(crypto.randomUUID()));
		for (const w of wallets)
			await sequelize.transaction(t => post({ sequelize, t }, { externalId: `bench:fund:${w.code}`, kind: "bench", currency: "UGX", legs: transfer(accounts.clearing("bench"), w, 1_000_000) }));
		await awaitQuietMachine(ctx.log);
		ctx.log(`(b) posting transfers between ${WALLETS} wallets for ${POST_SECONDS} s, ${POST_CONCURRENCY} in flight`);
		let entries = 0;
		let refused = 0;
		const stopAt = Date.now() + POST_SECONDS * 1000;
		const t0 = process.hrtime.bigint();
		const worker = async () => {
			while (Date.now() < stopAt) {
				const a = wallets[crypto.randomInt(WALLETS)];
				let b = wallets[crypto.randomInt(WALLETS)];
				if (b === a) b = wallets[(wallets.indexOf(a) + 1) % WALLETS];
				try {
					await sequelize.transaction(t => post({ sequelize, t }, { externalId: `bench:${crypto.randomUUID()}`, kind: "bench", currency: "UGX", legs: transfer(a, b, 1 + crypto.randomInt(100)) }));
					entries += 1;
				} catch {
					refused += 1;
				}
			}
		};
		await Promise.all(Array.from({ length: POST_CONCURRENCY }, worker));
		const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
		const [check] = (await sequelize.query("SELECT count(*)::int AS n FROM payments.accounts WHERE NOT allow_negative AND balance < 0", { type: "SELECT" as never })) as unknown as Array<{ n: number }>;
		return { entries, perS: entries / seconds, refused, ok: check.n === 0 };
	} finally {
		await sequelize.close();
	}
}

const scenario: Scenario = {
	name: "payments-callbacks",
	title: "provider callbacks with exactly-once, and ledger postings",
	goal: "report callbacks processed per second with exactly-once (one ledger entry and one succeeded event per intent), and ledger postings per second.",

	async run(ctx): Promise<ScenarioResult> {
		const rows: Row[] = [];
		const verdicts: Verdict[] = [];
		const notes: string[] = [];
		for (const topology of TOPOLOGIES) {
			ctx.log(`${topology}: starting the stack`);
			const stack = await startBenchStack(ctx, topology, STACK_ENV);
			const coreUrl = stack.notifDatabaseUrl.replace(/_notif$/, "");
			const db = new Client({ connectionString: coreUrl });
			try {
				await db.connect();
				const cb = await measureCallbacks(ctx, stack, db);
				const exact = cb.entries === cb.settled && cb.events === cb.settled && cb.settled === INTENTS;
				rows.push({
					topology,
					measurement: `(a) ${INTENTS} intents × ${COPIES} identical STK callbacks`,
					result: `${fmt(cb.callbacks / cb.seconds)} callbacks/s`,
					detail: `${fmt(cb.settled / cb.seconds)} payments settled/s; ${cb.settled}/${INTENTS} succeeded in ${fmt(cb.seconds, 2)} s; ${cb.entries} ledger entries, ${cb.events} succeeded events (exactly once: ${exact ? "yes" : "NO"})`
				});
				verdicts.push({ label: `${topology} (a) callbacks processed per second`, value: cb.callbacks / cb.seconds });
				verdicts.push({ label: `${topology} (a) one entry and one event per payment`, value: exact ? 1 : 0, target: "= 1", met: exact });
				if (topology === "single") {
					const p = await measurePostings(ctx, coreUrl);
					rows.push({
						topology: "PostgreSQL",
						measurement: `(b) two-legged journal entries between ${WALLETS} wallets`,
						result: `${fmt(p.perS)} entries/s`,
						detail: `${p.entries} entries (${p.entries * 2} postings) in ${POST_SECONDS} s, ${POST_CONCURRENCY} in flight; refused ${p.refused}; no account below zero: ${p.ok ? "yes" : "NO"}`
					});
					verdicts.push({ label: "(b) ledger entries per second", value: p.perS });
				}
			} finally {
				await db.end().catch(() => undefined);
				await stack.stop();
			}
		}
		notes.push(
			"- (a) includes the whole path: the simulator sends each callback over HTTP to the gateway, the payments node authenticates it (per-intent token), stores it in the inbox (duplicates stop at UNIQUE(provider, event_key)), and the worker confirms each payment with an STK Query to the simulator before booking it with its outbox event. The clock runs from the first answer until every intent is succeeded.",
			"- (b) calls `store/ledger.ts` `post` directly (the same function every flow uses) on the stack's core database: each entry inserts its transaction, locks both accounts in id order, checks the balances and writes two postings.",
			"- Every process — the nodes, PostgreSQL, RabbitMQ, Redis and the bench — shares the same 2 cores."
		);
		return {
			method: [
				"- **Stacks:** `new Stack(topology, { env })` from `test/support/stack.ts` in a child process (single: one broker; split: gateway, core and business nodes over RabbitMQ with Redis). The M-Pesa simulator answers behind the gateway. Env: `RATE_LIMIT_SCALE=1000000`.",
				`- **(a)** ${INTENTS} intents through \`payments.createIntent\` (STK Push to the simulator), then \`POST /sim/mpesa/payments/:reference/complete { outcome: "success", repeat: ${COPIES} }\` for each, ${CONCURRENCY} at a time. callbacks/s = callbacks answered 200 / time until all ${INTENTS} are succeeded; exactly-once is checked in the database (ledger entries and outbox events per intent).`,
				`- **(b)** ${WALLETS} UGX wallets funded, then ${POST_CONCURRENCY} concurrent workers post random transfers for ${POST_SECONDS} s.`
			],
			columns: ["topology", "measurement", "result", "detail"],
			rows,
			verdicts,
			notes
		};
	}
};

export default scenario;
