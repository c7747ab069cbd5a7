/**
 * Tembo Plus (Tanzania; PROVIDERS.md §3): static x-account-id / x-secret-key
 * and a fresh x-request-id; /collection answers PENDING_ACK at best, the
 * unsigned callback is confirmed through /collection/status (rule 9);
 * payouts through /payment/wallet-to-mobile with /payment/status. The
 * channel follows the operator of the number (TemboPlus's prefix table);
 * Tembo has no Vodacom M-Pesa collection channel.
 */
import crypto from "node:crypto";
import type { TemboConfig } from "../config";
import { toRailUnits } from "../rules/money";
import { railMsisdn, tanzanianOperator } from "../rules/providers";
import type { Endpoints } from "./endpoints";
import { request, type HttpReply } from "./http";
import { ProviderUnavailable, type CallbackHint, type CollectReply, type InboundCallback, type PayoutReply, type PayoutStatus, type ProviderAdapter, type StatusReply } from "./types";

const REAL = "https://api.temboplus.com/tembo/v1";
const FAILED = new Set(["PAYMENT_REJECTED", "GENERIC_FAILURE", "GENERIC_ERROR", "INSUFFICIENT_FUNDS"]);

/** "YYYY-MM-DD HH:mm:ss" in EAT, as the collection samples send it. */
function legacyDate(now: Date): string {
	return new Date(now.getTime() + 180 * 60_000).toISOString().slice(0, 19).replace("T", " ");
}

export function temboAdapter(cfg: TemboConfig, where: Endpoints, timeoutMs: number): ProviderAdapter {
	const hasCredentials = Boolean(cfg.accountId && cfg.secretKey);
	const base = () => where.base(cfg.baseUrl, hasCredentials, REAL, "tembo");
	const headers = () => ({ "x-account-id": cfg.accountId ?? "simulator", "x-secret-key": cfg.secretKey ?? "simulator-secret", "x-request-id": crypto.randomUUID() });
	const post = async (path: string, body: Record<string, unknown>): Promise<HttpReply> => request("tembo", "POST", `${await base()}${path}`, { headers: headers(), body, timeoutMs });
	const code = (r: HttpReply) => String(r.json?.statusCode ?? r.status);

	return {
		name: "tembo",

		async collect(req): Promise<CollectReply> {
			const operator = tanzanianOperator(req.phone);
			if (!operator || operator === "vodacom")
				return { kind: "rejected", outcome: { state: "failed", code: "CHANNEL_NOT_SUPPORTED", reason: "Tembo Plus has no collection channel for this network: use Selcom" } };
			let r: HttpReply;
			try {
				r = await post("/collection", {
					msisdn: railMsisdn(req.phone),
					channel: `TZ-${operator.toUpperCase()}-C2B`,
					amount: toRailUnits(req.amountMinor, req.currency),
					narration: req.description,
					transactionRef: req.intentId,
					transactionDate: legacyDate(new Date()),
					callbackUrl: req.callbackUrl
				});
			} catch (err) {
				if (err instanceof ProviderUnavailable) return { kind: "ambiguous", providerReference: null, reason: err.message };
				throw err;
			}
			if (r.status >= 500) return { kind: "ambiguous", providerReference: null, reason: `collection answered ${r.status}` };
			if (r.status === 200 && (code(r) === "PENDING_ACK" || code(r) === "PENDING") && typeof r.json?.transactionId === "string")
				return { kind: "accepted", providerReference: r.json.transactionId };
			const status = code(r);
			return { kind: "rejected", outcome: { state: "failed", code: status === "INSUFFICIENT_FUNDS" ? status : `TEMBO_${status}`, reason: String(r.json?.message ?? r.json?.reason ?? status) } };
		},

		async collectionStatus(intent): Promise<StatusReply> {
			if (!intent.providerReference) return { kind: "unknown", reason: "no transactionId" };
			let r: HttpReply;
			try {
				r = await post("/collection/status", { transactionId: intent.providerReference, transactionRef: intent.id });
			} catch (err) {
				if (err instanceof ProviderUnavailable) return { kind: "unknown", reason: err.message };
				throw err;
			}
			if (r.status !== 200) return { kind: "unknown", reason: `collection/status answered ${r.status}` };
			const status = code(r);
			if (status === "PAYMENT_ACCEPTED") return { kind: "final", outcome: { state: "succeeded", amountMinor: null, receipt: intent.providerReference, phone: null } };
			if (FAILED.has(status)) return { kind: "final", outcome: { state: "failed", code: status === "INSUFFICIENT_FUNDS" ? status : `TEMBO_${status}`, reason: status } };
			return { kind: "pending" };
		},

		async payout(req): Promise<PayoutReply> {
			const operator = tanzanianOperator(req.phone);
			if (!operator) return { kind: "rejected", code: "CHANNEL_NOT_SUPPORTED", reason: "Unknown Tanzanian network" };
			let r: HttpReply;
			try {
				r = await post("/payment/wallet-to-mobile", {
					countryCode: "TZ",
					accountNo: cfg.payoutAccountNo,
					serviceCode: `TZ-${operator.toUpperCase()}-B2C`,
					amount: toRailUnits(req.amountMinor, req.currency),
					msisdn: railMsisdn(req.phone),
					narration: req.remarks,
					currencyCode: "TZS",
					recipientNames: "Nexgate user",
					transactionRef: req.payoutId,
					transactionDate: cfg.payoutDateFormat === "iso" ? new Date().toISOString() : legacyDate(new Date()),
					callbackUrl: req.resultUrl
				});
			} catch (err) {
				if (err instanceof ProviderUnavailable) return { kind: "ambiguous", reason: err.message };
				throw err;
			}
			const status = code(r);
			const ref = typeof r.json?.transactionId === "string" ? r.json.transactionId : null;
			if (r.status >= 500) return { kind: "ambiguous", reason: `wallet-to-mobile answered ${r.status}` };
			if (status === "PAYMENT_ACCEPTED") return { kind: "paid", providerReference: ref, receipt: ref };
			if (status === "PENDING_ACK" || status === "PENDING") return { kind: "accepted", providerReference: ref };
			return { kind: "rejected", code: `TEMBO_${status}`, reason: String(r.json?.message ?? status) };
		},

		async payoutStatus(p): Promise<PayoutStatus> {
			let r: HttpReply;
			try {
				r = await post("/payment/status", { transactionId: p.providerReference, transactionRef: p.id });
			} catch (err) {
				if (err instanceof ProviderUnavailable) return { kind: "unknown", reason: err.message };
				throw err;
			}
			if (r.status !== 200) return { kind: "unknown", reason: `payment/status answered ${r.status}` };
			const status = code(r);
			if (status === "PAYMENT_ACCEPTED") return { kind: "paid", receipt: p.providerReference };
			if (FAILED.has(status)) return { kind: "failed", code: `TEMBO_${status}`, reason: status };
			return { kind: "pending" };
		},

		parseCallback(cb: InboundCallback): CallbackHint | null {
			const b = cb.body;
			if (typeof b.statusCode !== "string" || typeof b.transactionId !== "string" || typeof b.transactionRef !== "string") return null;
			return {
				kind: "collection",
				eventKey: `${b.transactionId}:${b.statusCode}`,
				providerReference: b.transactionId,
				claims: b.statusCode === "PAYMENT_ACCEPTED" ? "succeeded" : "failed",
				amount: null,
				receipt: b.transactionId,
				phone: null,
				code: `TEMBO_${b.statusCode}`,
				reason: b.statusCode
			};
		},

		/** Unsigned (none is documented): the per-transaction token authenticates, the status API decides. */
		authenticate() {
			return null;
		},

		ack() {
			return { status: "OK" };
		}
	};
}
