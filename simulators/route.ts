/**
 * The `/sim` aliases on the gateway (API.md "Simulators"). Mounted by
 * services/api/routes.ts only when SIMULATORS is on. Provider endpoints keep
 * the providers' own paths after the provider's name, so an adapter switches
 * between a simulator and the real host by its base URL only.
 */
import type { IncomingMessage } from "node:http";
import type { Context } from "moleculer";
import { PAYMENT_SIM_ALIASES } from "./payments";

export const SIMULATOR_ALIASES: Record<string, string> = {
	"POST /africastalking/version1/messaging": "simulators.africasTalkingSend",
	"POST /beem/v1/send": "simulators.beemSend",
	"POST /fcm/token": "simulators.fcmToken",
	"POST /fcm/v1/projects/:projectId/messages\\:send": "simulators.fcmSend",
	"GET /sms/messages": "simulators.smsMessages",
	"GET /email/messages": "simulators.emailMessages",
	"GET /push/messages": "simulators.pushMessages",
	"POST /push/unregistered": "simulators.fcmUnregister",
	"POST /sms/failures": "simulators.smsFailures",
	...PAYMENT_SIM_ALIASES
};

/** The request headers a simulated provider authenticates with. */
export interface SimHeaders {
	apikey?: string;
	authorization?: string;
	/** Selcom's signed-request headers. */
	digest?: string;
	"digest-method"?: string;
	timestamp?: string;
	"signed-fields"?: string;
	/** Tembo Plus credentials. */
	"x-account-id"?: string;
	"x-secret-key"?: string;
}

const FORWARDED = ["digest", "digest-method", "timestamp", "signed-fields", "x-account-id", "x-secret-key"] as const;

export function simulatorRoute() {
	return {
		name: "simulators",
		path: "/sim",
		mappingPolicy: "restrict",
		aliases: SIMULATOR_ALIASES,
		// Providers authenticate by header; the actions see only these.
		onBeforeCall(ctx: Context<unknown, { simHeaders?: SimHeaders }>, _route: unknown, req: IncomingMessage) {
			const h = req.headers;
			const headers: SimHeaders = { apikey: typeof h.apikey === "string" ? h.apikey : undefined, authorization: h.authorization };
			for (const name of FORWARDED) if (typeof h[name] === "string") headers[name] = h[name] as string;
			ctx.meta.simHeaders = headers;
		}
	};
}
