/**
 * `simulators`: the external providers of embedded and test mode, speaking
 * their real wire protocols (DESIGN.md §7, API.md "Simulators"). Loaded only
 * when SIMULATORS is on (never in production), beside the gateway, which
 * mounts the HTTP endpoints under /sim (route.ts). The inboxes live here, so
 * they are one per platform whichever node sent the messages.
 *
 * Endpoints (provider protocol)      inboxes                        test controls (actions, also under /sim)
 *   africasTalkingSend  SMS          smsMessages   { to }            smsFailures   { to?, provider?, mode?, count }
 *   beemSend            SMS          emailMessages { to }            fcmUnregister { token }
 *   fcmToken, fcmSend   push         pushMessages  { token }
 *   SMTP (port: smtpAddress)         fcmServiceAccount → the service-account JSON the platform signs with
 *   M-Pesa Daraja, Selcom, Tembo Plus (payments/; PAYMENT_SIM_ALIASES)
 *                                    paymentComplete { provider, reference, outcome, amount?, repeat? }
 *                                    paymentShow { provider, reference } · payoutOutcomes { provider, phone?, outcome, count }
 */
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { platformConfig } from "../lib/config";
import { africasTalkingSend } from "./africastalking";
import { beemSend } from "./beem";
import { loadSimulatorsConfig } from "./config";
import { FailureRules, type FailureMode } from "./failures";
import { FcmSimulator } from "./fcm";
import { PAYMENT_ENDPOINTS, PaymentsSimulator, type CompleteRequest } from "./payments";
import type { PayoutOutcome, SimProvider } from "./payments/state";
import { Inbox, normalisePhone, type EmailMessage, type PushMessage, type SimResponse, type SmsMessage } from "./inbox";
import type { SimHeaders } from "./route";
import { startSmtpSimulator, type SmtpSimulator } from "./smtp";

interface Locals {
	sms: Inbox<SmsMessage>;
	email: Inbox<EmailMessage>;
	push: Inbox<PushMessage>;
	failures: FailureRules;
	fcm: FcmSimulator;
	smtp: SmtpSimulator | null;
	payments: PaymentsSimulator;
}

interface Methods {
	answer(ctx: Context<unknown, SimMeta>, r: SimResponse): unknown;
	tokenUri(): Promise<string>;
}

type SimMeta = { simHeaders?: SimHeaders; $statusCode?: number; $responseType?: string; $responseHeaders?: Record<string, string>; $location?: string };
type Ctx<P = Record<string, unknown>> = Context<P, SimMeta>;
type This = Locals & Methods & { broker: import("moleculer").ServiceBroker };

const limitParam = { type: "number", integer: true, min: 1, max: 1000, optional: true, convert: true } as const;
/** Only messages received after this instant (ISO-8601), so a test can ignore what came before. */
const sinceParam = { type: "string", optional: true, max: 40 } as const;

function after(receivedAt: string, since: string | undefined): boolean {
	return !since || Date.parse(receivedAt) > Date.parse(since);
}

const simProvider = { type: "enum", values: ["mpesa", "selcom", "tembo"] } as const;

/** The payment providers' endpoints: the provider's own status, body and type for each request. */
const paymentEndpoints = Object.fromEntries(
	PAYMENT_ENDPOINTS.map(name => [
		name,
		function (this: This, ctx: Ctx) {
			return this.answer(ctx, this.payments[name]({ headers: { ...ctx.meta.simHeaders }, params: ctx.params }));
		}
	])
);

const SimulatorsService: ServiceSchema<ServiceSettingSchema, Methods, Locals> = {
	name: "simulators",

	actions: {
		...paymentEndpoints,

		/** The customer answers a payment prompt; the simulator calls the platform back as the provider would. */
		paymentComplete: {
			params: {
				provider: simProvider,
				reference: "string|min:1|max:64",
				outcome: { type: "enum", values: ["success", "insufficient_funds", "cancelled", "timeout"] },
				amount: { type: "number", integer: true, min: 1, optional: true, convert: true },
				repeat: { type: "number", integer: true, min: 1, max: 500, optional: true, convert: true }
			},
			async handler(this: This, ctx: Ctx<CompleteRequest & { provider: SimProvider; reference: string }>) {
				const { provider, reference, ...req } = ctx.params;
				return this.answer(ctx, await this.payments.complete(provider, reference, req));
			}
		},

		paymentShow: {
			params: { provider: simProvider, reference: "string|min:1|max:64" },
			handler(this: This, ctx: Ctx<{ provider: SimProvider; reference: string }>) {
				return this.answer(ctx, this.payments.show(ctx.params.provider, ctx.params.reference));
			}
		},

		/** The next `count` payouts (to `phone`) end this way: failed, or timeout (no result ever). */
		payoutOutcomes: {
			params: {
				provider: simProvider,
				phone: "string|optional|max:32",
				outcome: { type: "enum", values: ["success", "failed", "timeout"] },
				count: { type: "number", integer: true, min: 1, max: 1000, convert: true }
			},
			handler(this: This, ctx: Ctx<{ provider: SimProvider; phone?: string; outcome: PayoutOutcome; count: number }>) {
				const p = ctx.params;
				return this.answer(ctx, this.payments.armPayouts(p.provider, p.phone ? p.phone.replace(/^\+/, "") : null, p.outcome, p.count));
			}
		},
		africasTalkingSend(this: This, ctx: Ctx) {
			return this.answer(ctx, africasTalkingSend({ headers: { ...ctx.meta.simHeaders }, params: ctx.params }, this.sms, this.failures));
		},

		beemSend(this: This, ctx: Ctx) {
			return this.answer(ctx, beemSend({ headers: { ...ctx.meta.simHeaders }, params: ctx.params }, this.sms, this.failures));
		},

		async fcmToken(this: This, ctx: Ctx) {
			return this.answer(ctx, this.fcm.token(ctx.params, await this.tokenUri()));
		},

		fcmSend(this: This, ctx: Ctx<{ projectId: string } & Record<string, unknown>>) {
			const { projectId, ...body } = ctx.params;
			return this.answer(ctx, this.fcm.send(projectId, ctx.meta.simHeaders?.authorization, body));
		},

		smsMessages: {
			params: { to: "string|optional|max:64", since: sinceParam, limit: limitParam },
			handler(this: This, ctx: Ctx<{ to?: string; since?: string; limit?: number }>) {
				const to = ctx.params.to ? normalisePhone(ctx.params.to) : null;
				return { items: this.sms.find(m => (!to || m.to === to) && after(m.receivedAt, ctx.params.since), ctx.params.limit ?? 100) };
			}
		},

		emailMessages: {
			params: { to: "string|optional|max:320", since: sinceParam, limit: limitParam },
			handler(this: This, ctx: Ctx<{ to?: string; since?: string; limit?: number }>) {
				const to = ctx.params.to?.trim().toLowerCase();
				return { items: this.email.find(m => (!to || m.to.includes(to)) && after(m.receivedAt, ctx.params.since), ctx.params.limit ?? 100) };
			}
		},

		pushMessages: {
			params: { token: "string|optional|max:4096", since: sinceParam, limit: limitParam },
			handler(this: This, ctx: Ctx<{ token?: string; since?: string; limit?: number }>) {
				return { items: this.push.find(m => (!ctx.params.token || m.token === ctx.params.token) && after(m.receivedAt, ctx.params.since), ctx.params.limit ?? 100) };
			}
		},

		/** From now on FCM answers 404 UNREGISTERED for this token (the app was uninstalled). */
		fcmUnregister: {
			params: { token: "string|min:1|max:4096" },
			handler(this: This, ctx: Ctx<{ token: string }>) {
				this.fcm.unregister(ctx.params.token);
				return { token: ctx.params.token, unregistered: true };
			}
		},

		/** The next `count` SMS (to `to`, through `provider`) fail: HTTP 500 (`http`) or a failed recipient status (`status`). */
		smsFailures: {
			params: {
				to: "string|optional|max:64",
				provider: { type: "enum", values: ["africastalking", "beem"], optional: true },
				mode: { type: "enum", values: ["http", "status"], optional: true },
				count: { type: "number", integer: true, min: 1, max: 1000, convert: true }
			},
			handler(this: This, ctx: Ctx<{ to?: string; provider?: string; mode?: FailureMode; count: number }>) {
				const p = ctx.params;
				this.failures.add({ provider: p.provider, destination: p.to ? normalisePhone(p.to) : undefined, mode: p.mode, count: p.count });
				return { armed: p.count };
			}
		},

		smtpAddress: {
			visibility: "public",
			handler(this: This) {
				if (!this.smtp) throw new Error("the SMTP simulator is not running");
				return this.smtp.address();
			}
		},

		fcmServiceAccount: {
			visibility: "public",
			async handler(this: This) {
				const sa = this.fcm.serviceAccount(await this.tokenUri());
				return { projectId: sa.project_id, clientEmail: sa.client_email, privateKey: sa.private_key, tokenUri: sa.token_uri };
			}
		}
	},

	methods: {
		/** A provider-shaped answer: its status code, body and content type. */
		answer(ctx: Ctx, r: SimResponse) {
			ctx.meta.$statusCode = r.status;
			if (r.type) ctx.meta.$responseType = r.type;
			if (r.headers) ctx.meta.$responseHeaders = r.headers;
			if (r.location) ctx.meta.$location = r.location;
			return r.body;
		},

		/** Where this node's gateway serves the token endpoint (the audience of the assertions). */
		async tokenUri(this: This) {
			const { url } = await this.broker.call<{ url: string }, Record<string, never>>("api.address", {}, { nodeID: this.broker.nodeID });
			return `${url}/sim/fcm/token`;
		}
	},

	created(this: This) {
		const cfg = loadSimulatorsConfig(process.env);
		this.sms = new Inbox(cfg.inboxSize);
		this.email = new Inbox(cfg.inboxSize);
		this.push = new Inbox(cfg.inboxSize);
		this.failures = new FailureRules();
		this.fcm = new FcmSimulator(this.push);
		this.smtp = null;
		this.payments = new PaymentsSimulator(cfg.payments);
	},

	async started(this: This) {
		const cfg = loadSimulatorsConfig(process.env);
		this.smtp = await startSmtpSimulator(this.email, platformConfig(this.broker).host, cfg.smtpPort);
	},

	async stopped(this: This) {
		await this.smtp?.close();
		this.smtp = null;
	}
};

export default SimulatorsService;
