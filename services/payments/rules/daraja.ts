/**
 * M-Pesa Daraja wire rules (PROVIDERS.md §1): the STK password and
 * timestamp, the result codes, and the parsing of the asynchronous messages
 * (STK callback, B2C result). Pure: the adapter and the simulator share them.
 */
import type { CollectionOutcome } from "./intent-state";

/** `YYYYMMDDHHmmss` in the given UTC offset (Daraja: Africa/Nairobi, +180, marked [U]). */
export function darajaTimestamp(now: Date, offsetMinutes: number): string {
	const d = new Date(now.getTime() + offsetMinutes * 60_000);
	const p = (v: number, w = 2) => String(v).padStart(w, "0");
	return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

/** Password = base64(BusinessShortCode + Passkey + Timestamp), plain concatenation. */
export function stkPassword(shortCode: string, passkey: string, timestamp: string): string {
	return Buffer.from(`${shortCode}${passkey}${timestamp}`, "utf8").toString("base64");
}

/** STK result codes → our outcome (§1.5). 1032 is the customer's cancel; everything else non-zero a failure. */
export function stkOutcome(resultCode: string | number, resultDesc: string): CollectionOutcome | null {
	const code = String(resultCode).trim();
	if (code === "0") return null;
	if (code === "1032") return { state: "cancelled", code: "MPESA_1032", reason: resultDesc || "Request cancelled by user" };
	const named: Record<string, string> = { "1": "INSUFFICIENT_FUNDS", "1037": "CUSTOMER_UNREACHABLE", "2001": "WRONG_PIN", "1019": "TRANSACTION_EXPIRED" };
	return { state: "failed", code: named[code] ?? `MPESA_${code}`, reason: resultDesc || `M-Pesa result ${code}` };
}

export interface StkCallback {
	merchantRequestId: string;
	checkoutRequestId: string;
	resultCode: string;
	resultDesc: string;
	amount: unknown;
	receipt: string | null;
	phone: string | null;
}

/** `{ Body: { stkCallback } }` → its fields; items are read by Name and may be missing. */
export function parseStkCallback(body: unknown): StkCallback | null {
	const cb = (body as { Body?: { stkCallback?: Record<string, unknown> } } | null)?.Body?.stkCallback;
	if (!cb || typeof cb.CheckoutRequestID !== "string" || cb.ResultCode === undefined || cb.ResultCode === null) return null;
	const items = ((cb.CallbackMetadata as { Item?: Array<{ Name?: string; Value?: unknown }> } | undefined)?.Item ?? []).filter(i => i && typeof i.Name === "string");
	const item = (name: string) => items.find(i => i.Name === name)?.Value;
	const receipt = item("MpesaReceiptNumber");
	const phone = item("PhoneNumber");
	return {
		merchantRequestId: String(cb.MerchantRequestID ?? ""),
		checkoutRequestId: cb.CheckoutRequestID,
		resultCode: String(cb.ResultCode),
		resultDesc: String(cb.ResultDesc ?? ""),
		amount: item("Amount"),
		receipt: typeof receipt === "string" && /^[A-Z0-9]{10}$/.test(receipt) ? receipt : null,
		phone: phone === undefined || phone === null ? null : `+${String(phone).replace(/^\+/, "")}`
	};
}

export interface B2cResult {
	resultCode: string;
	resultDesc: string;
	originatorConversationId: string;
	conversationId: string;
	transactionId: string | null;
	amount: unknown;
}

/** `{ Result: { … ResultParameters: { ResultParameter: [{ Key, Value }] } } }`; ResultCode may be a string or a number. */
export function parseB2cResult(body: unknown): B2cResult | null {
	const r = (body as { Result?: Record<string, unknown> } | null)?.Result;
	if (!r || r.ResultCode === undefined || typeof r.OriginatorConversationID !== "string") return null;
	const params = (r.ResultParameters as { ResultParameter?: Array<{ Key?: string; Value?: unknown }> | { Key?: string; Value?: unknown } } | undefined)?.ResultParameter;
	const list = Array.isArray(params) ? params : params ? [params] : [];
	return {
		resultCode: String(r.ResultCode),
		resultDesc: String(r.ResultDesc ?? ""),
		originatorConversationId: r.OriginatorConversationID,
		conversationId: String(r.ConversationID ?? ""),
		transactionId: typeof r.TransactionID === "string" && r.TransactionID ? r.TransactionID : null,
		amount: list.find(p => p.Key === "TransactionAmount")?.Value
	};
}

export interface ReversalBodyInput {
	initiatorName: string;
	securityCredential: string;
	/** The M-Pesa receipt of the collection being reversed. */
	receipt: string;
	/** Whole units (KES has no minor unit on the rail). */
	amount: number;
	/** The shortcode (or till) that received the collection. */
	receiverParty: string;
	resultUrl: string;
	remarks: string;
}

/**
 * The Transaction Reversal request (§1.8). The key really is spelled
 * "RecieverIdentifierType"; "11" is the value the portal gives for an
 * organisation. Remarks must be 2–100 characters.
 */
export function reversalBody(p: ReversalBodyInput): Record<string, unknown> {
	return {
		Initiator: p.initiatorName,
		SecurityCredential: p.securityCredential,
		CommandID: "TransactionReversal",
		TransactionID: p.receipt,
		Amount: p.amount,
		ReceiverParty: p.receiverParty,
		RecieverIdentifierType: "11",
		ResultURL: p.resultUrl,
		QueueTimeOutURL: p.resultUrl,
		Remarks: p.remarks.slice(0, 100).padEnd(2, "."),
		Occasion: "refund"
	};
}

export interface ReversalResult {
	resultCode: string;
	resultDesc: string;
	originatorConversationId: string;
	conversationId: string;
	/** The reversal's own M-Pesa transaction id (success only). */
	transactionId: string | null;
	/** The receipt that was reversed, when the result names it. */
	originalTransactionId: string | null;
	amount: unknown;
}

/**
 * A reversal result: the same `Result` envelope as B2C, told apart by its
 * parameters (`OriginalTransactionID`, `Amount` instead of
 * `TransactionAmount`). A failure (`R000002`) may carry no parameters at all;
 * it then reads as a B2C-shaped failure, which means the same thing to the
 * flows (the payout row the callback names decides what it was).
 */
export function parseReversalResult(body: unknown): ReversalResult | null {
	const r = (body as { Result?: Record<string, unknown> } | null)?.Result;
	if (!r || r.ResultCode === undefined || r.ResultCode === null || typeof r.OriginatorConversationID !== "string") return null;
	const params = (r.ResultParameters as { ResultParameter?: Array<{ Key?: string; Value?: unknown }> | { Key?: string; Value?: unknown } } | undefined)?.ResultParameter;
	const list = (Array.isArray(params) ? params : params ? [params] : []).filter(p => p && typeof p.Key === "string");
	const value = (key: string) => list.find(p => p.Key === key)?.Value;
	const original = value("OriginalTransactionID");
	if (original === undefined) return null;
	return {
		resultCode: String(r.ResultCode).trim(),
		resultDesc: String(r.ResultDesc ?? ""),
		originatorConversationId: r.OriginatorConversationID,
		conversationId: String(r.ConversationID ?? ""),
		transactionId: typeof r.TransactionID === "string" && r.TransactionID ? r.TransactionID : null,
		originalTransactionId: typeof original === "string" && original ? original : null,
		amount: value("Amount")
	};
}
