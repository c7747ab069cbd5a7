/**
 * `payments`: payment methods, payment intents and their provider
 * collections, the double-entry ledger, escrow, refunds and payouts
 * (issue 7, API.md "payments", docs/payments.md).
 *
 * Routes under /api/v1/payments (see each action's `rest`). Internal actions
 * for commerce and events (not REST):
 *   payments.createIntent   { payerId, payeeId?, amount, currency, purpose, method, idempotencyKey, lifetimeSeconds?, description? } → Intent
 *   payments.getIntent      { id } → Intent          payments.getEscrow { purpose } → Escrow
 *   payments.releaseEscrow  { purpose, payeeId? } → Escrow
 *   payments.refund         { purpose, amount?, to, idempotencyKey? } → Escrow
 *   payments.markDelivered  { purpose } → Escrow (starts the auto-release window)
 *   payments.freezeEscrow   { purpose, reason } → Escrow
 *   payments.resolveDispute { purpose, resolution, refundAmount?, to? } → Escrow (admins, also REST)
 *   payments.ledgerCheck, payments.reconciliationReport (operators; REPL and admin REST)
 * Durable events: payments.intent.succeeded|failed|expired, payments.escrow.released|refunded,
 *                 payments.payout.paid|failed (lib/events/catalogue.ts).
 */
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import "../api/action-options";
import type { GatewayUser } from "../api/action-options";
import { platformConfig } from "../../lib/config";
import { notFound, unauthorized } from "../../lib/errors";
import { paginationParams } from "../../lib/pagination";
import { DbMixin, type DbVars } from "../../mixins/db.mixin";
import { DurableEventsMixin, type DurableEventsMethods } from "../../mixins/durable-events.mixin";
import { countBusiness } from "../../lib/observability/business-metrics";
import { loadPaymentsConfig } from "./config";
import { receiveCallback } from "./flows/callbacks";
import { freezeEscrow, markDelivered, refundEscrow, releaseEscrow, resolveDispute, type Resolution } from "./flows/escrow";
import { createIntent, type CreateIntentParams } from "./flows/intents";
import { addMethod, removeMethod } from "./flows/methods";
import { requestPayout } from "./flows/payouts";
import { reconciliationReport, ReconciliationWorker } from "./flows/reconcile";
import { transactions, wallet } from "./flows/wallet";
import { PaymentMethod } from "./models";
import { endpoints } from "./providers/endpoints";
import { providerAdapters } from "./providers";
import { MAX_ALLOCATIONS } from "./rules/allocations";
import { CURRENCY_CODES, type Currency } from "./rules/money";
import { isProvider, PROVIDERS, type ProviderName } from "./rules/providers";
import { dbOf, type PaymentsRuntime } from "./runtime";
import { allocationsOf } from "./store/allocations";
import { escrowView, findEscrow, type Purpose } from "./store/escrows";
import { findIntent, intentView } from "./store/intents";
import { checkInvariants } from "./store/ledger";
import { listMethods, methodView } from "./store/methods";
import { findPayout, payoutView } from "./store/payouts";

type Meta = { user?: GatewayUser | null; ip?: string | null; $statusCode?: number; $location?: string } & Record<string, unknown>;
type Ctx<P = Record<string, unknown>> = Context<P, Meta>;

interface Locals {
	rt: PaymentsRuntime;
	worker: ReconciliationWorker;
}
type This = Locals & DurableEventsMethods & DbVars & { broker: import("moleculer").ServiceBroker; logger: import("moleculer").Logger };

function userOf(ctx: Ctx<unknown>): string {
	const id = ctx.meta.user?.userId;
	if (!id) throw unauthorized();
	return id;
}

const purpose = { type: "object", strict: "remove", props: { type: { type: "enum", values: ["order", "booking"] }, id: "uuid" } } as const;
const provider = { type: "enum", values: [...PROVIDERS] } as const;
const amount = { type: "number", integer: true, positive: true, convert: true } as const;
const currency = { type: "enum", values: CURRENCY_CODES, optional: true } as const;
const to = { type: "enum", values: ["provider", "wallet"] } as const;

const PaymentsService: ServiceSchema<ServiceSettingSchema, DurableEventsMethods, Locals & DbVars> = {
	name: "payments",
	mixins: [DbMixin({ database: "core", schema: "payments", model: PaymentMethod }), DurableEventsMixin({ schema: "payments" })],
	settings: { rest: "/payments" },

	actions: {
		listMethods: {
			rest: "GET /methods",
			openapi: { summary: "My saved mobile-money numbers (masked), the default first" },
			async handler(this: This, ctx: Ctx) {
				return { items: (await listMethods(dbOf(this.rt), userOf(ctx))).map(methodView), nextCursor: null };
			}
		},

		addMethod: {
			rest: "POST /methods",
			openapi: { summary: "Save a mobile-money number; the first one (or isDefault) becomes the default", status: 201 },
			params: {
				type: { type: "equal", value: "mobile_money" },
				provider,
				phone: { type: "string", min: 6, max: 32 },
				label: { type: "string", max: 40, trim: true, optional: true },
				isDefault: { type: "boolean", optional: true }
			},
			async handler(this: This, ctx: Ctx<{ provider: ProviderName; phone: string; label?: string; isDefault?: boolean }>) {
				const view = await addMethod(this.rt, userOf(ctx), ctx.params);
				ctx.meta.$statusCode = 201;
				ctx.meta.$location = `/api/v1/payments/methods/${view.id}`;
				return view;
			}
		},

		removeMethod: {
			rest: "DELETE /methods/:id",
			openapi: { summary: "Forget a saved number", status: 204 },
			params: { id: "uuid" },
			async handler(this: This, ctx: Ctx<{ id: string }>) {
				await removeMethod(this.rt, userOf(ctx), ctx.params.id);
				ctx.meta.$statusCode = 204;
			}
		},

		intent: {
			rest: "GET /intents/:id",
			openapi: { summary: "A payment intent I am paying" },
			params: { id: "uuid" },
			async handler(this: This, ctx: Ctx<{ id: string }>) {
				const row = await findIntent(dbOf(this.rt), ctx.params.id);
				if (!row || row.payer_id !== userOf(ctx)) throw notFound("Payment intent not found", "INTENT_NOT_FOUND");
				return intentView(row, await allocationsOf(dbOf(this.rt), row.id));
			}
		},

		callback: {
			rest: "POST /callbacks/:provider",
			auth: "none",
			// Selcom signs its webhook in these headers (PROVIDERS.md); the others authenticate in the URL or by status query.
			forwardHeaders: ["authorization", "digest", "digest-method", "timestamp", "signed-fields"],
			openapi: { summary: "Provider → platform: authenticated and answered the provider's way" },
			params: { provider: "string|max:20", ref: "string|optional|max:64", token: "string|optional|max:128", $$strict: false },
			async handler(this: This, ctx: Ctx<Record<string, unknown> & { provider: string; ref?: string; token?: string }>) {
				const { provider: name, ref, token, ...body } = ctx.params;
				if (!isProvider(name)) throw notFound("Unknown provider", "PROVIDER_NOT_FOUND");
				const r = await receiveCallback(this.rt, name, { ref, token }, { body, headers: (ctx.meta.headers as Record<string, string> | undefined) ?? {}, ip: ctx.meta.ip ?? null });
				return r.ack;
			}
		},

		getWallet: {
			rest: "GET /wallet",
			openapi: { summary: "My wallet: available (withdrawable) and held (my sales still in escrow, gross)" },
			params: { currency },
			async handler(this: This, ctx: Ctx<{ currency?: Currency }>) {
				return wallet(this.rt, userOf(ctx), ctx.params.currency ?? this.rt.cfg.defaultCurrency);
			}
		},

		listTransactions: {
			rest: "GET /transactions",
			openapi: { summary: "My wallet's movements, newest first" },
			params: { ...paginationParams, currency },
			async handler(this: This, ctx: Ctx<{ cursor?: string; limit?: number; currency?: Currency }>) {
				return transactions(this.rt, userOf(ctx), ctx.params);
			}
		},

		createPayout: {
			rest: "POST /payouts",
			rateLimit: { window: 60_000, limit: 20 },
			openapi: { summary: "Withdraw wallet money to a saved number (202: in transit until the provider's result)", status: 202 },
			params: { amount, methodId: "uuid", idempotencyKey: { type: "string", min: 1, max: 255, optional: true } },
			async handler(this: This, ctx: Ctx<{ amount: number; methodId: string; idempotencyKey?: string }>) {
				// The Idempotency-Key header (API.md) wins; the body field stays for clients written before the gateway forwarded it.
				const idempotencyKey = (ctx.meta.idempotencyKey as string | null | undefined) ?? ctx.params.idempotencyKey;
				const view = await requestPayout(this.rt, userOf(ctx), { ...ctx.params, idempotencyKey });
				ctx.meta.$statusCode = 202;
				ctx.meta.$location = `/api/v1/payments/payouts/${view.id}`;
				return view;
			}
		},

		payout: {
			rest: "GET /payouts/:id",
			openapi: { summary: "One of my payouts" },
			params: { id: "uuid" },
			async handler(this: This, ctx: Ctx<{ id: string }>) {
				const row = await findPayout(dbOf(this.rt), ctx.params.id);
				if (!row || row.user_id !== userOf(ctx)) throw notFound("Payout not found", "PAYOUT_NOT_FOUND");
				return payoutView(row);
			}
		},

		createIntent: {
			visibility: "public",
			params: {
				payerId: "uuid",
				payeeId: { type: "uuid", optional: true },
				amount,
				currency: { type: "enum", values: CURRENCY_CODES },
				purpose,
				allocations: {
					type: "array",
					optional: true,
					min: 1,
					max: MAX_ALLOCATIONS,
					items: { type: "object", strict: true, props: { purpose, payeeId: { type: "uuid", optional: true }, amount } }
				},
				method: {
					type: "multi",
					rules: [
						{ type: "object", strict: true, props: { methodId: "uuid" } },
						{ type: "object", strict: true, props: { provider, phone: { type: "string", min: 6, max: 32 } } }
					]
				},
				idempotencyKey: { type: "string", min: 1, max: 255 },
				lifetimeSeconds: { type: "number", integer: true, min: 5, optional: true },
				description: { type: "string", max: 60, optional: true }
			},
			handler(this: This, ctx: Ctx<CreateIntentParams>) {
				return createIntent(this.rt, ctx.params);
			}
		},

		getIntent: {
			visibility: "public",
			params: { id: "uuid" },
			async handler(this: This, ctx: Ctx<{ id: string }>) {
				const row = await findIntent(dbOf(this.rt), ctx.params.id);
				if (!row) throw notFound("Payment intent not found", "INTENT_NOT_FOUND");
				return intentView(row, await allocationsOf(dbOf(this.rt), row.id));
			}
		},

		getEscrow: {
			visibility: "public",
			params: { purpose },
			async handler(this: This, ctx: Ctx<{ purpose: Purpose }>) {
				const e = await findEscrow(dbOf(this.rt), ctx.params.purpose);
				if (!e) throw notFound("No payment is held for this purpose", "ESCROW_NOT_FOUND");
				return escrowView(e);
			}
		},

		releaseEscrow: {
			visibility: "public",
			params: { purpose, payeeId: { type: "uuid", optional: true } },
			handler(this: This, ctx: Ctx<{ purpose: Purpose; payeeId?: string }>) {
				return releaseEscrow(this.rt, ctx.params);
			}
		},

		refund: {
			visibility: "public",
			params: { purpose, amount: { ...amount, optional: true }, to, idempotencyKey: { type: "string", min: 1, max: 255, optional: true } },
			handler(this: This, ctx: Ctx<{ purpose: Purpose; amount?: number; to: "provider" | "wallet"; idempotencyKey?: string }>) {
				return refundEscrow(this.rt, ctx.params);
			}
		},

		markDelivered: {
			visibility: "public",
			params: { purpose },
			handler(this: This, ctx: Ctx<{ purpose: Purpose }>) {
				return markDelivered(this.rt, ctx.params.purpose);
			}
		},

		freezeEscrow: {
			visibility: "public",
			params: { purpose, reason: { type: "string", min: 1, max: 500 } },
			handler(this: This, ctx: Ctx<{ purpose: Purpose; reason: string }>) {
				return freezeEscrow(this.rt, ctx.params);
			}
		},

		resolveDispute: {
			rest: "POST /admin/disputes/resolve",
			auth: "admin",
			openapi: { summary: "Admin: end a dispute by releasing, refunding or splitting the escrow" },
			params: { purpose, resolution: { type: "enum", values: ["release", "refund", "split"] }, refundAmount: { ...amount, optional: true }, to: { ...to, optional: true } },
			handler(this: This, ctx: Ctx<Resolution>) {
				return resolveDispute(this.rt, ctx.params);
			}
		},

		ledgerCheck: {
			rest: "GET /admin/ledger-check",
			auth: "admin",
			openapi: { summary: "Admin: prove the ledger balances (no money created or destroyed)" },
			handler(this: This) {
				return checkInvariants(dbOf(this.rt));
			}
		},

		reconciliationReport: {
			rest: "GET /admin/reconciliation",
			auth: "admin",
			openapi: { summary: "Admin: flagged intents, unconfirmed callbacks, stuck payouts, ledger breaks" },
			handler(this: This) {
				return reconciliationReport(this.rt);
			}
		}
	},

	async started(this: This) {
		const platform = platformConfig(this.broker);
		const cfg = loadPaymentsConfig(process.env, platform);
		const where = endpoints(this.broker, { useSimulators: cfg.useSimulators, callbackBaseUrl: cfg.callbackBaseUrl, publicUrl: cfg.publicUrl });
		this.rt = {
			cfg,
			sequelize: this.sequelize,
			providers: providerAdapters(cfg, where),
			endpoints: where,
			raiseEvent: (t, type, data, actorId) => this.raiseEvent(t, type, data, actorId),
			kick: () => this.worker?.kick(),
			countIntent: (provider, status) => countBusiness(this.broker, "nexgate_payments_intents_total", { provider, status }),
			logger: this.logger
		};
		this.worker = new ReconciliationWorker(this.rt, this.logger);
		this.worker.start();
	},

	async stopped(this: This) {
		await this.worker?.stop();
	}
};

export default PaymentsService;
