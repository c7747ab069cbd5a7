/**
 * M-Pesa Daraja simulator (PROVIDERS.md §1, §7): Basic → Bearer token with
 * `expires_in` as a string, STK Push checked like the real API (Password and
 * Timestamp, "Wrong credentials"), STK Query answering HTTP 500 "being
 * processed" while the customer has not acted, the STK callback with
 * CallbackMetadata only on success, B2C v3 with a duplicate check on
 * OriginatorConversationID and a result callback, and Transaction Reversal
 * of the receipts of its own completed STK pushes (unknown receipts and
 * amounts above what is left fail with R000002). Result codes follow
 * daraja-local: success 0, insufficient 1, cancelled 1032.
 */
import crypto from "node:crypto";
import { darajaTimestamp, stkPassword } from "../../services/payments/rules/daraja";
import type { SimResponse } from "../inbox";
import { digits, receiptNumber, type CallbackDelivery, type PaymentsSimState, type PromptOutcome, type SimCollection, type SimReversal } from "./state";

const tokens = new Set<string>();

export interface DarajaRequest {
	headers: { authorization?: string };
	params: Record<string, unknown>;
}

const bad = (field: string): SimResponse => ({
	status: 400,
	body: { requestId: `${digits(5)}-${digits(8)}-1`, errorCode: "400.002.02", errorMessage: `Bad Request - Invalid ${field}` }
});

function authorised(req: DarajaRequest): boolean {
	const m = /^Bearer\s+(.+)$/.exec(req.headers.authorization ?? "");
	return Boolean(m && tokens.has(m[1]));
}

const invalidToken: SimResponse = { status: 401, body: { requestId: digits(8), errorCode: "404.001.03", errorMessage: "Invalid Access Token" } };

export function darajaToken(req: DarajaRequest): SimResponse {
	const m = /^Basic\s+(.+)$/.exec(req.headers.authorization ?? "");
	if (!m) return { status: 400, body: { requestId: digits(8), errorCode: "400.008.01", errorMessage: "Invalid Authentication passed" } };
	if (req.params.grant_type !== "client_credentials") return { status: 400, body: { requestId: digits(8), errorCode: "400.008.02", errorMessage: "Invalid grant type passed" } };
	const token = crypto.randomBytes(21).toString("base64url");
	tokens.add(token);
	return { status: 200, body: { access_token: token, expires_in: "3599" } };
}

/** The STK password must be what the real API recomputes: shortcode + passkey + the timestamp sent, within a few minutes of now. */
function credentialsValid(p: Record<string, unknown>, passkey: string): boolean {
	const ts = String(p.Timestamp ?? "");
	if (!/^\d{14}$/.test(ts) || p.Password !== stkPassword(String(p.BusinessShortCode), passkey, ts)) return false;
	const now = Date.now();
	return [-5, -4, -3, -2, -1, 0, 1, 2].some(m => darajaTimestamp(new Date(now + m * 60_000), 180).slice(0, 12) === ts.slice(0, 12));
}

export function darajaStkPush(req: DarajaRequest, state: PaymentsSimState, passkey: string): SimResponse {
	if (!authorised(req)) return invalidToken;
	const p = req.params;
	if (!/^\d{5,7}$/.test(String(p.BusinessShortCode ?? ""))) return bad("BusinessShortCode");
	if (!credentialsValid(p, passkey)) return { status: 500, body: { requestId: digits(8), errorCode: "500.001.1001", errorMessage: "Wrong credentials" } };
	if (p.TransactionType !== "CustomerPayBillOnline" && p.TransactionType !== "CustomerBuyGoodsOnline") return bad("TransactionType");
	const amount = Number(p.Amount);
	if (!Number.isInteger(amount) || amount < 1) return bad("Amount");
	if (!/^2547\d{8}$|^2541\d{8}$/.test(String(p.PartyA ?? ""))) return bad("PartyA");
	if (!/^254\d{9}$/.test(String(p.PhoneNumber ?? ""))) return bad("PhoneNumber");
	if (typeof p.CallBackURL !== "string" || !/^https?:\/\//.test(p.CallBackURL)) return bad("CallBackURL");
	if (typeof p.AccountReference !== "string" || p.AccountReference.length > 12) return bad("AccountReference");
	const merchantRequestId = `${digits(5)}-${digits(8)}-1`;
	const checkoutRequestId = `ws_CO_${darajaTimestamp(new Date(), 180).slice(2)}${digits(8)}`;
	state.addCollection({
		provider: "mpesa",
		reference: checkoutRequestId,
		merchantRef: merchantRequestId,
		amount,
		msisdn: String(p.PhoneNumber),
		callbackUrl: p.CallBackURL,
		state: "pending",
		result: null,
		paidAmount: null,
		receipt: null,
		createdAt: new Date().toISOString()
	});
	return {
		status: 200,
		body: {
			MerchantRequestID: merchantRequestId,
			CheckoutRequestID: checkoutRequestId,
			ResponseCode: "0",
			ResponseDescription: "Success. Request accepted for processing",
			CustomerMessage: "Success. Request accepted for processing"
		}
	};
}

export function darajaStkQuery(req: DarajaRequest, state: PaymentsSimState, passkey: string): SimResponse {
	if (!authorised(req)) return invalidToken;
	if (!credentialsValid(req.params, passkey)) return { status: 500, body: { requestId: digits(8), errorCode: "500.001.1001", errorMessage: "Wrong credentials" } };
	const c = state.collection("mpesa", String(req.params.CheckoutRequestID ?? ""));
	if (!c) return bad("CheckoutRequestID");
	if (c.state === "pending" || c.state === "timeout")
		return { status: 500, body: { requestId: digits(8), errorCode: "500.001.1001", errorMessage: "The transaction is being processed" } };
	return {
		status: 200,
		body: {
			ResponseCode: "0",
			ResponseDescription: "The service request has been accepted successsfully",
			MerchantRequestID: c.merchantRef,
			CheckoutRequestID: c.reference,
			ResultCode: c.result,
			ResultDesc: describe(c.result)
		}
	};
}

function describe(code: string | null): string {
	switch (code) {
		case "0":
			return "The service request is processed successfully.";
		case "1":
			return "The balance is insufficient for the transaction.";
		case "1032":
			return "Request cancelled by user";
		default:
			return "DS timeout user cannot be reached";
	}
}

/** The customer's answer: result code, and the callback the real API would send. */
export function darajaComplete(c: SimCollection, outcome: PromptOutcome, paidAmount: number): CallbackDelivery | null {
	if (outcome === "timeout") {
		c.state = "timeout";
		return null;
	}
	c.result = outcome === "success" ? "0" : outcome === "insufficient_funds" ? "1" : "1032";
	c.state = outcome === "success" ? "succeeded" : outcome === "cancelled" ? "cancelled" : "failed";
	const stkCallback: Record<string, unknown> = { MerchantRequestID: c.merchantRef, CheckoutRequestID: c.reference, ResultCode: Number(c.result), ResultDesc: describe(c.result) };
	if (outcome === "success") {
		c.paidAmount = paidAmount;
		c.receipt = receiptNumber();
		stkCallback.CallbackMetadata = {
			Item: [
				{ Name: "Amount", Value: paidAmount },
				{ Name: "MpesaReceiptNumber", Value: c.receipt },
				{ Name: "Balance" },
				{ Name: "TransactionDate", Value: Number(darajaTimestamp(new Date(), 180)) },
				{ Name: "PhoneNumber", Value: Number(c.msisdn) }
			]
		};
	}
	return { url: c.callbackUrl, body: { Body: { stkCallback } } };
}

/** B2C v3: the sync acknowledgement, and the result callback that follows (or nothing, for a timeout). */
export function darajaB2c(req: DarajaRequest, state: PaymentsSimState): { response: SimResponse; callback: CallbackDelivery | null } {
	if (!authorised(req)) return { response: invalidToken, callback: null };
	const p = req.params;
	const originator = String(p.OriginatorConversationID ?? "");
	if (!originator) return { response: bad("OriginatorConversationID"), callback: null };
	if (!p.SecurityCredential || !p.InitiatorName) return { response: { status: 500, body: { errorCode: "500.001.1001", errorMessage: "Wrong credentials" } }, callback: null };
	const amount = Number(p.Amount);
	if (!Number.isInteger(amount) || amount < 1) return { response: bad("Amount"), callback: null };
	if (!/^254\d{9}$/.test(String(p.PartyB ?? ""))) return { response: bad("PartyB"), callback: null };
	if (typeof p.ResultURL !== "string") return { response: bad("ResultURL"), callback: null };
	if (state.payout("mpesa", originator))
		return { response: { status: 500, body: { requestId: digits(8), errorCode: "500.002.1001", errorMessage: "Duplicate OriginatorConversationID" } }, callback: null };
	const conversationId = `AG_${darajaTimestamp(new Date(), 180).slice(0, 8)}_${crypto.randomBytes(10).toString("hex")}`;
	const outcome = state.payoutOutcome(String(p.PartyB));
	state.addPayout({ provider: "mpesa", reference: conversationId, merchantRef: originator, amount, msisdn: String(p.PartyB), callbackUrl: p.ResultURL, state: "pending", createdAt: new Date().toISOString() });
	const response: SimResponse = { status: 200, body: { ConversationID: conversationId, OriginatorConversationID: originator, ResponseCode: "0", ResponseDescription: "Accept the service request successfully." } };
	if (outcome === "timeout") return { response, callback: null };
	const ok = outcome === "success";
	state.payout("mpesa", originator)!.state = ok ? "paid" : "failed";
	const result: Record<string, unknown> = {
		ResultType: 0,
		ResultCode: ok ? 0 : 2040,
		ResultDesc: ok ? "The service request is processed successfully." : "Credit Party customer type (Unregistered or Registered Customer) can't be supported by the service.",
		OriginatorConversationID: originator,
		ConversationID: conversationId,
		TransactionID: ok ? receiptNumber() : "",
		ReferenceData: { ReferenceItem: { Key: "QueueTimeoutURL", Value: p.QueueTimeOutURL } }
	};
	if (ok)
		result.ResultParameters = {
			ResultParameter: [
				{ Key: "TransactionAmount", Value: amount },
				{ Key: "TransactionReceipt", Value: result.TransactionID },
				{ Key: "B2CRecipientIsRegisteredCustomer", Value: "Y" },
				{ Key: "ReceiverPartyPublicName", Value: `${p.PartyB} - Simulated Customer` }
			]
		};
	return { response, callback: { url: p.ResultURL, body: { Result: result } } };
}

const httpUrl = (v: unknown): v is string => typeof v === "string" && /^https?:\/\//.test(v);

/** What is wrong with a reversal request, Daraja-style (the first field that is missing or invalid). */
function reversalFieldError(p: Record<string, unknown>): string | null {
	if (typeof p.Initiator !== "string" || !p.Initiator) return "Initiator";
	if (p.CommandID !== "TransactionReversal") return "CommandID";
	if (typeof p.TransactionID !== "string" || !/^[A-Z0-9]{10}$/.test(p.TransactionID)) return "TransactionID";
	const amount = Number(p.Amount);
	if (p.Amount === undefined || p.Amount === null || p.Amount === "" || !Number.isInteger(amount) || amount < 1) return "Amount";
	if (!/^\d{5,7}$/.test(String(p.ReceiverParty ?? ""))) return "ReceiverParty";
	// The real key is misspelled; a request with the "correct" spelling is missing the field.
	if (String(p.RecieverIdentifierType ?? "") !== "11") return "RecieverIdentifierType";
	if (!httpUrl(p.ResultURL)) return "ResultURL";
	if (!httpUrl(p.QueueTimeOutURL)) return "QueueTimeOutURL";
	if (typeof p.Remarks !== "string" || p.Remarks.length < 2 || p.Remarks.length > 100) return "Remarks";
	return null;
}

/**
 * Transaction Reversal: the sync acknowledgement and the result that follows
 * (none for a forced timeout). The receipt must be one of this simulator's
 * completed STK pushes with at least `Amount` not yet reversed.
 */
export function darajaReversal(req: DarajaRequest, state: PaymentsSimState): { response: SimResponse; callback: CallbackDelivery | null } {
	if (!authorised(req)) return { response: invalidToken, callback: null };
	const p = req.params;
	const invalid = reversalFieldError(p);
	if (invalid) return { response: bad(invalid), callback: null };
	if (!p.SecurityCredential) return { response: { status: 500, body: { requestId: digits(8), errorCode: "500.001.1001", errorMessage: "Wrong credentials" } }, callback: null };
	const receipt = String(p.TransactionID);
	const amount = Number(p.Amount);
	const conversationId = `AG_${darajaTimestamp(new Date(), 180).slice(0, 8)}_${crypto.randomBytes(10).toString("hex")}`;
	const originator = `${digits(5)}-${digits(8)}-1`;
	const r: SimReversal = { conversationId, originatorConversationId: originator, receipt, amount, resultUrl: String(p.ResultURL), resultCode: null, state: "pending", createdAt: new Date().toISOString() };
	state.addReversal(r);
	const response: SimResponse = {
		status: 200,
		body: { OriginatorConversationID: originator, ConversationID: conversationId, ResponseCode: "0", ResponseDescription: "Accept the service request successfully." }
	};
	const forced = state.reversalOutcome(receipt);
	if (forced === "timeout") return { response, callback: null };
	const original = state.collectionByReceipt("mpesa", receipt);
	const left = original ? (original.paidAmount ?? original.amount) - state.reversedOf(receipt) : 0;
	const failure =
		forced === "failed"
			? "The service request failed (forced by the test)."
			: !original
				? "The OriginalTransactionID is invalid."
				: amount > left
					? "The amount is more than the original transaction has left."
					: null;
	const result: Record<string, unknown> = {
		ResultType: 0,
		ResultCode: failure ? "R000002" : 0,
		ResultDesc: failure ?? "The service request is processed successfully.",
		OriginatorConversationID: originator,
		ConversationID: conversationId,
		TransactionID: failure ? "" : receiptNumber(),
		ReferenceData: { ReferenceItem: { Key: "QueueTimeoutURL", Value: p.QueueTimeOutURL } }
	};
	r.resultCode = String(result.ResultCode);
	r.state = failure ? "failed" : "reversed";
	if (!failure)
		result.ResultParameters = {
			ResultParameter: [
				{ Key: "DebitAccountBalance", Value: "Utility Account|KES|100000.00|100000.00|0.00|0.00" },
				{ Key: "Amount", Value: amount },
				{ Key: "TransCompletedTime", Value: Number(darajaTimestamp(new Date(), 180)) },
				{ Key: "OriginalTransactionID", Value: receipt },
				{ Key: "Charge", Value: 0 },
				{ Key: "CreditPartyPublicName", Value: `${original!.msisdn} - Simulated Customer` },
				{ Key: "DebitPartyPublicName", Value: `${p.ReceiverParty} - Simulated Merchant` }
			]
		};
	return { response, callback: { url: r.resultUrl, body: { Result: result } } };
}
