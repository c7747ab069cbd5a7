/**
 * Selcom and Tembo Plus through the same interface: signed Selcom requests
 * and webhooks confirmed by order-status, Tembo's unsigned callbacks
 * confirmed by /collection/status, failures found by polling, payouts.
 */
import { expect } from "chai";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { waitFor } from "../../support/wait";
import { http } from "../api/http";
import { balance, collectionEntries, complete, createIntent, outboxEvents, simShow, waitForStatus, type Provider } from "./support";

describe("payments: Selcom and Tembo Plus", function () {
	this.timeout(90_000);
	let stack: Stack;
	let payer: TestUser;
	let seller: TestUser;

	before(async () => {
		stack = await getStack();
		[payer, seller] = await Promise.all([createUser(stack), createUser(stack)]);
	});

	for (const provider of ["selcom", "tembo"] as Provider[]) {
		describe(provider, () => {
			it("collects in TZS once the provider's status API confirms", async () => {
				const intent = await createIntent(stack, { payerId: payer.userId, payeeId: seller.userId, provider, amount: 500_000 });
				expect(intent).to.include({ status: "processing", currency: "TZS", provider });
				expect(intent.providerReference).to.be.a("string");
				expect((await simShow(stack, provider, intent.providerReference!)).amount).to.equal(5000);
				const done = await complete(stack, provider, intent.providerReference!, { outcome: "success", repeat: 3 });
				expect(done.callbacks).to.deep.equal([200, 200, 200]);
				await waitForStatus(intent.id, ["succeeded"]);
				expect(await balance(`escrow:order:${intent.purpose.id}`, "TZS")).to.equal(500_000);
				expect(await collectionEntries(intent.id)).to.equal(1);
				expect(await outboxEvents("payments.intent.succeeded", "intentId", intent.id)).to.equal(1);
			});

			it("insufficient funds and cancellation end the intent without money", async () => {
				const poor = await createIntent(stack, { payerId: payer.userId, provider });
				await complete(stack, provider, poor.providerReference!, { outcome: "insufficient_funds" });
				await waitForStatus(poor.id, ["failed"]);
				const gone = await createIntent(stack, { payerId: payer.userId, provider });
				await complete(stack, provider, gone.providerReference!, { outcome: "cancelled" });
				await waitForStatus(gone.id, provider === "selcom" ? ["cancelled"] : ["failed"]);
				expect((await collectionEntries(poor.id)) + (await collectionEntries(gone.id))).to.equal(0);
			});

			it("a timeout is polled and expires", async () => {
				const intent = await createIntent(stack, { payerId: payer.userId, provider, lifetimeSeconds: 5 });
				await complete(stack, provider, intent.providerReference!, { outcome: "timeout" });
				await waitForStatus(intent.id, ["expired"], 40_000);
			});

			it("refuses a callback without the transaction's token", async () => {
				const intent = await createIntent(stack, { payerId: payer.userId, provider });
				const body =
					provider === "selcom"
						? { transid: "1", order_id: intent.providerReference, reference: "0289999288", result: "SUCCESS", resultcode: "000", payment_status: "COMPLETED" }
						: { statusCode: "PAYMENT_ACCEPTED", transactionId: intent.providerReference, transactionRef: intent.id, meta: {} };
				const res = await http(stack.apiUrl, `/api/v1/payments/callbacks/${provider}?ref=${intent.id}&token=forged-token-forged-token`, { method: "POST", body });
				expect(res.status).to.equal(403);
				expect(await collectionEntries(intent.id)).to.equal(0);
			});
		});
	}

	it("Selcom: a webhook whose Digest does not verify is refused even with the transaction's token", async () => {
		const intent = await createIntent(stack, { payerId: payer.userId, provider: "selcom" });
		const { callbackUrl } = await simShow(stack, "selcom", intent.providerReference!);
		const url = new URL(callbackUrl);
		const body = { transid: "1", order_id: intent.providerReference, reference: "0289999288", result: "SUCCESS", resultcode: "000", payment_status: "COMPLETED" };
		const signed = ["transid", "order_id", "reference", "result", "resultcode", "payment_status"].join(",");
		const headers = {
			authorization: `SELCOM ${Buffer.from("not-our-key").toString("base64")}`,
			"digest-method": "HS256",
			digest: Buffer.from("forged-digest-forged-digest-forged").toString("base64"),
			timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, "+00:00"),
			"signed-fields": signed
		};
		const res = await http(stack.apiUrl, `${url.pathname}${url.search}`, { method: "POST", body, headers });
		expect(res.status).to.equal(403);
		expect(res.json.type).to.equal("CALLBACK_REFUSED");
		expect(await collectionEntries(intent.id)).to.equal(0);
		// The simulator's genuinely signed webhook for the same intent is accepted.
		await complete(stack, "selcom", intent.providerReference!, { outcome: "success" });
		await waitForStatus(intent.id, ["succeeded"]);
	});

	it("Selcom: a wrong amount reported by order-status goes to suspense", async () => {
		const intent = await createIntent(stack, { payerId: payer.userId, provider: "selcom", amount: 300_000 });
		await complete(stack, "selcom", intent.providerReference!, { outcome: "success", amount: 2000 });
		const row = await waitForStatus(intent.id, ["failed"]);
		expect(row).to.include({ failure_code: "AMOUNT_MISMATCH", flag: "suspense" });
		expect(await balance(`escrow:order:${intent.purpose.id}`, "TZS")).to.equal(0);
	});

	it("Tembo refuses Vodacom numbers (no collection channel) with a failed intent", async () => {
		const intent = await createIntent(stack, { payerId: payer.userId, provider: "tembo", phone: "+255754000111" });
		expect(intent.status).to.equal("failed");
		expect(intent.failure?.code).to.equal("CHANNEL_NOT_SUPPORTED");
	});

	for (const provider of ["selcom", "tembo"] as Provider[]) {
		it(`${provider}: payouts are paid (and a failed one returns the money)`, async () => {
			const intent = await createIntent(stack, { payerId: payer.userId, payeeId: seller.userId, provider, amount: 1_000_000 });
			await complete(stack, provider, intent.providerReference!, { outcome: "success" });
			await waitForStatus(intent.id, ["succeeded"]);
			await stack.broker.call("payments.releaseEscrow", { purpose: intent.purpose });
			const phone = provider === "selcom" ? "+255784111222" : "+255684111333";
			const m = await http(stack.apiUrl, "/api/v1/payments/methods", { method: "POST", token: seller.accessToken, body: { type: "mobile_money", provider, phone } });
			const methodId = m.json.id ?? (await http(stack.apiUrl, "/api/v1/payments/methods", { token: seller.accessToken })).json.items.find((x: { provider: string }) => x.provider === provider).id;
			const ok = await http(stack.apiUrl, "/api/v1/payments/payouts", { method: "POST", token: seller.accessToken, body: { amount: 100_000, methodId } });
			expect(ok.status).to.equal(202);
			await waitFor(async () => (await http(stack.apiUrl, `/api/v1/payments/payouts/${ok.json.id}`, { token: seller.accessToken })).json.status === "paid", "the payout paid", 20_000, 100);
			await http(stack.apiUrl, `/sim/${provider}/payouts/outcomes`, { method: "POST", body: { phone, outcome: "failed", count: 1 } });
			const bad = await http(stack.apiUrl, "/api/v1/payments/payouts", { method: "POST", token: seller.accessToken, body: { amount: 100_000, methodId } });
			expect(bad.status).to.equal(202);
			await waitFor(async () => (await http(stack.apiUrl, `/api/v1/payments/payouts/${bad.json.id}`, { token: seller.accessToken })).json.status === "failed", "the payout failed", 20_000, 100);
		});
	}
});
