/**
 * Issue 8: checkouts per second. Every measured request is a real
 * `POST /api/v1/commerce/checkout` through the gateway: the buyer's cart row
 * locked, the Idempotency-Key recorded, the cart re-read against the live
 * catalog, stock reserved by a guarded decrement, the order with its item
 * snapshots, reservation and history written, the cart emptied — one
 * transaction — then `payments.createIntent`, which sends an M-Pesa STK push
 * to the Daraja simulator over HTTP. Each buyer is one worker that puts the
 * product back in its cart (not measured) and checks out again (measured),
 * so every checkout is a fresh one.
 *
 * Two runs: every buyer after the same product (all reservations serialise
 * on one variant row, a flash sale), and a product per buyer (no shared
 * row). Afterwards the stock, orders and payment intents are counted.
 */
import crypto from "node:crypto";
import { Client } from "pg";
import { awaitQuietMachine } from "../lib/measure";
import { machineBusyS, pidsByCommand, sample } from "../lib/processes";
import { startBenchStack, type BenchStack } from "../lib/stack-client";
import type { BenchContext, Row, Scenario, ScenarioResult } from "../lib/types";

const STACK_ENV = { RATE_LIMIT_SCALE: "1000000" };
const STOCK = 1_000_000;
const PRICE = 100_000;
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

interface Buyer {
	token: string;
	userId: string;
	phone: string;
}

function userIdOf(token: string): string {
	return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8")).sub as string;
}

async function post(baseUrl: string, path: string, token: string, body: unknown, headers: Record<string, string> = {}): Promise<number> {
	const res = await fetch(baseUrl + path, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...headers }, body: JSON.stringify(body) });
	await res.arrayBuffer();
	return res.status;
}

async function listing(db: Client, sellerId: string, title: string): Promise<{ productId: string; variantId: string }> {
	const productId = crypto.randomUUID();
	const variantId = crypto.randomUUID();
	await db.query(
		`INSERT INTO commerce.products (id, shop_id, seller_id, title, currency, status, price_min, published_at)
		 SELECT $1, id, owner_id, $3, 'KES', 'active', $4, now() FROM commerce.shops WHERE owner_id = $2`,
		[productId, sellerId, title, PRICE]
	);
	await db.query("INSERT INTO commerce.product_variants (id, product_id, price, stock) VALUES ($1, $2, $3, $4)", [variantId, productId, PRICE, STOCK]);
	return { productId, variantId };
}

interface Run {
	seconds: number;
	checkouts: number;
	refused: number;
	p50Ms: number;
	p99Ms: number;
	serverCpuPct: number;
	pgCpuPct: number;
	otherCpuPct: number;
}

/** Each buyer loops add-to-cart → checkout for `seconds`; only the checkouts are timed and counted. */
async function measure(stack: BenchStack, buyers: Buyer[], products: string[], seconds: number, watch: { server: number; pg: number[] }): Promise<Run> {
	const latencies: number[] = [];
	let refused = 0;
	const cpu = () => (sample(watch.server)?.cpuS ?? 0) + 0;
	const pgCpu = () => watch.pg.reduce((s, pid) => s + (sample(pid)?.cpuS ?? 0), 0);
	const s0 = cpu();
	const p0 = pgCpu();
	const m0 = machineBusyS();
	const started = Date.now();
	const until = started + seconds * 1000;
	await Promise.all(
		buyers.map(async (b, i) => {
			const productId = products[i % products.length];
			while (Date.now() < until) {
				if ((await post(stack.baseUrl, "/api/v1/commerce/cart/items", b.token, { productId, quantity: 1 })) !== 201) {
					refused += 1;
					continue;
				}
				const t0 = performance.now();
				const status = await post(
					stack.baseUrl,
					"/api/v1/commerce/checkout",
					b.token,
					{
						shippingAddress: { recipientName: "Bench Buyer", phone: b.phone, region: "Nairobi", city: "Nairobi", area: "Kilimani" },
						payment: { provider: "mpesa", phone: b.phone }
					},
					{ "idempotency-key": crypto.randomUUID() }
				);
				if (status === 201) latencies.push(performance.now() - t0);
				else refused += 1;
			}
		})
	);
	const elapsed = (Date.now() - started) / 1000;
	const server = ((cpu() - s0) / elapsed) * 100;
	const pg = ((pgCpu() - p0) / elapsed) * 100;
	const m1 = machineBusyS();
	const sorted = latencies.sort((a, b) => a - b);
	const pct = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);
	return {
		seconds: elapsed,
		checkouts: sorted.length,
		refused,
		p50Ms: pct(50),
		p99Ms: pct(99),
		serverCpuPct: server,
		pgCpuPct: pg,
		otherCpuPct: m0 === null || m1 === null ? NaN : Math.max(0, ((m1 - m0) / elapsed) * 100 - server - pg)
	};
}

const scenario: Scenario = {
	name: "commerce-checkout",
	title: "checkouts per second (orders, stock reservation and an M-Pesa payment each)",
	goal: "checkouts per second through the gateway, with stock never oversold (issue 8)",

	async run(ctx: BenchContext): Promise<ScenarioResult> {
		const workers = Math.min(ctx.settings.connections, 50);
		ctx.log("one process (Stack single): starting");
		const stack = await startBenchStack(ctx, "single", STACK_ENV);
		const db = new Client({ connectionString: stack.notifDatabaseUrl.replace(/_notif$/, "") });
		const rows: Row[] = [];
		const notes: string[] = [];
		let hot: Run;
		let spread: Run;
		try {
			await db.connect();
			const sellerToken = await stack.call<string>("bench.createUser", {});
			const sellerId = userIdOf(sellerToken);
			await db.query(
				`INSERT INTO commerce.shops (id, owner_id, name, slug, region, city, phone, status, verified_at, currency)
				 VALUES ($1, $2, 'Bench shop', $3, 'Nairobi', 'Nairobi', '+254700000000', 'active', now(), 'KES')`,
				[crypto.randomUUID(), sellerId, `bench-${crypto.randomUUID()}`]
			);
			ctx.log(`registering ${workers} buyers`);
			const buyers: Buyer[] = [];
			for (let i = 0; i < workers; i += 5) {
				const tokens = await Promise.all(Array.from({ length: Math.min(5, workers - i) }, () => stack.call<string>("bench.createUser", {})));
				for (const token of tokens) buyers.push({ token, userId: userIdOf(token), phone: `+2547${String(10_000_000 + buyers.length).slice(-8)}` });
			}
			const hotProduct = await listing(db, sellerId, "Flash sale");
			const own: string[] = [];
			for (let i = 0; i < workers; i++) own.push((await listing(db, sellerId, `Item ${i}`)).productId);
			const watch = { server: stack.proc.pid!, pg: pidsByCommand(["postgres"]) };

			ctx.log(`warm-up ${ctx.settings.warmupS} s`);
			if (ctx.settings.warmupS) await measure(stack, buyers, own, ctx.settings.warmupS, watch);
			await awaitQuietMachine(ctx.log);
			ctx.log(`measuring ${ctx.settings.durationS} s: ${workers} buyers after one product`);
			hot = await measure(stack, buyers, [hotProduct.productId], ctx.settings.durationS, watch);
			await awaitQuietMachine(ctx.log);
			ctx.log(`measuring ${ctx.settings.durationS} s: a product per buyer`);
			spread = await measure(stack, buyers, own, ctx.settings.durationS, watch);

			const [stock] = (await db.query("SELECT stock FROM commerce.product_variants WHERE id = $1", [hotProduct.variantId])).rows;
			const [sold] = (await db.query("SELECT coalesce(sum(quantity), 0)::int AS q FROM commerce.order_items WHERE variant_id = $1", [hotProduct.variantId])).rows;
			const [orders] = (await db.query("SELECT count(*)::int AS n FROM commerce.orders")).rows;
			const [intents] = (await db.query("SELECT count(*)::int AS n FROM payments.payment_intents")).rows;
			const consistent = Number(stock.stock) + Number(sold.q) === STOCK;
			notes.push(
				`- Afterwards: the hot product's stock ${stock.stock} + ${sold.q} units in orders = ${Number(stock.stock) + Number(sold.q)} (started with ${STOCK}) — ${consistent ? "consistent" : "**MISMATCH**"}; ${orders.n} orders and ${intents.n} payment intents in all (one per checkout, warm-up included).`,
				"- The payment step is `payments.createIntent` → the Daraja simulator's OAuth and STK push over loopback HTTP, inside the measured request: a real provider answers in 1–3 s, so production latency is dominated by it, not by commerce.",
				"- The add-to-cart between checkouts is not timed or counted. The load comes from fetch workers in the bench process (one per buyer, one request in flight each), not autocannon: every checkout needs its own fresh cart, so a connection cannot replay fixed requests.",
				"- In one process every service shares one PostgreSQL pool of 10 connections; each checkout holds one for its transaction, payments another for the intent."
			);
			if (hot.refused || spread.refused) notes.push(`- Refused requests (not counted as checkouts): ${hot.refused} in the hot run, ${spread.refused} in the spread run.`);
			if (hot.otherCpuPct >= 15 || spread.otherCpuPct >= 15) notes.push(`- **Disturbed:** other work used ${fmt(hot.otherCpuPct)} % / ${fmt(spread.otherCpuPct)} % of a core during the runs (the machine is shared).`);
		} finally {
			await db.end().catch(() => undefined);
			await stack.stop();
		}
		for (const [run, r] of [
			["one product, every buyer", hot],
			["a product per buyer", spread]
		] as const)
			rows.push({
				run,
				"checkouts/s": fmt(r.checkouts / r.seconds, 1),
				checkouts: String(r.checkouts),
				"p50 ms": fmt(r.p50Ms, 1),
				"p99 ms": fmt(r.p99Ms, 1),
				"server CPU %": fmt(r.serverCpuPct),
				"PostgreSQL CPU %": fmt(r.pgCpuPct),
				"other CPU %": fmt(r.otherCpuPct)
			});
		return {
			method: [
				"- **Request:** `POST /api/v1/commerce/checkout` with a fresh `Idempotency-Key`, a shipping address and `payment: { provider: \"mpesa\", phone }`, answered 201 with the order and the payment (`processing`).",
				`- **Load:** ${workers} registered buyers, each a worker looping add-to-cart (untimed) → checkout (timed) for ${ctx.settings.durationS} s after a ${ctx.settings.warmupS} s warm-up; one process (\`Stack("single")\`, \`RATE_LIMIT_SCALE=1000000\`), real PostgreSQL.`
			],
			columns: ["run", "checkouts/s", "checkouts", "p50 ms", "p99 ms", "server CPU %", "PostgreSQL CPU %", "other CPU %"],
			rows,
			verdicts: [
				{ label: "checkouts/s, one hot product", value: hot.checkouts / hot.seconds },
				{ label: "checkouts/s, a product per buyer", value: spread.checkouts / spread.seconds }
			],
			notes
		};
	}
};

export default scenario;
