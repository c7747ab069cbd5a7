/**
 * Business counters: what the platform did for its users, next to the
 * broker's own request metrics, on every node's `/metrics` (docs/operations.md
 * lists them; ops/grafana/nexgate.json charts them).
 *
 * One catalogue, so a dashboard or an alert can only name a counter that
 * exists (test/unit/ops/grafana-dashboard.test.ts checks the dashboard
 * against it). A domain counts through `countBusiness`, which registers the
 * metric on first use: a node that never runs the domain never exposes it.
 * Metrics switched off (METRICS=false) make counting a no-op.
 */
import type { ServiceBroker } from "moleculer";

export interface BusinessMetric {
	type: "counter" | "gauge";
	description: string;
	labelNames: readonly string[];
}

export const BUSINESS_METRICS = {
	nexgate_notifications_deliveries_total: {
		type: "counter",
		description: "Notification deliveries by channel (sms, email, push) and outcome (sent, failed, retry, dead, postponed)",
		labelNames: ["channel", "outcome"]
	},
	nexgate_notifications_created_total: {
		type: "counter",
		description: "In-app notifications created, by notification type",
		labelNames: ["type"]
	},
	nexgate_payments_intents_total: {
		type: "counter",
		description: "Payment intents reaching a status (pending, processing, succeeded, failed, cancelled, expired), by provider",
		labelNames: ["provider", "status"]
	},
	nexgate_orders_total: {
		type: "counter",
		description: "Orders reaching a status (pending_payment, paid, shipped, delivered, completed, cancelled, refunded, disputed)",
		labelNames: ["status"]
	},
	nexgate_feed_fanout_lag_seconds: {
		type: "gauge",
		description: "Seconds between a post's creation and the last follower feed it was written to, for the latest fan-out",
		labelNames: []
	}
} as const satisfies Record<string, BusinessMetric>;

export type BusinessMetricName = keyof typeof BUSINESS_METRICS;

interface Registry {
	isEnabled(): boolean;
	getMetric(name: string): unknown;
	register(def: { name: string; type: string; description: string; labelNames: readonly string[] }): unknown;
	increment(name: string, labels?: Record<string, unknown>, value?: number): void;
	set(name: string, value: number, labels?: Record<string, unknown>): void;
}

function registry(broker: ServiceBroker): Registry | null {
	const metrics = broker.metrics as unknown as Registry | undefined;
	if (!metrics || !metrics.isEnabled()) return null;
	return metrics;
}

function ensure(metrics: Registry, name: BusinessMetricName): void {
	if (metrics.getMetric(name)) return;
	const def = BUSINESS_METRICS[name];
	metrics.register({ name, type: def.type, description: def.description, labelNames: def.labelNames });
}

/** Adds to a business counter (registering it on first use). */
export function countBusiness(broker: ServiceBroker, name: BusinessMetricName, labels: Record<string, string> = {}, by = 1): void {
	const metrics = registry(broker);
	if (!metrics) return;
	ensure(metrics, name);
	metrics.increment(name, labels, by);
}

/** Sets a business gauge (registering it on first use). */
export function setBusinessGauge(broker: ServiceBroker, name: BusinessMetricName, value: number, labels: Record<string, string> = {}): void {
	const metrics = registry(broker);
	if (!metrics) return;
	ensure(metrics, name);
	metrics.set(name, value, labels);
}
