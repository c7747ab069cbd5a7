/**
 * Selcom simulator (PROVIDERS.md §2, §7): every request must carry a valid
 * HS256 Digest over its Signed-Fields (401 otherwise); create-order-minimal
 * then wallet-payment (the USSD push), order-status, and the webhook signed
 * the way clients sign requests. The webhook fires only for successful
 * payments, as reported of the real one: failures are found by polling.
 * Wallet cash-in pays out at once (resultcode 000) unless armed otherwise.
 */
import { digest, selcomTimestamp, verifySigned } from "../../services/payments/rules/selcom";
import type { SimResponse } from "../inbox";
import { digits, type CallbackDelivery, type PaymentsSimState, type PromptOutcome, type SimCollection } from "./state";

export interface SelcomRequest {
	headers: { authorization?: string; digest?: string; "digest-method"?: string; timestamp?: string; "signed-fields"?: string };
	params: Record<string, unknown>;
}

export interface SelcomCredentials {
	apiKey: string;
	apiSecret: string;
}

const envelope = (resultcode: string, result: string, message: string, data: unknown[] = [], extra: Record<string, unknown> = {}) => ({
	transid: extra.transid ?? null,
	reference: extra.reference ?? digits(10),
	resultcode,
	result,
	message,
	data
});

function refused(req: SelcomRequest, creds: SelcomCredentials): SimResponse | null {
	const why = verifySigned(
		{
			authorization: req.headers.authorization,
			digest: req.headers.digest,
			digestMethod: req.headers["digest-method"],
			timestamp: req.headers.timestamp,
			signedFields: req.headers["signed-fields"],
			params: req.params
		},
		creds.apiKey,
		creds.apiSecret,
		new Date(),
		300
	);
	return why ? { status: 401, body: envelope("401", "FAIL", `Unauthorized: ${why}`) } : null;
}

export function selcomCreateOrder(req: SelcomRequest, state: PaymentsSimState, creds: SelcomCredentials): SimResponse {
	const no = refused(req, creds);
	if (no) return no;
	const p = req.params;
	const amount = Number(p.amount);
	if (!p.vendor || !p.order_id || !p.buyer_phone || !Number.isInteger(amount) || amount < 1 || p.no_of_items === undefined)
		return { status: 400, body: envelope("400", "FAIL", "vendor, order_id, buyer_phone, amount and no_of_items are required") };
	if (state.collectionByMerchantRef("selcom", String(p.order_id))) return { status: 200, body: envelope("403", "FAIL", "Duplicate order_id") };
	const webhook = typeof p.webhook === "string" ? Buffer.from(p.webhook, "base64").toString("utf8") : "";
	state.addCollection({
		provider: "selcom",
		reference: String(p.order_id),
		merchantRef: String(p.order_id),
		amount,
		msisdn: String(p.buyer_phone),
		callbackUrl: webhook,
		state: "pending",
		result: "PENDING",
		paidAmount: null,
		receipt: null,
		createdAt: new Date().toISOString()
	});
	return {
		status: 200,
		body: envelope("000", "SUCCESS", "Order creation successful", [
			{ gateway_buyer_uuid: digits(12), payment_token: digits(8), qr: "QR", payment_gateway_url: Buffer.from(`https://sim.selcom/pay/${p.order_id}`).toString("base64") }
		])
	};
}

export function selcomWalletPayment(req: SelcomRequest, state: PaymentsSimState, creds: SelcomCredentials): SimResponse {
	const no = refused(req, creds);
	if (no) return no;
	const c = state.collection("selcom", String(req.params.order_id ?? ""));
	if (!c) return { status: 404, body: envelope("404", "FAIL", "Order not found") };
	if (!req.params.transid || !req.params.msisdn) return { status: 400, body: envelope("400", "FAIL", "transid and msisdn are required") };
	c.result = "INPROGRESS";
	return { status: 200, body: envelope("111", "PENDING", "Request in progress. You will receive a callback shortly", [], { transid: req.params.transid }) };
}

export function selcomOrderStatus(req: SelcomRequest, state: PaymentsSimState, creds: SelcomCredentials): SimResponse {
	const no = refused(req, creds);
	if (no) return no;
	const c = state.collection("selcom", String(req.params.order_id ?? ""));
	if (!c) return { status: 404, body: envelope("404", "FAIL", "Order not found") };
	return {
		status: 200,
		body: envelope("000", "SUCCESS", "Order fetch successful", [
			{
				order_id: c.merchantRef,
				creation_date: c.createdAt.replace("T", " ").slice(0, 19),
				amount: String(c.paidAmount ?? c.amount),
				payment_status: c.result,
				transid: c.receipt,
				channel: "MPESA-TZ",
				reference: c.receipt,
				phone: c.msisdn
			}
		])
	};
}

/** The customer's answer; a signed webhook only for a completed payment. */
export function selcomComplete(c: SimCollection, outcome: PromptOutcome, paidAmount: number, creds: SelcomCredentials): CallbackDelivery | null {
	if (outcome === "timeout") {
		c.state = "timeout";
		return null;
	}
	c.state = outcome === "success" ? "succeeded" : outcome === "cancelled" ? "cancelled" : "failed";
	c.result = outcome === "success" ? "COMPLETED" : outcome === "cancelled" ? "USERCANCELLED" : "REJECTED";
	if (outcome !== "success") return null;
	c.paidAmount = paidAmount;
	c.receipt = digits(10);
	const body = { transid: c.receipt, order_id: c.merchantRef, reference: c.receipt, result: "SUCCESS", resultcode: "000", payment_status: "COMPLETED", channel: "MPESA-TZ", amount: String(paidAmount), phone: c.msisdn };
	const timestamp = selcomTimestamp(new Date());
	const signed = ["transid", "order_id", "reference", "result", "resultcode", "payment_status"] as const;
	return {
		url: c.callbackUrl,
		body,
		headers: {
			Authorization: `SELCOM ${Buffer.from(creds.apiKey).toString("base64")}`,
			"Digest-Method": "HS256",
			Digest: digest(creds.apiSecret, timestamp, signed.map(k => [k, String(body[k])])),
			Timestamp: timestamp,
			"Signed-Fields": signed.join(",")
		}
	};
}

export function selcomCashin(req: SelcomRequest, state: PaymentsSimState, creds: SelcomCredentials): SimResponse {
	const no = refused(req, creds);
	if (no) return no;
	const p = req.params;
	const amount = Number(p.amount);
	if (!p.transid || !p.utilityref || !p.vendor || !p.pin || !Number.isInteger(amount) || amount < 1)
		return { status: 400, body: envelope("400", "FAIL", "transid, utilitycode, utilityref, amount, vendor and pin are required") };
	const existing = state.payout("selcom", String(p.transid));
	if (existing) return { status: 200, body: envelope("403", "FAIL", "Duplicate transid", [], { transid: p.transid }) };
	const outcome = state.payoutOutcome(String(p.utilityref));
	const ref = digits(10);
	state.addPayout({ provider: "selcom", reference: ref, merchantRef: String(p.transid), amount, msisdn: String(p.utilityref), callbackUrl: null, state: outcome === "success" ? "paid" : outcome === "failed" ? "failed" : "pending", createdAt: new Date().toISOString() });
	if (outcome === "timeout") return { status: 200, body: envelope("999", "AMBIGOUS", "Transaction status unknown", [], { transid: p.transid, reference: ref }) };
	if (outcome === "failed") return { status: 200, body: envelope("054", "FAIL", "Recipient wallet not registered", [], { transid: p.transid, reference: ref }) };
	return { status: 200, body: envelope("000", "SUCCESS", "Cash-in successful", [], { transid: p.transid, reference: ref }) };
}

export function selcomCashinQuery(req: SelcomRequest, state: PaymentsSimState, creds: SelcomCredentials): SimResponse {
	const no = refused(req, creds);
	if (no) return no;
	const p = state.payout("selcom", String(req.params.transid ?? ""));
	if (!p) return { status: 404, body: envelope("404", "FAIL", "Transaction not found") };
	const code = p.state === "paid" ? "000" : p.state === "failed" ? "054" : "111";
	return { status: 200, body: envelope(code, p.state === "paid" ? "SUCCESS" : p.state === "failed" ? "FAIL" : "PENDING", p.state, [], { transid: p.merchantRef, reference: p.reference }) };
}
