/**
 * Tembo Plus simulator (PROVIDERS.md §3, §7): static `x-account-id` /
 * `x-secret-key` (401 INVALID_CREDENTIALS), /collection answering
 * PENDING_ACK (never a synchronous success), /collection/status,
 * /payment/wallet-to-mobile and /payment/status, and the unsigned callback
 * `{ statusCode, transactionId, transactionRef, meta }`.
 */
import crypto from "node:crypto";
import type { SimResponse } from "../inbox";
import type { CallbackDelivery, PaymentsSimState, PromptOutcome, SimCollection } from "./state";

export interface TemboRequest {
	headers: { "x-account-id"?: string; "x-secret-key"?: string };
	params: Record<string, unknown>;
}

export interface TemboCredentials {
	accountId: string;
	secretKey: string;
}

const unauthorised: SimResponse = { status: 401, body: { statusCode: 401, reason: "INVALID_CREDENTIALS" } };
const C2B = ["TZ-AIRTEL-C2B", "TZ-TIGO-C2B", "TZ-HALOTEL-C2B"];
const B2C = ["TZ-AIRTEL-B2C", "TZ-TIGO-B2C", "TZ-HALOTEL-B2C", "TZ-VODACOM-B2C", "TZ-BANK-B2C"];

function authorised(req: TemboRequest, creds: TemboCredentials): boolean {
	return req.headers["x-account-id"] === creds.accountId && req.headers["x-secret-key"] === creds.secretKey;
}

const transactionId = () => crypto.randomBytes(6).toString("base64url").slice(0, 9);

export function temboCollect(req: TemboRequest, state: PaymentsSimState, creds: TemboCredentials): SimResponse {
	if (!authorised(req, creds)) return unauthorised;
	const p = req.params;
	const amount = Number(p.amount);
	if (!/^255\d{9}$/.test(String(p.msisdn ?? "")) || !C2B.includes(String(p.channel)) || !Number.isInteger(amount) || amount < 1 || !p.transactionRef || !p.callbackUrl)
		return { status: 400, body: { statusCode: 400, message: "msisdn, channel, amount, transactionRef and callbackUrl are required" } };
	if (state.collectionByMerchantRef("tembo", String(p.transactionRef))) return { status: 400, body: { statusCode: 400, message: "Duplicate transactionRef" } };
	const id = transactionId();
	state.addCollection({
		provider: "tembo",
		reference: id,
		merchantRef: String(p.transactionRef),
		amount,
		msisdn: String(p.msisdn),
		callbackUrl: String(p.callbackUrl),
		state: "pending",
		result: "PENDING_ACK",
		paidAmount: null,
		receipt: null,
		createdAt: new Date().toISOString()
	});
	return { status: 200, body: { statusCode: "PENDING_ACK", transactionRef: p.transactionRef, transactionId: id } };
}

export function temboCollectionStatus(req: TemboRequest, state: PaymentsSimState, creds: TemboCredentials): SimResponse {
	if (!authorised(req, creds)) return unauthorised;
	const c = state.collection("tembo", String(req.params.transactionId ?? ""));
	if (!c || c.merchantRef !== req.params.transactionRef) return { status: 404, body: { statusCode: 404, message: "Transaction not found" } };
	return { status: 200, body: { statusCode: c.result, transactionId: c.reference, transactionRef: c.merchantRef } };
}

export function temboComplete(c: SimCollection, outcome: PromptOutcome): CallbackDelivery | null {
	if (outcome === "timeout") {
		c.state = "timeout";
		return null;
	}
	c.state = outcome === "success" ? "succeeded" : outcome === "cancelled" ? "cancelled" : "failed";
	c.result = outcome === "success" ? "PAYMENT_ACCEPTED" : "PAYMENT_REJECTED";
	return { url: c.callbackUrl, body: { statusCode: c.result, transactionId: c.reference, transactionRef: c.merchantRef, meta: {} } };
}

export function temboPayout(req: TemboRequest, state: PaymentsSimState, creds: TemboCredentials): { response: SimResponse; callback: CallbackDelivery | null } {
	if (!authorised(req, creds)) return { response: unauthorised, callback: null };
	const p = req.params;
	const amount = Number(p.amount);
	if (!B2C.includes(String(p.serviceCode)) || !Number.isInteger(amount) || amount < 1 || !p.transactionRef || !p.msisdn || p.currencyCode !== "TZS")
		return { response: { status: 400, body: { statusCode: 400, message: "serviceCode, amount, msisdn, currencyCode and transactionRef are required" } }, callback: null };
	if (state.payout("tembo", String(p.transactionRef))) return { response: { status: 400, body: { statusCode: 400, message: "Duplicate transactionRef" } }, callback: null };
	const id = transactionId();
	const outcome = state.payoutOutcome(String(p.msisdn));
	state.addPayout({ provider: "tembo", reference: id, merchantRef: String(p.transactionRef), amount, msisdn: String(p.msisdn), callbackUrl: String(p.callbackUrl ?? ""), state: "pending", createdAt: new Date().toISOString() });
	const response: SimResponse = { status: 200, body: { statusCode: "PENDING_ACK", transactionRef: p.transactionRef, transactionId: id } };
	if (outcome === "timeout" || !p.callbackUrl) return { response, callback: null };
	const paid = outcome === "success";
	state.payout("tembo", String(p.transactionRef))!.state = paid ? "paid" : "failed";
	return { response, callback: { url: String(p.callbackUrl), body: { statusCode: paid ? "PAYMENT_ACCEPTED" : "PAYMENT_REJECTED", transactionId: id, transactionRef: p.transactionRef, meta: {} } } };
}

export function temboPayoutStatus(req: TemboRequest, state: PaymentsSimState, creds: TemboCredentials): SimResponse {
	if (!authorised(req, creds)) return unauthorised;
	const p = state.payout("tembo", String(req.params.transactionRef ?? ""));
	if (!p) return { status: 404, body: { statusCode: 404, message: "Transaction not found" } };
	const statusCode = p.state === "paid" ? "PAYMENT_ACCEPTED" : p.state === "failed" ? "PAYMENT_REJECTED" : "PENDING";
	return { status: 200, body: { statusCode, transactionId: p.reference, transactionRef: p.merchantRef } };
}
