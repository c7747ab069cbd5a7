/**
 * Broker options, built from the resolved platform configuration.
 *
 * The same build runs as one broker (no transporter, memory cacher) or as many
 * nodes over RabbitMQ with the Redis cacher; only the environment differs.
 * See docs/configuration.md for every variable.
 */
import type { BrokerOptions } from "moleculer";
import type { ResolvedConfig } from "./lib/config";
import { loggerOptions } from "./lib/observability/logger";
import { internalMiddlewares } from "./lib/broker/internal-middlewares";
import { NodePrometheusReporter } from "./lib/observability/prometheus";
import { RequestContextMiddleware } from "./lib/observability/request-context";
import { channelsMiddleware } from "./lib/events/channels";

export function brokerOptions(cfg: ResolvedConfig): BrokerOptions & { nexgate: ResolvedConfig } {
	return {
		namespace: cfg.namespace,
		nodeID: cfg.nodeId,
		logger: loggerOptions(cfg),
		transporter: cfg.transporter
			? {
					type: "AMQP",
					options: {
						url: cfg.transporter,
						// Nagle's algorithm adds ~23 ms to every remote call (measured, DESIGN.md §8).
						socketOptions: { noDelay: true },
						// prefetch 1 deadlocks streamed calls between nodes; keep it well above.
						prefetch: cfg.amqpPrefetch,
						// Per-node queues expire 2 minutes after their node is gone (moleculer default, stated for clarity).
						autoDeleteQueues: 2 * 60 * 1000
					}
			  }
			: null,
		cacher: cfg.cacher === "redis" ? { type: "Redis", options: { prefix: `${cfg.namespace}-cache`, redis: cfg.redisUrl!, ttl: 300 } } : { type: "Memory", options: { ttl: 300, maxParamsLength: 100 } },
		serializer: cfg.serializer,
		requestTimeout: 15_000,
		retryPolicy: { enabled: false },
		maxCallLevel: 20,
		heartbeatInterval: 5,
		heartbeatTimeout: 15,
		contextParamsCloning: false,
		// Graceful shutdown: stop() waits for running requests before disconnecting.
		tracking: { enabled: true, shutdownTimeout: cfg.shutdownTimeoutMs },
		// Entry points own SIGINT/SIGTERM (bin/start.ts drains, then stops the embedded servers).
		// Moleculer's own handlers would exit the process as soon as the broker stopped, before
		// the embedded PostgreSQL was down.
		skipProcessEventRegistration: true,
		disableBalancer: false,
		registry: { strategy: "RoundRobin", preferLocal: true },
		circuitBreaker: { enabled: true, threshold: 0.5, minRequestCount: 20, windowTime: 60, halfOpenTime: 10_000 },
		bulkhead: { enabled: false },
		validator: true,
		errorHandler: undefined,
		// Process and OS gauges too (moleculer skips them when NODE_ENV=test): the dashboard charts memory and CPU per node.
		metrics: { enabled: cfg.metricsEnabled, collectProcessMetrics: true, reporter: cfg.metricsEnabled ? [new NodePrometheusReporter() as never] : [] },
		tracing: {
			enabled: cfg.tracingExporter !== "none",
			exporter:
				cfg.tracingExporter === "zipkin"
					? [{ type: "Zipkin", options: { baseURL: cfg.zipkinUrl } }]
					: cfg.tracingExporter === "console"
					? [{ type: "Console" }]
					: cfg.tracingExporter === "event"
					? [{ type: "Event" }]
					: []
		},
		// Moleculer's own middlewares are listed explicitly so that "Timeout" and "Metrics" can be lean
		// variants (lib/broker/internal-middlewares.ts). Same order as moleculer adds them.
		internalMiddlewares: false,
		middlewares: [RequestContextMiddleware, channelsMiddleware(cfg), ...internalMiddlewares()],
		replOptions: { customCommands: [] },
		nexgate: cfg
	} as BrokerOptions & { nexgate: ResolvedConfig };
}
