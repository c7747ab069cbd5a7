/**
 * Selcom (Tanzania; PROVIDERS.md §2): every request signed (HS256 Digest over
 * Signed-Fields), collection = create-order-minimal + wallet-payment (the
 * USSD push), confirmed by order-status (payment_status COMPLETED); payouts
 * through wallet cash-in, which answers synchronously (000) or in progress
 * (111/927/999: query by our transid, never re-send). Our intent id is the
 * order_id, so an order can be queried even when the push got no answer.
 */
import type { SelcomConfig } from "../config";
import { fromRailUnits, toRailUnits } from "../rules/money";
import { railMsisdn } from "../rules/providers";
import { resultKind, signedHeaders, verifySigned } from "../rules/selcom";
import type { Endpoints } from "./endpoints";
import { request, type HttpReply } from "./http";
import { ProviderUnavailable, type CallbackHint, type CollectReply, type InboundCallback, type PayoutReply, type PayoutStatus, type ProviderAdapter, type StatusReply } from "./types";

const REAL = "https://apigw.selcommobile.com/v1";

/** Our ids without dashes: Selcom references are alphanumeric. */
const compact = (id: string) => id.replace(/-/g, "");

export function selcomAdapter(cfg: SelcomConfig, where: Endpoints, timeoutMs: number): ProviderAdapter {
	const hasCredentials = Boolean(cfg.apiKey && cfg.apiSecret);
	// Without credentials only the simulator is reachable; these are the credentials it accepts by default.
	const apiKey = cfg.apiKey ?? "simulator";
	const apiSecret = cfg.apiSecret ?? "simulator-secret";
	const base = () => where.base(cfg.baseUrl, hasCredentials, REAL, "selcom/v1");

	async function call(method: "GET" | "POST", path: string, params: Record<string, unknown>): Promise<HttpReply> {
		const headers = { ...signedHeaders(apiKey, apiSecret, params, new Date(), cfg.timestampStyle), "Cache-Control": "no-cache" };
		if (method === "GET") return request("selcom", "GET", `${await base()}${path}?${new URLSearchParams(params as Record<string, string>)}`, { headers, timeoutMs });
		return request("selcom", "POST", `${await base()}${path}`, { headers, body: params, timeoutMs });
	}

	return {
		name: "selcom",

		async collect(req): Promise<CollectReply> {
			const orderId = compact(req.intentId);
			try {
				const order = await call("POST", "/checkout/create-order-minimal", {
					vendor: cfg.vendor,
					order_id: orderId,
					buyer_email: "payments@nexgate.invalid",
					buyer_name: "Nexgate customer",
					buyer_phone: railMsisdn(req.phone),
					amount: toRailUnits(req.amountMinor, req.currency),
					currency: req.currency,
					webhook: Buffer.from(req.callbackUrl, "utf8").toString("base64"),
					no_of_items: 1,
					buyer_remarks: req.description
				});
				if (order.status >= 500) return { kind: "ambiguous", providerReference: orderId, reason: `create-order answered ${order.status}` };
				if (resultKind(order.json?.resultcode) !== "success")
					return { kind: "rejected", outcome: { state: "failed", code: `SELCOM_${String(order.json?.resultcode ?? order.status)}`, reason: String(order.json?.message ?? "order refused") } };
				const push = await call("POST", "/checkout/wallet-payment", { transid: orderId, order_id: orderId, msisdn: railMsisdn(req.phone) });
				const kind = resultKind(push.json?.resultcode);
				if (push.status < 500 && kind === "failed")
					return { kind: "rejected", outcome: { state: "failed", code: `SELCOM_${String(push.json?.resultcode ?? push.status)}`, reason: String(push.json?.message ?? "push refused") } };
				return { kind: "accepted", providerReference: orderId };
			} catch (err) {
				if (err instanceof ProviderUnavailable) return { kind: "ambiguous", providerReference: orderId, reason: err.message };
				throw err;
			}
		},

		async collectionStatus(intent): Promise<StatusReply> {
			let r: HttpReply;
			try {
				r = await call("GET", "/checkout/order-status", { order_id: intent.providerReference ?? compact(intent.id) });
			} catch (err) {
				if (err instanceof ProviderUnavailable) return { kind: "unknown", reason: err.message };
				throw err;
			}
			const row = (r.json?.data as Array<Record<string, unknown>> | undefined)?.[0];
			if (r.status !== 200 || !row) return { kind: "unknown", reason: `order-status answered ${r.status}` };
			switch (String(row.payment_status)) {
				case "COMPLETED":
					return {
						kind: "final",
						outcome: {
							state: "succeeded",
							amountMinor: fromRailUnits(row.amount, intent.currency),
							receipt: typeof row.reference === "string" ? row.reference : null,
							phone: typeof row.phone === "string" ? `+${row.phone.replace(/^\+/, "")}` : null
						}
					};
				case "CANCELLED":
				case "USERCANCELLED":
					return { kind: "final", outcome: { state: "cancelled", code: "SELCOM_CANCELLED", reason: "The payer cancelled" } };
				case "REJECTED":
					return { kind: "final", outcome: { state: "failed", code: "SELCOM_REJECTED", reason: "The payment was rejected" } };
				default:
					return { kind: "pending" };
			}
		},

		async payout(req): Promise<PayoutReply> {
			let r: HttpReply;
			try {
				r = await call("POST", "/walletcashin/process", {
					transid: compact(req.payoutId),
					utilitycode: cfg.cashinUtilityCode,
					utilityref: railMsisdn(req.phone),
					amount: toRailUnits(req.amountMinor, req.currency),
					vendor: cfg.vendor,
					pin: cfg.pin,
					msisdn: railMsisdn(req.phone)
				});
			} catch (err) {
				if (err instanceof ProviderUnavailable) return { kind: "ambiguous", reason: err.message };
				throw err;
			}
			const kind = resultKind(r.json?.resultcode);
			const ref = typeof r.json?.reference === "string" ? r.json.reference : null;
			if (r.status >= 500 || kind === "in_progress" || kind === "ambiguous") return { kind: "ambiguous", reason: `cash-in answered ${String(r.json?.resultcode ?? r.status)}` };
			if (kind === "success") return { kind: "paid", providerReference: ref, receipt: ref };
			return { kind: "rejected", code: `SELCOM_${String(r.json?.resultcode ?? r.status)}`, reason: String(r.json?.message ?? "cash-in refused") };
		},

		async payoutStatus(p): Promise<PayoutStatus> {
			let r: HttpReply;
			try {
				r = await call("GET", "/walletcashin/query", { transid: compact(p.id) });
			} catch (err) {
				if (err instanceof ProviderUnavailable) return { kind: "unknown", reason: err.message };
				throw err;
			}
			if (r.status !== 200) return { kind: "unknown", reason: `cash-in query answered ${r.status}` };
			const kind = resultKind(r.json?.resultcode);
			if (kind === "success") return { kind: "paid", receipt: typeof r.json?.reference === "string" ? r.json.reference : null };
			if (kind === "failed") return { kind: "failed", code: `SELCOM_${String(r.json?.resultcode)}`, reason: String(r.json?.message ?? "") };
			return { kind: "pending" };
		},

		parseCallback(cb: InboundCallback): CallbackHint | null {
			const b = cb.body;
			if (typeof b.order_id !== "string" || typeof b.payment_status !== "string") return null;
			// The official sample misspells resultcode as "resulcode"; tolerate both.
			const code = b.resultcode ?? b.resulcode;
			return {
				kind: "collection",
				eventKey: `${b.order_id}:${String(b.reference ?? b.transid ?? "")}`,
				providerReference: b.order_id,
				claims: b.payment_status === "COMPLETED" && String(code) === "000" ? "succeeded" : "failed",
				amount: b.amount,
				receipt: typeof b.reference === "string" ? b.reference : null,
				phone: typeof b.phone === "string" ? `+${b.phone.replace(/^\+/, "")}` : null
			};
		},

		/** A Digest, when the gateway forwards it, must verify; order-status confirms either way ([U] which secret signs). */
		authenticate(cb) {
			if (!cb.headers.digest) return null;
			return verifySigned(
				{ authorization: cb.headers.authorization, digest: cb.headers.digest, digestMethod: cb.headers["digest-method"], timestamp: cb.headers.timestamp, signedFields: cb.headers["signed-fields"], params: cb.body },
				apiKey,
				cfg.webhookSecret ?? apiSecret,
				new Date(),
				cfg.webhookMaxSkewS
			);
		},

		ack() {
			return { resultcode: "000", result: "SUCCESS" };
		}
	};
}
