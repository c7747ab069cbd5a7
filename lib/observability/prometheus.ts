/**
 * Moleculer's Prometheus reporter, without its own HTTP server: the node's
 * health server serves `/metrics` so each pod exposes one small port for
 * probes and scraping alike.
 */
import { MetricReporters } from "moleculer";
import { flushRequestMetrics } from "./metrics";

const Base = MetricReporters.Base as unknown as { prototype: { init(this: unknown, registry: unknown): void } };

export class NodePrometheusReporter extends (MetricReporters.Prometheus as unknown as new (o?: object) => PromReporter) {
	private broker: object | null = null;

	override init(registry: { broker: { namespace: string; nodeID: string } }) {
		Base.prototype.init.call(this, registry);
		this.broker = registry.broker;
		this.defaultLabels = { namespace: registry.broker.namespace, nodeID: registry.broker.nodeID };
	}
	override stop() {
		return Promise.resolve();
	}
	/** Prometheus text exposition of every metric of this node. */
	render(): string {
		// Request counts and latencies are tallied off the registry on the hot path: publish them first.
		if (this.broker) flushRequestMetrics(this.broker);
		return this.generatePrometheusResponse();
	}
}

interface PromReporter {
	init(registry: unknown): void;
	stop(): Promise<void>;
	defaultLabels: Record<string, string>;
	generatePrometheusResponse(): string;
}
