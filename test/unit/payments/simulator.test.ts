/** The payment simulators as objects: the Daraja protocol checks and SIM_AUTO_APPROVE_MS, no broker. */
import { expect } from "chai";
import { darajaTimestamp, stkPassword } from "../../../services/payments/rules/daraja";
import { PaymentsSimulator } from "../../../simulators/payments";
import { waitFor } from "../../support/wait";

const PASSKEY = "passkey";

function simulator(autoApproveMs: number | null) {
	return new PaymentsSimulator({ autoApproveMs, mpesaPasskey: PASSKEY, selcom: { apiKey: "k", apiSecret: "s" }, tembo: { accountId: "a", secretKey: "s" }, size: 100 });
}

function stkBody(extra: Record<string, unknown> = {}) {
	const Timestamp = darajaTimestamp(new Date(), 180);
	return {
		BusinessShortCode: "174379",
		Password: stkPassword("174379", PASSKEY, Timestamp),
		Timestamp,
		TransactionType: "CustomerPayBillOnline",
		Amount: 10,
		PartyA: "254712345678",
		PartyB: "174379",
		PhoneNumber: "254712345678",
		// Nobody listens here: the callback's delivery fails quietly, as it would against a platform that is down.
		CallBackURL: "http://127.0.0.1:9/cb",
		AccountReference: "ref",
		TransactionDesc: "t",
		...extra
	};
}

function bearer(sim: PaymentsSimulator): string {
	const res = sim.mpesaToken({ headers: { authorization: `Basic ${Buffer.from("a:b").toString("base64")}` }, params: { grant_type: "client_credentials" } });
	expect(res.body).to.include({ expires_in: "3599" });
	return `Bearer ${(res.body as { access_token: string }).access_token}`;
}

describe("payment simulators", () => {
	it("Daraja refuses a bad token, a wrong password and a fractional amount, and answers a pending query with 500 'being processed'", () => {
		const sim = simulator(null);
		const authorization = bearer(sim);
		expect(sim.mpesaStkPush({ headers: { authorization: "Bearer nope" }, params: stkBody() }).status).to.equal(401);
		expect(sim.mpesaStkPush({ headers: { authorization }, params: stkBody({ Password: "x" }) }).body).to.include({ errorCode: "500.001.1001", errorMessage: "Wrong credentials" });
		expect(sim.mpesaStkPush({ headers: { authorization }, params: stkBody({ Amount: 1.5 }) }).body).to.include({ errorCode: "400.002.02" });
		const ok = sim.mpesaStkPush({ headers: { authorization }, params: stkBody() });
		expect(ok.body).to.include({ ResponseCode: "0" });
		const ref = (ok.body as { CheckoutRequestID: string }).CheckoutRequestID;
		const ts = darajaTimestamp(new Date(), 180);
		const query = sim.mpesaStkQuery({ headers: { authorization }, params: { BusinessShortCode: "174379", Password: stkPassword("174379", PASSKEY, ts), Timestamp: ts, CheckoutRequestID: ref } });
		expect(query.status).to.equal(500);
		expect(query.body).to.include({ errorMessage: "The transaction is being processed" });
	});

	it("with SIM_AUTO_APPROVE_MS, a prompt approves itself after the delay", async () => {
		const sim = simulator(20);
		const ok = sim.mpesaStkPush({ headers: { authorization: bearer(sim) }, params: stkBody() });
		const ref = (ok.body as { CheckoutRequestID: string }).CheckoutRequestID;
		expect(sim.state.collection("mpesa", ref)?.state).to.equal("pending");
		await waitFor(async () => sim.state.collection("mpesa", ref)?.state === "succeeded", "the prompt to approve itself", 5000, 10);
		expect(sim.state.collection("mpesa", ref)?.receipt).to.match(/^[A-Z0-9]{10}$/);
	});
});
