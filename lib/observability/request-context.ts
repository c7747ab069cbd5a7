/**
 * The request id of the call being handled, for every log line.
 *
 * A middleware runs each local action and event handler inside an
 * AsyncLocalStorage scope holding ctx.requestID; the log formatter reads it.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Context, Middleware } from "moleculer";

const storage = new AsyncLocalStorage<{ requestId: string | null }>();

export function currentRequestId(): string | null {
	return storage.getStore()?.requestId ?? null;
}

export function runWithRequestId<T>(requestId: string | null, fn: () => T): T {
	return storage.run({ requestId }, fn);
}

export const RequestContextMiddleware: Middleware = {
	name: "RequestContext",
	localAction(next: (ctx: Context) => Promise<unknown>) {
		return (ctx: Context) => {
			const requestId = ctx.requestID ?? null;
			// A local call made while handling the same request (the gateway's `api.rest` calling the
			// domain action, an action calling another on this node) is already in its scope.
			if (requestId !== null && storage.getStore()?.requestId === requestId) return next(ctx);
			return storage.run({ requestId }, () => next(ctx));
		};
	},
	localEvent(next: (ctx: Context) => Promise<unknown>) {
		return (ctx: Context) => storage.run({ requestId: ctx.requestID ?? null }, () => next(ctx));
	}
} as unknown as Middleware;
