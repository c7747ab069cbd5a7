/** The `this` and `ctx` the commerce actions are written against, and the caller's id. */
import type { ActionSchema, Context, Logger, ServiceBroker } from "moleculer";
import type { GatewayUser } from "../../api/action-options";
import { forbidden, unauthorized } from "../../../lib/errors";
import type { DbVars } from "../../../mixins/db.mixin";
import type { DurableEventsMethods } from "../../../mixins/durable-events.mixin";
import type { CommerceRuntime } from "../runtime";

export type Meta = { user?: GatewayUser | null; $statusCode?: number; $location?: string; idempotencyKey?: string; headers?: Record<string, string> };
export type Ctx<P = Record<string, unknown>> = Context<P, Meta>;

export interface Locals {
	rt: CommerceRuntime;
}

export type This = Locals & DurableEventsMethods & DbVars & { broker: ServiceBroker; logger: Logger };

export function me(ctx: Ctx<unknown>): string {
	const id = ctx.meta.user?.userId;
	if (!id) throw unauthorized();
	return id;
}

/** The caller, who must be an administrator (routes with `auth: "admin"` are checked by the gateway too). */
export function admin(ctx: Ctx<unknown>): string {
	const id = me(ctx);
	if (!ctx.meta.user?.roles?.includes("admin")) throw forbidden("Administrators only");
	return id;
}

export const isAdmin = (ctx: Ctx<unknown>) => Boolean(ctx.meta.user?.roles?.includes("admin"));

export const uuid = { type: "uuid" } as const;
export const pathId = { id: uuid };

/** Only the fields an action declares (the gateway merges path and query params into ctx.params too). */
export function pick<T extends object>(params: T, keys: readonly string[]): T {
	return Object.fromEntries(Object.entries(params).filter(([k, v]) => keys.includes(k) && v !== undefined)) as T;
}

/** One group of actions (actions/<group>.ts), spread into the service's `actions`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ActionGroup = Record<string, ActionSchema<any>>;
