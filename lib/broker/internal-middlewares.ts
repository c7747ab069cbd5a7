/**
 * Moleculer's internal middlewares, listed explicitly (broker option `internalMiddlewares: false`)
 * so two can be lean variants that keep their behaviour at a fraction of the per-call cost:
 * "Timeout" (call-timeout.ts) and "Metrics" (lib/observability/metrics.ts). Same order as
 * moleculer's service-broker.js adds them.
 */
import { LeanMetricsMiddleware } from "../observability/metrics";
import { CallTimeoutMiddleware } from "./call-timeout";

export function internalMiddlewares(): (string | typeof LeanMetricsMiddleware | typeof CallTimeoutMiddleware)[] {
	return [
		"ActionHook",
		"Validator",
		"Bulkhead",
		"Cacher",
		"ContextTracker",
		"CircuitBreaker",
		CallTimeoutMiddleware,
		"Retry",
		"Fallback",
		"ErrorHandler",
		"Tracing",
		LeanMetricsMiddleware,
		"Debounce",
		"Throttle"
	];
}
