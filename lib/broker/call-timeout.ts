/**
 * Moleculer's built-in "Timeout" middleware, with one timer and two promises per call instead of
 * a timer and seven (its `Promise.prototype.timeout` races a timeout promise against the call, then
 * chains a `then`, a `catch` and the middleware's own `catch`). Every action call in the platform
 * goes through it, so the difference is paid on every hop of every request.
 *
 * Same rules as the built-in one:
 * - the call's timeout is `ctx.options.timeout`, else the action's `timeout`, else the broker's
 *   `requestTimeout` (written back to ctx.options, so nested calls share the remaining budget);
 * - a call with a timeout records when it started (ctx.startHrTime) for that distributed budget;
 * - on expiry the caller gets RequestTimeoutError, a warning is logged, a streamed request is told
 *   ("moleculer-timeout-middleware"), and moleculer_request_timeout_total counts it.
 */
import { Stream } from "node:stream";
import { Errors, METRIC, type Context, type Middleware, type ServiceBroker } from "moleculer";

interface ActionDef {
	name: string;
	timeout?: number;
	service?: { fullName?: string } | null;
}
type Next = (ctx: Context) => Promise<unknown>;

export function CallTimeoutMiddleware(broker: ServiceBroker): Middleware {
	function wrap(next: Next, action: ActionDef): Next {
		const actionTimeout = action.timeout;
		const actionName = action.name;
		const service = action.service?.fullName ?? null;

		const expire = (ctx: Context, ms: number): Error => {
			broker.logger.warn(`Request '${actionName}' is timed out.`, { requestID: ctx.requestID, nodeID: ctx.nodeID, timeout: ms });
			if (ctx.params instanceof Stream) ctx.params.emit("moleculer-timeout-middleware", ms);
			broker.metrics.increment(METRIC.MOLECULER_REQUEST_TIMEOUT_TOTAL, { service, action: actionName });
			return new Errors.RequestTimeoutError({ action: actionName, nodeID: ctx.nodeID });
		};

		return function callTimeoutMiddleware(ctx: Context) {
			const options = ctx.options as { timeout?: number | null };
			if (options.timeout === undefined || options.timeout === null) options.timeout = actionTimeout ?? broker.options.requestTimeout;
			const ms = options.timeout ?? 0;
			if (!(ms > 0)) return next(ctx);
			if (!ctx.startHrTime) ctx.startHrTime = process.hrtime();

			const call = next(ctx);
			return new Promise((resolve, reject) => {
				const timer = setTimeout(() => reject(expire(ctx, ms)), ms);
				call.then(
					value => {
						clearTimeout(timer);
						resolve(value);
					},
					err => {
						clearTimeout(timer);
						reject(err);
					}
				);
			});
		};
	}

	return {
		name: "Timeout",
		created() {
			if (broker.isMetricsEnabled())
				broker.metrics.register({
					name: METRIC.MOLECULER_REQUEST_TIMEOUT_TOTAL,
					type: METRIC.TYPE_COUNTER,
					labelNames: ["service", "action"],
					description: "Number of timed out requests",
					rate: true
				});
		},
		localAction: wrap,
		remoteAction: wrap
	} as unknown as Middleware;
}
