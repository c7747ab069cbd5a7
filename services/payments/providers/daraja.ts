/**
 * M-Pesa Daraja (Safaricom, Kenya; PROVIDERS.md §1): OAuth client-credentials
 * token cached until shortly before expiry, STK Push with Password/Timestamp,
 * STK Query to confirm, B2C v3 for payouts with its result callback. STK
 * callbacks are unsigned: the per-intent token in the URL authenticates them
 * and the STK Query decides (rule 9). The query does not return an amount, so
 * the callback's Amount is what the amount check compares. Transaction
 * Reversal gives a collection back by its receipt; its result arrives like a
 * B2C result, on the callback URL of the payout row that carries it.
 */
import type { DarajaConfig } from "../config";
import { darajaTimestamp, parseB2cResult, parseReversalResult, parseStkCallback, reversalBody, stkOutcome, stkPassword } from "../rules/daraja";
import { toRailUnits } from "../rules/money";
import { railMsisdn } from "../rules/providers";
import type { Endpoints } from "./endpoints";
import { request, type HttpReply } from "./http";
import { ProviderUnavailable, type CallbackHint, type CollectReply, type InboundCallback, type PayoutReply, type PayoutStatus, type ProviderAdapter, type ReversalRequest, type StatusReply } from "./types";

const REAL = "https://api.safaricom.co.ke";

export function darajaAdapter(cfg: DarajaConfig, where: Endpoints, timeoutMs: number): ProviderAdapter {
	let token: { value: string; until: number } | null = null;
	const hasCredentials = Boolean(cfg.consumerKey && cfg.consumerSecret);
	const base = () => where.base(cfg.baseUrl, hasCredentials, REAL, "mpesa");

	async function accessToken(): Promise<string> {
		if (token && Date.now() < token.until) return token.value;
		const basic = Buffer.from(`${cfg.consumerKey ?? "simulator"}:${cfg.consumerSecret ?? "simulator"}`).toString("base64");
		const r = await request("mpesa", "GET", `${await base()}/oauth/v1/generate?grant_type=client_credentials`, { headers: { Authorization: `Basic ${basic}` }, timeoutMs });
		const value = r.json?.access_token;
		// expires_in is a string in the v2 docs and a number on the v3 page: parse both.
		const ttl = Number(r.json?.expires_in ?? 3599);
		if (r.status !== 200 || typeof value !== "string") throw new ProviderUnavailable("mpesa", `token request answered ${r.status}`);
		token = { value, until: Date.now() + Math.max(30, ttl - cfg.tokenRefreshMarginS) * 1000 };
		return value;
	}

	/** An authorised call; a 401/404.001.03 (token revoked by a newer one) refreshes the token once. */
	async function call(path: string, body: unknown): Promise<HttpReply> {
		for (let attempt = 0; ; attempt++) {
			const r = await request("mpesa", "POST", `${await base()}${path}`, { headers: { Authorization: `Bearer ${await accessToken()}` }, body, timeoutMs });
			const invalidToken = r.status === 401 || r.json?.errorCode === "404.001.03";
			if (!invalidToken || attempt > 0) return r;
			token = null;
		}
	}

	function stkAuth() {
		const timestamp = darajaTimestamp(new Date(), cfg.timestampOffsetMinutes);
		return { BusinessShortCode: cfg.shortCode, Password: stkPassword(cfg.shortCode, cfg.passkey, timestamp), Timestamp: timestamp };
	}

	return {
		name: "mpesa",

		async collect(req): Promise<CollectReply> {
			const msisdn = railMsisdn(req.phone);
			let r: HttpReply;
			try {
				r = await call("/mpesa/stkpush/v1/processrequest", {
					...stkAuth(),
					TransactionType: cfg.transactionType,
					Amount: toRailUnits(req.amountMinor, req.currency),
					PartyA: msisdn,
					PartyB: cfg.partyB,
					PhoneNumber: msisdn,
					CallBackURL: req.callbackUrl,
					AccountReference: req.intentId.replace(/-/g, "").slice(-12),
					TransactionDesc: req.description.slice(0, 13)
				});
			} catch (err) {
				if (err instanceof ProviderUnavailable) return { kind: "ambiguous", providerReference: null, reason: err.message };
				throw err;
			}
			const ref = r.json?.CheckoutRequestID;
			if (r.status === 200 && String(r.json?.ResponseCode) === "0" && typeof ref === "string") return { kind: "accepted", providerReference: ref };
			if (r.status >= 500 && r.json?.errorCode !== "500.001.1001") return { kind: "ambiguous", providerReference: null, reason: `STK push answered ${r.status}` };
			const code = String(r.json?.errorCode ?? r.json?.ResponseCode ?? r.status);
			return { kind: "rejected", outcome: { state: "failed", code: `MPESA_${code}`, reason: String(r.json?.errorMessage ?? r.json?.ResponseDescription ?? "STK push refused") } };
		},

		async collectionStatus(intent): Promise<StatusReply> {
			if (!intent.providerReference) return { kind: "unknown", reason: "no CheckoutRequestID" };
			let r: HttpReply;
			try {
				r = await call("/mpesa/stkpushquery/v1/query", { ...stkAuth(), CheckoutRequestID: intent.providerReference });
			} catch (err) {
				if (err instanceof ProviderUnavailable) return { kind: "unknown", reason: err.message };
				throw err;
			}
			// HTTP 500 with 500.001.1001 "The transaction is being processed": the customer has not answered yet.
			if (r.json?.errorCode === "500.001.1001") return { kind: "pending" };
			if (r.status !== 200 || r.json?.ResultCode === undefined) return { kind: "unknown", reason: `STK query answered ${r.status}` };
			const failed = stkOutcome(String(r.json.ResultCode), String(r.json.ResultDesc ?? ""));
			return { kind: "final", outcome: failed ?? { state: "succeeded", amountMinor: null, receipt: null, phone: null } };
		},

		async payout(req): Promise<PayoutReply> {
			let r: HttpReply;
			try {
				r = await call("/mpesa/b2c/v3/paymentrequest", {
					// Our payout id is the anti-double-pay key: a retry reuses it unchanged (500.002.1001 on a duplicate).
					OriginatorConversationID: req.payoutId,
					InitiatorName: cfg.initiatorName,
					SecurityCredential: cfg.securityCredential,
					CommandID: "BusinessPayment",
					Amount: toRailUnits(req.amountMinor, req.currency),
					PartyA: cfg.b2cShortCode,
					PartyB: railMsisdn(req.phone),
					Remarks: req.remarks.slice(0, 100).padEnd(2, "."),
					QueueTimeOutURL: req.resultUrl,
					ResultURL: req.resultUrl,
					Occassion: "payout"
				});
			} catch (err) {
				if (err instanceof ProviderUnavailable) return { kind: "ambiguous", reason: err.message };
				throw err;
			}
			if (r.status === 200 && String(r.json?.ResponseCode) === "0") return { kind: "accepted", providerReference: typeof r.json?.ConversationID === "string" ? r.json.ConversationID : null };
			// A duplicate OriginatorConversationID means our earlier request got through: wait for its result.
			if (r.json?.errorCode === "500.002.1001") return { kind: "accepted", providerReference: null };
			if (r.status >= 500) return { kind: "ambiguous", reason: `B2C answered ${r.status}` };
			return { kind: "rejected", code: `MPESA_${String(r.json?.errorCode ?? r.status)}`, reason: String(r.json?.errorMessage ?? "B2C refused") };
		},

		async reverse(req: ReversalRequest): Promise<PayoutReply> {
			let r: HttpReply;
			try {
				r = await call(
					"/mpesa/reversal/v1/request",
					reversalBody({
						initiatorName: cfg.reversalInitiatorName,
						securityCredential: cfg.reversalSecurityCredential,
						receipt: req.receipt,
						amount: toRailUnits(req.amountMinor, req.currency),
						receiverParty: cfg.partyB,
						resultUrl: req.callbackUrl,
						remarks: "Nexgate refund"
					})
				);
			} catch (err) {
				if (err instanceof ProviderUnavailable) return { kind: "ambiguous", reason: err.message };
				throw err;
			}
			if (r.status === 200 && String(r.json?.ResponseCode) === "0") return { kind: "accepted", providerReference: typeof r.json?.ConversationID === "string" ? r.json.ConversationID : null };
			if (r.status >= 500) return { kind: "ambiguous", reason: `reversal answered ${r.status}` };
			return { kind: "rejected", code: `MPESA_${String(r.json?.errorCode ?? r.json?.ResponseCode ?? r.status)}`, reason: String(r.json?.errorMessage ?? r.json?.ResponseDescription ?? "reversal refused") };
		},

		async payoutStatus(): Promise<PayoutStatus> {
			// B2C results come only by callback (Transaction Status is asynchronous too): an open payout waits for it or for an operator.
			return { kind: "pending" };
		},

		parseCallback(cb: InboundCallback): CallbackHint | null {
			const stk = parseStkCallback(cb.body);
			if (stk) {
				return {
					kind: "collection",
					eventKey: stk.checkoutRequestId,
					providerReference: stk.checkoutRequestId,
					claims: stk.resultCode === "0" ? "succeeded" : "failed",
					amount: stk.amount,
					receipt: stk.receipt,
					phone: stk.phone
				};
			}
			const reversal = parseReversalResult(cb.body);
			if (reversal) {
				return {
					kind: "payout",
					eventKey: `reversal:${reversal.originatorConversationId}:${reversal.resultCode}`,
					providerReference: reversal.conversationId || null,
					claims: reversal.resultCode === "0" ? "succeeded" : "failed",
					amount: reversal.amount,
					receipt: reversal.transactionId,
					phone: null,
					code: `MPESA_${reversal.resultCode}`,
					reason: reversal.resultDesc
				};
			}
			const b2c = parseB2cResult(cb.body);
			if (b2c) {
				return {
					kind: "payout",
					eventKey: `b2c:${b2c.originatorConversationId}:${b2c.resultCode}`,
					providerReference: b2c.conversationId || null,
					claims: b2c.resultCode === "0" ? "succeeded" : "failed",
					amount: b2c.amount,
					receipt: b2c.transactionId,
					phone: null,
					code: `MPESA_${b2c.resultCode}`,
					reason: b2c.resultDesc
				};
			}
			return null;
		},

		authenticate(cb) {
			if (cfg.callbackAllowedIps.length === 0) return null;
			return cb.ip && cfg.callbackAllowedIps.includes(cb.ip.replace(/^::ffff:/, "")) ? null : "source address not allowed";
		},

		ack() {
			return { ResultCode: 0, ResultDesc: "Accepted" };
		}
	};
}

