import { expect } from "chai";
import { newCallbackToken, tokenMatches } from "../../../services/payments/rules/callback-token";
import { darajaTimestamp, parseB2cResult, parseStkCallback, stkOutcome, stkPassword } from "../../../services/payments/rules/daraja";
import { refusal, remaining } from "../../../services/payments/rules/escrow-state";
import { canMove, INTENT_STATUSES } from "../../../services/payments/rules/intent-state";
import { maskPhone, normalisePhone, tanzanianOperator } from "../../../services/payments/rules/providers";
import { digest, flatten, resultKind, selcomTimestamp, signedHeaders, verifySigned } from "../../../services/payments/rules/selcom";

describe("payments rules: M-Pesa Daraja", () => {
	it("builds the STK timestamp in EAT and the password as base64(shortcode + passkey + timestamp)", () => {
		expect(darajaTimestamp(new Date("2024-07-10T06:15:26Z"), 180)).to.equal("20240710091526");
		expect(stkPassword("174379", "passkey", "20240710091526")).to.equal(Buffer.from("174379passkey20240710091526").toString("base64"));
	});

	it("maps result codes: 0 success, 1032 cancelled, others failed with a name", () => {
		expect(stkOutcome(0, "")).to.equal(null);
		expect(stkOutcome("1032", "Request cancelled by user")).to.include({ state: "cancelled", code: "MPESA_1032" });
		expect(stkOutcome(1, "balance")).to.include({ state: "failed", code: "INSUFFICIENT_FUNDS" });
		expect(stkOutcome("9999", "")).to.include({ state: "failed", code: "MPESA_9999" });
	});

	it("parses the STK callback by item name, tolerating missing items", () => {
		const parsed = parseStkCallback({
			Body: {
				stkCallback: {
					MerchantRequestID: "29115-34620561-1",
					CheckoutRequestID: "ws_CO_191220191020363925",
					ResultCode: 0,
					ResultDesc: "ok",
					CallbackMetadata: { Item: [{ Name: "Amount", Value: 1.0 }, { Name: "MpesaReceiptNumber", Value: "NLJ7RT61SV" }, { Name: "Balance" }, { Name: "PhoneNumber", Value: 254708374149 }] }
				}
			}
		});
		expect(parsed).to.include({ checkoutRequestId: "ws_CO_191220191020363925", resultCode: "0", amount: 1, receipt: "NLJ7RT61SV", phone: "+254708374149" });
		expect(parseStkCallback({ Body: { stkCallback: { CheckoutRequestID: "x", ResultCode: 1032 } } })).to.include({ resultCode: "1032", amount: undefined, receipt: null, phone: null });
		expect(parseStkCallback({ Result: {} })).to.equal(null);
	});

	it("parses B2C results with string or numeric codes", () => {
		const r = parseB2cResult({ Result: { ResultCode: "R000002", ResultDesc: "invalid", OriginatorConversationID: "o", ConversationID: "AG_1", ResultParameters: { ResultParameter: { Key: "TransactionAmount", Value: 10 } } } });
		expect(r).to.include({ resultCode: "R000002", amount: 10, transactionId: null });
	});
});

describe("payments rules: Selcom signing", () => {
	const now = new Date("2019-02-26T06:30:46Z");

	it("flattens nested fields to dotted keys and signs timestamp=…&k=v in Signed-Fields order", () => {
		expect(flatten({ a: 1, billing: { firstname: "Asha" }, skip: null })).to.deep.equal([["a", "1"], ["billing.firstname", "Asha"]]);
		expect(selcomTimestamp(now)).to.equal("2019-02-26T09:30:46+03:00");
		expect(selcomTimestamp(now, "compact")).to.equal("2019-02-26T09:30:46+0300");
		expect(digest("s", "T", [["a", "1"]])).to.equal(require("node:crypto").createHmac("sha256", "s").update("timestamp=T&a=1").digest("base64"));
	});

	it("verifies what it signs and refuses a changed field, a stale timestamp or another key", () => {
		const params = { order_id: "42", amount: 8000 };
		const h = signedHeaders("key", "secret", params, now);
		const msg = { authorization: h.Authorization, digest: h.Digest, digestMethod: h["Digest-Method"], timestamp: h.Timestamp, signedFields: h["Signed-Fields"], params };
		expect(verifySigned(msg, "key", "secret", now, 300)).to.equal(null);
		expect(verifySigned({ ...msg, params: { ...params, amount: 9000 } }, "key", "secret", now, 300)).to.equal("Digest mismatch");
		expect(verifySigned(msg, "key", "secret", new Date(now.getTime() + 600_000), 300)).to.equal("stale Timestamp");
		expect(verifySigned(msg, "other", "secret", now, 300)).to.equal("bad Authorization");
		expect(verifySigned({ ...msg, signedFields: "order_id,missing" }, "key", "secret", now, 300)).to.match(/missing/);
	});

	it("classifies result codes", () => {
		expect(["000", "111", "927", "999", "403"].map(resultKind)).to.deep.equal(["success", "in_progress", "in_progress", "ambiguous", "failed"]);
	});
});

describe("payments rules: phones, tokens and state machines", () => {
	it("normalises phones for the provider's country and masks them", () => {
		expect(normalisePhone("0712 345 678", "mpesa")).to.equal("+254712345678");
		expect(normalisePhone("255784000111", "selcom")).to.equal("+255784000111");
		expect(normalisePhone("+255784000111", "mpesa")).to.equal(null);
		expect(normalisePhone("+254201234567", "mpesa")).to.equal(null);
		expect(maskPhone("+255784000111")).to.equal("+255•••••0111");
		expect(["+255754000000", "+255784000000", "+255714000000", "+255624000000", "+255224000000"].map(tanzanianOperator)).to.deep.equal(["vodacom", "airtel", "tigo", "halotel", null]);
	});

	it("matches callback tokens only by their hash, in constant time", () => {
		const { token, hash } = newCallbackToken();
		expect(tokenMatches(token, hash)).to.equal(true);
		expect(tokenMatches(`${token}x`, hash)).to.equal(false);
		expect(tokenMatches(undefined, hash)).to.equal(false);
	});

	it("intents only move forward and final states are absorbing", () => {
		expect(canMove("pending", "processing")).to.equal(true);
		expect(canMove("processing", "pending")).to.equal(false);
		expect(canMove("succeeded", "failed")).to.equal(false);
		for (const done of ["succeeded", "failed", "cancelled", "expired"] as const) expect(INTENT_STATUSES.filter(s => canMove(done, s))).to.deep.equal([]);
	});

	it("escrow refuses actions its state does not allow, naming why", () => {
		expect(refusal("held", "release")).to.equal(null);
		expect(refusal("disputed", "release")).to.match(/admin/);
		expect(refusal("released", "refund")).to.match(/already released/);
		expect(refusal("held", "resolve")).to.match(/only a disputed/);
		expect(remaining({ collected: 100, released: 50, commission: 5, refunded: 10 })).to.equal(35);
	});
});
