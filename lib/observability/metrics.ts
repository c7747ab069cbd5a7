/**
 * Moleculer's built-in "Metrics" middleware with a cheaper per-call path for
 * actions (docs/benchmarks.md, gateway-auth: the built-in one cost ~15 % of
 * the gateway's CPU).
 *
 * Per action call the built-in one does six label-hashed registry updates
 * (requests total, active ↑, by call level, latency histogram, active ↓) and
 * keeps every latency sample of the last 60 s for in-process quantiles. This
 * one keeps what answers "how many calls, how many failed, how long did they
 * take" and drops the rest:
 *
 * | metric                             | here                                          |
 * |------------------------------------|-----------------------------------------------|
 * | moleculer_request_total            | kept (labels service, action, type, caller)   |
 * | moleculer_request_error_total      | kept (+ errorName, errorCode, errorType)      |
 * | moleculer_request_time             | kept: count, sum, buckets; no quantile lines  |
 * |                                    | (use histogram_quantile() on the buckets)     |
 * | moleculer_request_active           | not updated (always 0)                        |
 * | moleculer_request_levels           | not updated (call depth is visible in traces) |
 *
 * Calls are tallied in plain per-action, per-caller counters on the hot path
 * and published to moleculer's registry every second and right before each
 * `/metrics` render (flushRequestMetrics), so a scrape is never behind and
 * other readers of the registry are at most a second behind.
 *
 * Events, transit and transporter metrics are the built-in middleware's, unchanged.
 */
import * as moleculer from "moleculer";
import { METRIC, type Context, type Middleware, type ServiceBroker } from "moleculer";

interface Labelled {
	increment(labels: Record<string, unknown>, value?: number): void;
}
interface HistogramItem {
	count: number;
	sum: number;
	lastValue: number | null;
	timestamp: number;
	bucketValues?: Record<number, number>;
	rate?: { update(value: number): void };
}
interface Histogram {
	observe(value: number, labels: Record<string, unknown>): void;
	hashingLabels(labels: Record<string, unknown>): string;
	values: Map<string, HistogramItem>;
	buckets?: number[];
	quantiles?: unknown;
	changed(): void;
}
/** What one (action, caller) did since the last flush. */
interface Tally {
	labels: Record<string, unknown>;
	calls: number;
	timed: number;
	sum: number;
	last: number;
	/** Calls per histogram bucket: index i = the first bucket whose bound is ≥ the time (last = above all). */
	buckets: Float64Array;
}

const flushers = new WeakMap<object, () => void>();

/** Publishes the tallied request metrics of this broker to its registry (the reporter calls it before rendering). */
export function flushRequestMetrics(broker: object): void {
	flushers.get(broker)?.();
}
interface ActionDef {
	name: string;
	service?: { fullName?: string } | null;
}
type Next = (ctx: Context) => Promise<unknown>;
type BuiltIn = Record<string, unknown> & { created?: (broker: ServiceBroker) => void };

const now = () => performance.now();

export function LeanMetricsMiddleware(broker: ServiceBroker): Middleware {
	const builtIns = (moleculer as unknown as { Middlewares: { Metrics: (b: ServiceBroker) => BuiltIn } }).Middlewares;
	const base = builtIns.Metrics.call(broker, broker);
	const metrics = broker.metrics as unknown as { getMetric(name: string): unknown };
	let total: Labelled | null = null;
	let errors: Labelled | null = null;
	let time: Histogram | null = null;
	let bounds: number[] = [];
	let timer: NodeJS.Timeout | null = null;
	const tallies: Tally[] = [];

	const flush = () => {
		if (!total || !time) return;
		const now = Date.now();
		let changed = false;
		for (const t of tallies) {
			if (t.calls > 0) {
				total.increment(t.labels, t.calls);
				t.calls = 0;
			}
			if (t.timed === 0) continue;
			let item = time.values.get(time.hashingLabels(t.labels));
			if (!item) {
				// Let moleculer create the item (labels, buckets, rate) with one sample, then add the rest here.
				time.observe(t.last, t.labels);
				item = time.values.get(time.hashingLabels(t.labels))!;
				item.count--;
				item.sum -= t.last;
				if (item.bucketValues) for (const b of bounds) if (t.last <= b) item.bucketValues[b] -= 1;
			}
			item.count += t.timed;
			item.sum += t.sum;
			item.lastValue = t.last;
			item.timestamp = now;
			if (item.bucketValues) {
				let cumulative = 0;
				for (let i = 0; i < bounds.length; i++) {
					cumulative += t.buckets[i];
					item.bucketValues[bounds[i]] += cumulative;
				}
			}
			item.rate?.update(item.count);
			t.timed = 0;
			t.sum = 0;
			t.buckets.fill(0);
			changed = true;
		}
		if (changed) time.changed();
	};

	const observe = (t: Tally, ms: number) => {
		t.timed++;
		t.sum += ms;
		t.last = ms;
		let i = 0;
		while (i < bounds.length && ms > bounds[i]) i++;
		t.buckets[i]++;
	};

	function wrap(type: "local" | "remote", next: Next, actionDef: ActionDef): Next {
		if (!broker.isMetricsEnabled()) return next;
		const service = actionDef.service?.fullName ?? null;
		const action = actionDef.name;
		// One tally per caller (a handful per action), so nothing is hashed or built per call.
		const byCaller = new Map<string | null, Tally>();
		const tallyFor = (caller: string | null) => {
			let t = byCaller.get(caller);
			if (!t) {
				t = { labels: { service, action, caller, type }, calls: 0, timed: 0, sum: 0, last: 0, buckets: new Float64Array(bounds.length + 1) };
				byCaller.set(caller, t);
				tallies.push(t);
			}
			return t;
		};
		return function leanMetricsMiddleware(ctx: Context) {
			const t = tallyFor((ctx.caller as string | null) ?? null);
			t.calls++;
			const start = now();
			return next(ctx).then(
				res => {
					observe(t, now() - start);
					return res;
				},
				(err: { name?: string; code?: unknown; type?: unknown } | null) => {
					observe(t, now() - start);
					errors!.increment({ ...t.labels, errorName: err?.name ?? null, errorCode: err?.code ?? null, errorType: err?.type ?? null });
					throw err;
				}
			);
		};
	}

	return {
		...base,
		name: "Metrics",
		created(this: unknown, b: ServiceBroker) {
			base.created?.call(this, b);
			if (!broker.isMetricsEnabled()) return;
			total = metrics.getMetric(METRIC.MOLECULER_REQUEST_TOTAL) as Labelled;
			errors = metrics.getMetric(METRIC.MOLECULER_REQUEST_ERROR_TOTAL) as Labelled;
			time = metrics.getMetric(METRIC.MOLECULER_REQUEST_TIME) as Histogram;
			// Buckets only: in-process quantiles keep every sample of the last minute and sort them per scrape.
			time.quantiles = null;
			bounds = [...(time.buckets ?? [])];
			flushers.set(broker, flush);
			timer = setInterval(flush, 1000);
			timer.unref();
		},
		stopped() {
			if (timer) clearInterval(timer);
			timer = null;
			flush();
		},
		localAction(next: Next, action: ActionDef) {
			return wrap("local", next, action);
		},
		remoteAction(next: Next, action: ActionDef) {
			return wrap("remote", next, action);
		}
	} as unknown as Middleware;
}
