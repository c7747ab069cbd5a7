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
