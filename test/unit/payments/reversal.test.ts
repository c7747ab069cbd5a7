/** M-Pesa Transaction Reversal, pure parts: the request body, reading the result, the refund route, and the simulator as an object. */
import { expect } from "chai";
import { loadPaymentsConfig } from "../../../services/payments/config";
import { providerAdapters } from "../../../services/payments/providers";
import type { Endpoints } from "../../../services/payments/providers/endpoints";
import { darajaTimestamp, parseB2cResult, parseReversalResult, reversalBody, stkPassword } from "../../../services/payments/rules/daraja";
import { refundRoute, type RefundRouteFacts } from "../../../services/payments/rules/refund-route";
import { PaymentsSimulator } from "../../../simulators/payments";
import { darajaComplete } from "../../../simulators/payments/daraja";

const nowhere: Endpoints = {
	base: () => Promise.reject(new Error("no network in unit tests")),
	callbackBase: () => Promise.reject(new Error("no network in unit tests"))
};

const success = {
	Result: {
		ResultType: 0,
		ResultCode: 0,
		ResultDesc: "The service request is processed successfully.",
		OriginatorConversationID: "12345-67890-1",
		ConversationID: "AG_20261204_abc",
		TransactionID: "SLK000XYZ1",
		ResultParameters: {
			ResultParameter: [
				{ Key: "DebitAccountBalance", Value: "Utility Account|KES|1000.00|1000.00|0.00|0.00" },
				{ Key: "Amount", Value: 150 },
				{ Key: "OriginalTransactionID", Value: "RKL51ZDR4F" },
				{ Key: "Charge", Value: 0 }
			]
		}
	}
};

describe("payments: M-Pesa reversal (pure parts)", () => {
	it("builds the Daraja reversal body with its real (misspelled) keys and bounded Remarks", () => {
		const body = reversalBody({ initiatorName: "testapi", securityCredential: "cred", receipt: "RKL51ZDR4F", amount: 150, receiverParty: "174379", resultUrl: "https://x/cb?ref=1&token=t", remarks: "x" });
		expect(body).to.deep.equal({
			Initiator: "testapi",
			SecurityCredential: "cred",
			CommandID: "TransactionReversal",
			TransactionID: "RKL51ZDR4F",
			Amount: 150,
			ReceiverParty: "174379",
			RecieverIdentifierType: "11",
			ResultURL: "https://x/cb?ref=1&token=t",
			QueueTimeOutURL: "https://x/cb?ref=1&token=t",
			Remarks: "x.",
			Occasion: "refund"
		});
		expect((reversalBody({ initiatorName: "i", securityCredential: "c", receipt: "R", amount: 1, receiverParty: "1", resultUrl: "u", remarks: "y".repeat(150) }).Remarks as string).length).to.equal(100);
	});

	it("reads a successful reversal result, and R000002 as a string or a number code", () => {
		expect(parseReversalResult(success)).to.deep.equal({
			resultCode: "0",
			resultDesc: "The service request is processed successfully.",
			originatorConversationId: "12345-67890-1",
			conversationId: "AG_20261204_abc",
			transactionId: "SLK000XYZ1",
			originalTransactionId: "RKL51ZDR4F",
			amount: 150
		});
		const failure = { Result: { ...success.Result, ResultCode: "R000002", ResultDesc: "The OriginalTransactionID is invalid.", TransactionID: "" } };
		expect(parseReversalResult(failure)).to.include({ resultCode: "R000002", transactionId: null });
		// A failure without parameters is not recognisable as a reversal; it reads as a B2C-shaped failure with the same code.
		const bare = { Result: { ResultType: 0, ResultCode: "R000002", ResultDesc: "The OriginalTransactionID is invalid.", OriginatorConversationID: "1-2-3", ConversationID: "AG_1" } };
		expect(parseReversalResult(bare)).to.equal(null);
		expect(parseB2cResult(bare)).to.include({ resultCode: "R000002" });
		// A B2C result (TransactionAmount, no OriginalTransactionID) is not a reversal; junk is nothing.
		expect(parseReversalResult({ Result: { ...success.Result, ResultParameters: { ResultParameter: [{ Key: "TransactionAmount", Value: 5 }] } } })).to.equal(null);
		expect(parseReversalResult({ Result: { ResultCode: 0 } })).to.equal(null);
		expect(parseReversalResult(null)).to.equal(null);
	});

	it("the Daraja adapter turns a reversal result into a payout hint with its own event key; others have no reverse()", () => {
		const a = providerAdapters(loadPaymentsConfig({}, { nodeEnv: "test", simulatorsEnabled: true, publicUrl: "http://localhost:3000" }), nowhere);
		expect(a.mpesa.reverse).to.be.a("function");
		expect(a.selcom.reverse).to.equal(undefined);
		expect(a.tembo.reverse).to.equal(undefined);
		expect(a.mpesa.parseCallback({ body: success, headers: {}, ip: null })).to.deep.include({
			kind: "payout",
			eventKey: "reversal:12345-67890-1:0",
			providerReference: "AG_20261204_abc",
			claims: "succeeded",
			amount: 150,
			receipt: "SLK000XYZ1",
			code: "MPESA_0"
		});
		const failed = { Result: { ...success.Result, ResultCode: "R000002", ResultDesc: "The OriginalTransactionID is invalid." } };
		expect(a.mpesa.parseCallback({ body: failed, headers: {}, ip: null })).to.deep.include({ claims: "failed", code: "MPESA_R000002", eventKey: "reversal:12345-67890-1:R000002" });
	});

	it("reads its configuration: on, full reversals only, the B2C initiator unless the reversal one is set", () => {
		const platform = { nodeEnv: "test" as const, simulatorsEnabled: true, publicUrl: "http://localhost:3000" };
		expect(loadPaymentsConfig({ MPESA_INITIATOR_NAME: "b2cop", MPESA_SECURITY_CREDENTIAL: "c1" }, platform).daraja).to.include({
			reversalEnabled: true,
			reversalPartial: false,
			reversalInitiatorName: "b2cop",
			reversalSecurityCredential: "c1"
		});
		const set = loadPaymentsConfig(
			{ MPESA_REVERSAL_ENABLED: "false", MPESA_REVERSAL_PARTIAL: "true", MPESA_REVERSAL_INITIATOR_NAME: "revop", MPESA_REVERSAL_SECURITY_CREDENTIAL: "c2" },
			platform
		).daraja;
		expect(set).to.include({ reversalEnabled: false, reversalPartial: true, reversalInitiatorName: "revop", reversalSecurityCredential: "c2" });
	});

	describe("refund route", () => {
		const facts = (f: Partial<RefundRouteFacts> = {}): RefundRouteFacts => ({
			reversible: true,
			partialAllowed: false,
			collections: [{ receipt: "RKL51ZDR4F", amount: 1000 }],
			alreadyReversed: 0,
			amount: 1000,
			...f
		});

		it("reverses a full refund of a single-receipt collection", () => {
			expect(refundRoute(facts())).to.deep.equal({ rail: "reversal", receipt: "RKL51ZDR4F" });
		});

		it("pays out when the provider cannot reverse, there is no or more than one receipt, or too much is asked", () => {
			expect(refundRoute(facts({ reversible: false }))).to.include({ rail: "payout" });
			expect(refundRoute(facts({ collections: [] }))).to.include({ rail: "payout" });
			expect(refundRoute(facts({ collections: [{ receipt: null, amount: 1000 }] }))).to.include({ rail: "payout" });
			expect(refundRoute(facts({ collections: [{ receipt: "A", amount: 500 }, { receipt: "B", amount: 500 }] }))).to.include({ rail: "payout" });
			expect(refundRoute(facts({ amount: 1001 }))).to.include({ rail: "payout" });
			expect(refundRoute(facts({ amount: 0 }))).to.include({ rail: "payout" });
		});

		it("reverses a partial refund (or one order's share of a split collection) only when partial reversal is enabled", () => {
			expect(refundRoute(facts({ amount: 400 }))).to.deep.equal({ rail: "payout", why: "partial reversal disabled" });
			expect(refundRoute(facts({ amount: 400, partialAllowed: true }))).to.deep.equal({ rail: "reversal", receipt: "RKL51ZDR4F" });
			// What is left of the receipt after earlier reversals: a second share fits, a third that overflows does not.
			expect(refundRoute(facts({ amount: 600, alreadyReversed: 400, partialAllowed: true }))).to.include({ rail: "reversal" });
			expect(refundRoute(facts({ amount: 600, alreadyReversed: 500, partialAllowed: true }))).to.include({ rail: "payout" });
			// The rest of a receipt is still a partial reversal (the receipt was partly reversed before).
			expect(refundRoute(facts({ amount: 600, alreadyReversed: 400 }))).to.include({ rail: "payout" });
		});
	});

	describe("simulator", () => {
		const PASSKEY = "passkey";
		const sim = () => new PaymentsSimulator({ autoApproveMs: null, mpesaPasskey: PASSKEY, selcom: { apiKey: "k", apiSecret: "s" }, tembo: { accountId: "a", secretKey: "s" }, size: 100 });
		const bearer = (s: PaymentsSimulator) =>
			`Bearer ${(s.mpesaToken({ headers: { authorization: `Basic ${Buffer.from("a:b").toString("base64")}` }, params: { grant_type: "client_credentials" } }).body as { access_token: string }).access_token}`;

		/** A completed STK push of `amount` in the simulator: its receipt. */
		function paid(s: PaymentsSimulator, auth: string, amount: number): string {
			const Timestamp = darajaTimestamp(new Date(), 180);
			const res = s.mpesaStkPush({
				headers: { authorization: auth },
				params: {
					BusinessShortCode: "174379",
					Password: stkPassword("174379", PASSKEY, Timestamp),
					Timestamp,
					TransactionType: "CustomerPayBillOnline",
					Amount: amount,
					PartyA: "254712345678",
					PartyB: "174379",
					PhoneNumber: "254712345678",
					CallBackURL: "http://127.0.0.1:9/cb",
					AccountReference: "ref",
					TransactionDesc: "t"
				}
			});
			const c = s.state.collection("mpesa", (res.body as { CheckoutRequestID: string }).CheckoutRequestID)!;
			darajaComplete(c, "success", amount);
			return c.receipt!;
		}

		const body = (receipt: string, amount: number, extra: Record<string, unknown> = {}) => ({
			...reversalBody({ initiatorName: "testapi", securityCredential: "cred", receipt, amount, receiverParty: "174379", resultUrl: "http://127.0.0.1:9/cb", remarks: "refund" }),
			...extra
		});

		it("validates the request like Daraja: token, missing or wrong fields → 400 with errorCode", () => {
			const s = sim();
			const auth = bearer(s);
			const receipt = paid(s, auth, 100);
			expect(s.mpesaReversal({ headers: {}, params: body(receipt, 100) }).status).to.equal(401);
			for (const [field, value] of [
				["Initiator", ""],
				["CommandID", "TransactionStatusQuery"],
				["TransactionID", undefined],
				["Amount", 1.5],
				["ReceiverParty", undefined],
				["RecieverIdentifierType", "4"],
				["ResultURL", "not-a-url"],
				["QueueTimeOutURL", undefined],
				["Remarks", "x"]
			] as const) {
				const res = s.mpesaReversal({ headers: { authorization: auth }, params: body(receipt, 100, { [field]: value }) });
				expect(res.status, field).to.equal(400);
				expect(res.body).to.deep.include({ errorCode: "400.002.02", errorMessage: `Bad Request - Invalid ${field}` });
			}
			expect(s.state.reversals).to.have.length(0);
		});

		it("reverses a known receipt once, and fails unknown receipts and amounts above what is left with R000002", () => {
			const s = sim();
			const auth = bearer(s);
			const receipt = paid(s, auth, 100);
			const call = (r: string, amount: number) => {
				const reply = s.mpesaReversal({ headers: { authorization: auth }, params: body(r, amount) });
				expect(reply.status).to.equal(200);
				expect(reply.body).to.include({ ResponseCode: "0" });
				return s.state.reversals[s.state.reversals.length - 1];
			};
			expect(call("ZZZZZZZZZ9", 10)).to.include({ state: "failed", resultCode: "R000002" });
			expect(call(receipt, 101)).to.include({ state: "failed", resultCode: "R000002" });
			expect(call(receipt, 60)).to.include({ state: "reversed", resultCode: "0" });
			expect(call(receipt, 50)).to.include({ state: "failed", resultCode: "R000002" });
			expect(call(receipt, 40)).to.include({ state: "reversed" });
			expect(s.state.reversedOf(receipt)).to.equal(100);
		});

		it("lets a test force the next outcomes of a receipt (failed, timeout) through its control", () => {
			const s = sim();
			const auth = bearer(s);
			const receipt = paid(s, auth, 100);
			expect(s.mpesaReversalOutcomes({ headers: {}, params: { receipt, outcome: "nope", count: 1 } }).status).to.equal(422);
			expect(s.mpesaReversalOutcomes({ headers: {}, params: { receipt, outcome: "failed", count: 1 } }).status).to.equal(200);
			expect(s.mpesaReversalOutcomes({ headers: {}, params: { receipt, outcome: "timeout", count: 1 } }).status).to.equal(200);
			s.mpesaReversal({ headers: { authorization: auth }, params: body(receipt, 100) });
			s.mpesaReversal({ headers: { authorization: auth }, params: body(receipt, 100) });
			s.mpesaReversal({ headers: { authorization: auth }, params: body(receipt, 100) });
			expect(s.state.reversals.map(r => r.state)).to.deep.equal(["failed", "pending", "reversed"]);
			expect((s.mpesaReversals({ headers: {}, params: { receipt } }).body as { items: unknown[] }).items).to.have.length(3);
		});
	});
});
