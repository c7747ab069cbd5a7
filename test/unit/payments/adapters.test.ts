/** The adapters' pure parts: reading callbacks and authenticating them, without any network. */
import { expect } from "chai";
import { loadPaymentsConfig } from "../../../services/payments/config";
import type { Endpoints } from "../../../services/payments/providers/endpoints";
import { providerAdapters } from "../../../services/payments/providers";
import { selcomComplete } from "../../../simulators/payments/selcom";
import type { SimCollection } from "../../../simulators/payments/state";

const nowhere: Endpoints = {
	base: () => Promise.reject(new Error("no network in unit tests")),
	callbackBase: () => Promise.reject(new Error("no network in unit tests"))
};

function adapters(env: Record<string, string> = {}) {
	return providerAdapters(loadPaymentsConfig(env, { nodeEnv: "test", simulatorsEnabled: true, publicUrl: "http://localhost:3000" }), nowhere);
}

function collection(): SimCollection {
	return { provider: "selcom", reference: "0190abc", merchantRef: "0190abc", amount: 5000, msisdn: "255784000111", callbackUrl: "http://x", state: "pending", result: null, paidAmount: null, receipt: null, createdAt: new Date().toISOString() };
}

describe("payments adapters", () => {
	it("Selcom verifies a webhook's Digest when its headers arrive, and refuses a tampered one", () => {
		const { selcom } = adapters();
		const hook = selcomComplete(collection(), "success", 5000, { apiKey: "simulator", apiSecret: "simulator-secret" })!;
		const headers = Object.fromEntries(Object.entries(hook.headers!).map(([k, v]) => [k.toLowerCase(), v]));
		const body = hook.body as Record<string, unknown>;
		expect(selcom.authenticate({ body, headers, ip: null })).to.equal(null);
		expect(selcom.authenticate({ body: { ...body, payment_status: "CANCELLED" }, headers, ip: null })).to.equal("Digest mismatch");
		expect(adapters({ SELCOM_WEBHOOK_SECRET: "another" }).selcom.authenticate({ body, headers, ip: null })).to.equal("Digest mismatch");
		expect(selcom.parseCallback({ body, headers, ip: null })).to.include({ kind: "collection", claims: "succeeded", providerReference: "0190abc" });
	});

	it("Daraja checks the callback source only when an allow-list is configured", () => {
		const body = { Body: { stkCallback: { CheckoutRequestID: "ws_CO_1", ResultCode: 0 } } };
		expect(adapters().mpesa.authenticate({ body, headers: {}, ip: "10.0.0.9" })).to.equal(null);
		const listed = adapters({ MPESA_CALLBACK_ALLOWED_IPS: "196.201.214.200, 196.201.214.206" }).mpesa;
		expect(listed.authenticate({ body, headers: {}, ip: "::ffff:196.201.214.206" })).to.equal(null);
		expect(listed.authenticate({ body, headers: {}, ip: "10.0.0.9" })).to.equal("source address not allowed");
	});

	it("Tembo reads both collection and payout callbacks, keyed by transaction and status", () => {
		const hint = adapters().tembo.parseCallback({ body: { statusCode: "PAYMENT_REJECTED", transactionId: "X50jcLD-U", transactionRef: "r", meta: {} }, headers: {}, ip: null });
		expect(hint).to.include({ eventKey: "X50jcLD-U:PAYMENT_REJECTED", claims: "failed" });
		expect(adapters().tembo.parseCallback({ body: { foo: 1 }, headers: {}, ip: null })).to.equal(null);
	});
});
