/**
 * The payment-provider simulators behind one object: the provider endpoints
 * (same paths as the real APIs, under /sim/<provider>), the test control
 * `complete` (the customer answers the prompt), payout outcomes, and
 * SIM_AUTO_APPROVE_MS (prompts approve themselves after that delay).
 * Callbacks go out over HTTP exactly as the provider would send them.
 */
import type { SimResponse } from "../inbox";
import { darajaB2c, darajaComplete, darajaReversal, darajaStkPush, darajaStkQuery, darajaToken, type DarajaRequest } from "./daraja";
import { selcomCashin, selcomCashinQuery, selcomComplete, selcomCreateOrder, selcomOrderStatus, selcomWalletPayment, type SelcomRequest } from "./selcom";
import { deliver, PaymentsSimState, type CallbackDelivery, type PayoutOutcome, type PromptOutcome, type ReversalOutcome, type SimProvider } from "./state";
import { temboCollect, temboCollectionStatus, temboComplete, temboPayout, temboPayoutStatus, type TemboRequest } from "./tembo";

export interface PaymentsSimConfig {
	autoApproveMs: number | null;
	mpesaPasskey: string;
	selcom: { apiKey: string; apiSecret: string };
	tembo: { accountId: string; secretKey: string };
	/** Collections and payouts remembered; the oldest go first. */
	size: number;
}

export interface CompleteRequest {
	outcome: PromptOutcome;
	/** Whole units the customer actually paid (a wrong amount); defaults to the amount asked. */
	amount?: number;
	/** Send the callback this many times at once (duplicate deliveries). */
	repeat?: number;
}

export type Req = { headers: Record<string, string | undefined>; params: Record<string, unknown> };

export class PaymentsSimulator {
	readonly state: PaymentsSimState;

	constructor(private readonly cfg: PaymentsSimConfig) {
		this.state = new PaymentsSimState(cfg.size);
	}

	/** Fire-and-forget for asynchronous provider messages (after the synchronous answer went out). */
	private later(cb: CallbackDelivery | null, delayMs = 20): void {
		if (!cb) return;
		setTimeout(() => void deliver(cb), delayMs).unref();
	}

	private autoApprove(provider: SimProvider, res: SimResponse, referenceOf: (body: Record<string, unknown>) => unknown): SimResponse {
		const ref = res.status === 200 ? referenceOf(res.body as Record<string, unknown>) : null;
		if (this.cfg.autoApproveMs !== null && typeof ref === "string")
			setTimeout(() => void this.complete(provider, ref, { outcome: "success" }).catch(() => undefined), this.cfg.autoApproveMs).unref();
		return res;
	}

	mpesaToken = (r: Req) => darajaToken(r as DarajaRequest);
	mpesaStkPush = (r: Req) => this.autoApprove("mpesa", darajaStkPush(r as DarajaRequest, this.state, this.cfg.mpesaPasskey), b => b.CheckoutRequestID);
	mpesaStkQuery = (r: Req) => darajaStkQuery(r as DarajaRequest, this.state, this.cfg.mpesaPasskey);
	mpesaB2c = (r: Req) => {
		const { response, callback } = darajaB2c(r as DarajaRequest, this.state);
		this.later(callback);
		return response;
	};

	mpesaReversal = (r: Req) => {
		const { response, callback } = darajaReversal(r as DarajaRequest, this.state);
		this.later(callback);
		return response;
	};

	/**
	 * Test control `POST /sim/mpesa/reversals/outcomes` `{ receipt?, outcome: "success" | "failed" | "timeout", count }`:
	 * the next `count` reversals (of `receipt`) end this way; "success" still fails an unknown receipt or an amount too high.
	 */
	mpesaReversalOutcomes = (r: Req): SimResponse => {
		const { receipt, outcome } = r.params;
		const count = Number(r.params.count ?? 1);
		if (outcome !== "success" && outcome !== "failed" && outcome !== "timeout") return { status: 422, body: { error: "outcome must be success, failed or timeout" } };
		if (!Number.isInteger(count) || count < 1 || count > 1000) return { status: 422, body: { error: "count must be 1 to 1000" } };
		if (receipt !== undefined && (typeof receipt !== "string" || !/^[A-Z0-9]{10}$/.test(receipt))) return { status: 422, body: { error: "receipt must be an M-Pesa receipt" } };
		this.state.armReversals((receipt as string | undefined) ?? null, outcome as ReversalOutcome, count);
		return { status: 200, body: { provider: "mpesa", armed: count, outcome } };
	};

	/** Test control `GET /sim/mpesa/reversals?receipt=`: the reversal requests received (for that receipt). */
	mpesaReversals = (r: Req): SimResponse => {
		const receipt = typeof r.params.receipt === "string" ? r.params.receipt : null;
		return { status: 200, body: { items: this.state.reversals.filter(x => !receipt || x.receipt === receipt) } };
	};

	selcomCreateOrder = (r: Req) => selcomCreateOrder(r as SelcomRequest, this.state, this.cfg.selcom);
	selcomWalletPayment = (r: Req) => this.autoApprove("selcom", selcomWalletPayment(r as SelcomRequest, this.state, this.cfg.selcom), () => (r.params.order_id as string) ?? null);
	selcomOrderStatus = (r: Req) => selcomOrderStatus(r as SelcomRequest, this.state, this.cfg.selcom);
	selcomCashin = (r: Req) => selcomCashin(r as SelcomRequest, this.state, this.cfg.selcom);
	selcomCashinQuery = (r: Req) => selcomCashinQuery(r as SelcomRequest, this.state, this.cfg.selcom);

	temboCollect = (r: Req) => this.autoApprove("tembo", temboCollect(r as TemboRequest, this.state, this.cfg.tembo), b => b.transactionId);
	temboCollectionStatus = (r: Req) => temboCollectionStatus(r as TemboRequest, this.state, this.cfg.tembo);
	temboPayout = (r: Req) => {
		const { response, callback } = temboPayout(r as TemboRequest, this.state, this.cfg.tembo);
		this.later(callback);
		return response;
	};
	temboPayoutStatus = (r: Req) => temboPayoutStatus(r as TemboRequest, this.state, this.cfg.tembo);

	/**
	 * The customer answers a prompt. Completing a reference again is harmless:
	 * a prompt that already has its answer keeps it (the callback is sent again, as providers retry).
	 */
	async complete(provider: SimProvider, reference: string, req: CompleteRequest): Promise<SimResponse> {
		const c = this.state.collection(provider, reference);
		if (!c) return { status: 404, body: { error: "unknown reference", provider, reference } };
		const outcome = c.state === "pending" || c.state === "timeout" ? req.outcome : c.state === "succeeded" ? "success" : c.state === "cancelled" ? "cancelled" : "insufficient_funds";
		const paid = req.amount ?? c.paidAmount ?? c.amount;
		const cb =
			provider === "mpesa" ? darajaComplete(c, outcome, paid) : provider === "selcom" ? selcomComplete(c, outcome, paid, this.cfg.selcom) : temboComplete(c, outcome);
		const statuses = cb ? await Promise.all(Array.from({ length: Math.max(1, req.repeat ?? 1) }, () => deliver(cb))) : [];
		return { status: 200, body: { provider, reference, state: c.state, callbacks: statuses } };
	}

	armPayouts(provider: SimProvider, msisdn: string | null, outcome: PayoutOutcome, count: number): SimResponse {
		this.state.armPayouts(msisdn, outcome, count);
		return { status: 200, body: { provider, armed: count, outcome } };
	}

	/** What the simulator holds for a reference (tests read the amount and phone the platform sent). */
	show(provider: SimProvider, reference: string): SimResponse {
		const c = this.state.collection(provider, reference);
		return c ? { status: 200, body: { ...c } } : { status: 404, body: { error: "unknown reference" } };
	}
}

/** The /sim aliases of the payment simulators (route.ts spreads them in). */
export const PAYMENT_SIM_ALIASES: Record<string, string> = {
	"GET /mpesa/oauth/v1/generate": "simulators.mpesaToken",
	"POST /mpesa/mpesa/stkpush/v1/processrequest": "simulators.mpesaStkPush",
	"POST /mpesa/mpesa/stkpushquery/v1/query": "simulators.mpesaStkQuery",
	"POST /mpesa/mpesa/b2c/v3/paymentrequest": "simulators.mpesaB2c",
	"POST /mpesa/mpesa/reversal/v1/request": "simulators.mpesaReversal",
	"POST /mpesa/reversals/outcomes": "simulators.mpesaReversalOutcomes",
	"GET /mpesa/reversals": "simulators.mpesaReversals",
	"POST /selcom/v1/checkout/create-order-minimal": "simulators.selcomCreateOrder",
	"POST /selcom/v1/checkout/wallet-payment": "simulators.selcomWalletPayment",
	"GET /selcom/v1/checkout/order-status": "simulators.selcomOrderStatus",
	"POST /selcom/v1/walletcashin/process": "simulators.selcomCashin",
	"GET /selcom/v1/walletcashin/query": "simulators.selcomCashinQuery",
	"POST /tembo/collection": "simulators.temboCollect",
	"POST /tembo/collection/status": "simulators.temboCollectionStatus",
	"POST /tembo/payment/wallet-to-mobile": "simulators.temboPayout",
	"POST /tembo/payment/status": "simulators.temboPayoutStatus",
	"POST /:provider/payments/:reference/complete": "simulators.paymentComplete",
	"GET /:provider/payments/:reference": "simulators.paymentShow",
	"POST /:provider/payouts/outcomes": "simulators.payoutOutcomes"
};

/** The provider endpoints as simulator actions: each answers with the provider's status, body and type. */
export const PAYMENT_ENDPOINTS = [
	"mpesaToken",
	"mpesaStkPush",
	"mpesaStkQuery",
	"mpesaB2c",
	"mpesaReversal",
	"mpesaReversalOutcomes",
	"mpesaReversals",
	"selcomCreateOrder",
	"selcomWalletPayment",
	"selcomOrderStatus",
	"selcomCashin",
	"selcomCashinQuery",
	"temboCollect",
	"temboCollectionStatus",
	"temboPayout",
	"temboPayoutStatus"
] as const;
