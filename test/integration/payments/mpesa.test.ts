/**
 * M-Pesa Daraja end to end: intents through payments.createIntent, the
 * simulator prompting and calling back over the real wire protocol, the
 * callback inbox, STK Query confirmation, the ledger and the outbox.
 */
import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { waitFor } from "../../support/wait";
import { http } from "../api/http";
import { balance, collectionEntries, complete, createIntent, intentRow, outboxEvents, processedEvents, simShow, waitForStatus } from "./support";

describe("payments: M-Pesa Daraja collections", function () {
	this.timeout(90_000);
	let stack: Stack;
	let payer: TestUser;
	let other: TestUser;

	before(async () => {
		stack = await getStack();
		[payer, other] = await Promise.all([createUser(stack), createUser(stack)]);
	});

	it("collects into the purpose's escrow once the STK Query confirms the callback", async () => {
		const intent = await createIntent(stack, { payerId: payer.userId, payeeId: other.userId, provider: "mpesa", amount: 250_000 });
		expect(intent.status).to.equal("processing");
		expect(intent.providerReference).to.match(/^ws_CO_/);
		expect(intent.currency).to.equal("KES");
		const sent = await simShow(stack, "mpesa", intent.providerReference!);
		expect(sent.amount).to.equal(2500);
		expect(sent.callbackUrl).to.match(/\/api\/v1\/payments\/callbacks\/mpesa\?ref=.+&token=.{20,}/);

		const done = await complete(stack, "mpesa", intent.providerReference!, { outcome: "success" });
		expect(done.callbacks).to.deep.equal([200]);
		await waitForStatus(intent.id, ["succeeded"]);
		expect(await balance(`escrow:order:${intent.purpose.id}`, "KES")).to.equal(250_000);
		expect(await collectionEntries(intent.id)).to.equal(1);
		expect(await outboxEvents("payments.intent.succeeded", "intentId", intent.id)).to.equal(1);

		const seen = await http(stack.apiUrl, `/api/v1/payments/intents/${intent.id}`, { token: payer.accessToken });
		expect(seen.status).to.equal(200);
		expect(seen.json).to.include({ id: intent.id, status: "succeeded", amount: 250_000, currency: "KES", provider: "mpesa", providerReference: intent.providerReference });
		expect(seen.json.purpose).to.deep.equal(intent.purpose);

		// notifications consumes the event: the payer is told, with the amount in their language.
		const notice = await waitFor(async () => {
			const list = await http(stack.apiUrl, "/api/v1/notifications", { token: payer.accessToken });
			return (list.json.items as Array<{ type: string; body: string; data: Record<string, string> }>).find(n => n.type === "payment.succeeded" && n.data.intentId === intent.id);
		}, "the payment notification", 20_000, 100);
		expect(notice.body).to.contain("KES 2,500");
	});

	it("GET /payments/intents/:id is the payer's only: 404 for others, 401 without a token, 400 for a bad id", async () => {
		const intent = await createIntent(stack, { payerId: payer.userId, provider: "mpesa" });
		expect((await http(stack.apiUrl, `/api/v1/payments/intents/${intent.id}`, { token: other.accessToken })).status).to.equal(404);
		expect((await http(stack.apiUrl, `/api/v1/payments/intents/${intent.id}`)).status).to.equal(401);
		expect((await http(stack.apiUrl, `/api/v1/payments/intents/not-a-uuid`, { token: payer.accessToken })).status).to.equal(400);
		expect((await http(stack.apiUrl, `/api/v1/payments/intents/${newId()}`, { token: payer.accessToken })).status).to.equal(404);
	});

	it("insufficient funds fails the intent without moving money", async () => {
		const intent = await createIntent(stack, { payerId: payer.userId, provider: "mpesa" });
		await complete(stack, "mpesa", intent.providerReference!, { outcome: "insufficient_funds" });
		const row = await waitForStatus(intent.id, ["failed"]);
		expect(row.failure_code).to.equal("INSUFFICIENT_FUNDS");
		expect(await collectionEntries(intent.id)).to.equal(0);
		expect(await outboxEvents("payments.intent.failed", "intentId", intent.id)).to.equal(1);
	});

	it("a cancelled prompt cancels the intent", async () => {
		const intent = await createIntent(stack, { payerId: payer.userId, provider: "mpesa" });
		await complete(stack, "mpesa", intent.providerReference!, { outcome: "cancelled" });
		const row = await waitForStatus(intent.id, ["cancelled"]);
		expect(row.failure_code).to.equal("MPESA_1032");
		expect(await collectionEntries(intent.id)).to.equal(0);
	});

	it("a prompt that never gets an answer is polled and expires at the end of its lifetime", async () => {
		const intent = await createIntent(stack, { payerId: payer.userId, provider: "mpesa", lifetimeSeconds: 5 });
		const done = await complete(stack, "mpesa", intent.providerReference!, { outcome: "timeout" });
		expect(done.callbacks).to.deep.equal([]);
		await waitForStatus(intent.id, ["expired"], 40_000);
		expect(await outboxEvents("payments.intent.expired", "intentId", intent.id)).to.equal(1);
		expect(await collectionEntries(intent.id)).to.equal(0);
	});

	it("money that arrives after the intent expired is booked to the payer's wallet and flagged", async () => {
		const intent = await createIntent(stack, { payerId: payer.userId, provider: "mpesa", amount: 70_000, lifetimeSeconds: 5 });
		await complete(stack, "mpesa", intent.providerReference!, { outcome: "timeout" });
		await waitForStatus(intent.id, ["expired"], 40_000);
		const before = await balance(`user:${payer.userId}:wallet`, "KES");
		await complete(stack, "mpesa", intent.providerReference!, { outcome: "success" });
		await waitFor(async () => (await intentRow(intent.id)).flag === "late_success", "the late payment to be booked", 20_000, 100);
		expect((await intentRow(intent.id)).status).to.equal("expired");
		expect((await balance(`user:${payer.userId}:wallet`, "KES")) - before).to.equal(70_000);
		expect(await balance(`escrow:order:${intent.purpose.id}`, "KES")).to.equal(0);
		expect(await outboxEvents("payments.intent.succeeded", "intentId", intent.id)).to.equal(0);
	});

	it("a callback that beats the synchronous reply waits for it, then books once", async () => {
		const intent = await createIntent(stack, { payerId: payer.userId, provider: "mpesa" });
		// As if the STK Push answer had not been recorded yet when the callback came in.
		await coreQuery("UPDATE payments.payment_intents SET provider_reference = NULL WHERE id = $1", [intent.id]);
		await complete(stack, "mpesa", intent.providerReference!, { outcome: "success" });
		await waitFor(async () => (await coreQuery("SELECT 1 FROM payments.provider_events WHERE ref_id = $1 AND attempts > 0", [intent.id])).length > 0, "the callback to be tried", 10_000, 50);
		expect((await intentRow(intent.id)).status).to.equal("processing");
		await coreQuery("UPDATE payments.payment_intents SET provider_reference = $2 WHERE id = $1", [intent.id, intent.providerReference]);
		await waitForStatus(intent.id, ["succeeded"]);
		expect(await collectionEntries(intent.id)).to.equal(1);
	});

	it("a contradicting callback after success changes nothing (states never move backwards)", async () => {
		const intent = await createIntent(stack, { payerId: payer.userId, provider: "mpesa" });
		await complete(stack, "mpesa", intent.providerReference!, { outcome: "success" });
		await waitForStatus(intent.id, ["succeeded"]);
		const { callbackUrl } = await simShow(stack, "mpesa", intent.providerReference!);
		const late = { Body: { stkCallback: { MerchantRequestID: "1", CheckoutRequestID: intent.providerReference, ResultCode: 1032, ResultDesc: "Request cancelled by user" } } };
		const res = await http(stack.apiUrl, new URL(callbackUrl).pathname + new URL(callbackUrl).search, { method: "POST", body: late });
		expect(res.status).to.equal(200);
		await new Promise(r => setTimeout(r, 1000));
		expect((await intentRow(intent.id)).status).to.equal("succeeded");
		expect(await outboxEvents("payments.intent.failed", "intentId", intent.id)).to.equal(0);
		expect(await balance(`escrow:order:${intent.purpose.id}`, "KES")).to.equal(150_000);
	});

	it("a duplicate callback is stored once and books once", async () => {
		const intent = await createIntent(stack, { payerId: payer.userId, provider: "mpesa" });
		await complete(stack, "mpesa", intent.providerReference!, { outcome: "success", repeat: 2 });
		await complete(stack, "mpesa", intent.providerReference!, { outcome: "success" });
		await waitForStatus(intent.id, ["succeeded"]);
		expect(await collectionEntries(intent.id)).to.equal(1);
		expect(await outboxEvents("payments.intent.succeeded", "intentId", intent.id)).to.equal(1);
	});

	it("100 identical callbacks in parallel make one ledger entry and one succeeded event", async () => {
		const intent = await createIntent(stack, { payerId: payer.userId, provider: "mpesa", amount: 100_000 });
		const done = await complete(stack, "mpesa", intent.providerReference!, { outcome: "success", repeat: 100 });
		expect(done.callbacks).to.have.length(100);
		expect(done.callbacks.every(s => s === 200)).to.equal(true);
		await waitForStatus(intent.id, ["succeeded"]);
		await new Promise(r => setTimeout(r, 500));
		expect(await collectionEntries(intent.id)).to.equal(1);
		expect(await outboxEvents("payments.intent.succeeded", "intentId", intent.id)).to.equal(1);
		expect(await processedEvents(intent.id)).to.equal(1);
		expect(await balance(`escrow:order:${intent.purpose.id}`, "KES")).to.equal(100_000);
	});

	it("refuses forged callbacks and never credits an unconfirmed one", async () => {
		const intent = await createIntent(stack, { payerId: payer.userId, provider: "mpesa" });
		const { callbackUrl } = await simShow(stack, "mpesa", intent.providerReference!);
		const url = new URL(callbackUrl);
		const forged = {
			Body: {
				stkCallback: {
					MerchantRequestID: "1-2-3",
					CheckoutRequestID: intent.providerReference,
					ResultCode: 0,
					ResultDesc: "The service request is processed successfully.",
					CallbackMetadata: { Item: [{ Name: "Amount", Value: 1500 }, { Name: "MpesaReceiptNumber", Value: "ABCDEFGHIJ" }] }
				}
			}
		};
		const path = "/api/v1/payments/callbacks/mpesa";
		expect((await http(stack.apiUrl, `${path}?ref=${intent.id}&token=not-the-token-at-all-xx`, { method: "POST", body: forged })).status).to.equal(403);
		expect((await http(stack.apiUrl, `${path}?ref=${intent.id}`, { method: "POST", body: forged })).status).to.equal(403);
		expect((await http(stack.apiUrl, path, { method: "POST", body: forged })).status).to.equal(403);
		expect((await http(stack.apiUrl, `${path.replace("mpesa", "paypal")}?ref=${intent.id}`, { method: "POST", body: forged })).status).to.equal(404);
		// The right token, but the customer has not paid: STK Query says "being processed", so nothing is booked.
		const hint = await http(stack.apiUrl, `${path}${url.search}`, { method: "POST", body: forged });
		expect(hint.status).to.equal(200);
		expect(hint.json).to.deep.equal({ ResultCode: 0, ResultDesc: "Accepted" });
		await new Promise(r => setTimeout(r, 2500));
		expect((await intentRow(intent.id)).status).to.equal("processing");
		expect(await collectionEntries(intent.id)).to.equal(0);
	});

	it("a payment of the wrong amount goes to suspense, flagged and not credited", async () => {
		const intent = await createIntent(stack, { payerId: payer.userId, provider: "mpesa", amount: 150_000 });
		const before = await balance("suspense", "KES");
		await complete(stack, "mpesa", intent.providerReference!, { outcome: "success", amount: 1499 });
		const row = await waitForStatus(intent.id, ["failed"]);
		expect(row).to.include({ failure_code: "AMOUNT_MISMATCH", flag: "suspense" });
		expect(Number(row.received_amount)).to.equal(149_900);
		expect(await balance(`escrow:order:${intent.purpose.id}`, "KES")).to.equal(0);
		expect((await balance("suspense", "KES")) - before).to.equal(149_900);
	});

	describe("payments.createIntent", () => {
		it("returns the same intent for the same idempotency key, and refuses the key for another payment", async () => {
			const key = `order-${newId()}`;
			const purposeId = newId();
			const phone = "+254712000001";
			const [a, b] = await Promise.all([
				createIntent(stack, { payerId: payer.userId, provider: "mpesa", key, purposeId, phone }),
				createIntent(stack, { payerId: payer.userId, provider: "mpesa", key, purposeId, phone })
			]);
			expect(a.id).to.equal(b.id);
			const err = await createIntent(stack, { payerId: payer.userId, provider: "mpesa", key, purposeId, phone, amount: 999_900 }).catch(e => e);
			expect(err).to.include({ code: 409, type: "IDEMPOTENCY_KEY_REUSED" });
		});

		it("refuses a second payment for a purpose while one is open", async () => {
			const purposeId = newId();
			await createIntent(stack, { payerId: payer.userId, provider: "mpesa", purposeId });
			const err = await createIntent(stack, { payerId: payer.userId, provider: "mpesa", purposeId }).catch(e => e);
			expect(err).to.include({ code: 409, type: "PAYMENT_IN_PROGRESS" });
		});

		it("validates: bad params (the gateway's 400) and wrong currency, fractional units or a foreign phone (422)", async () => {
			const base = { payerId: payer.userId, amount: 100_000, currency: "KES", purpose: { type: "order", id: newId() }, method: { provider: "mpesa", phone: "+254712345678" }, idempotencyKey: newId() };
			const call = (p: Record<string, unknown>) => stack.broker.call("payments.createIntent", p).catch(e => e);
			// Internal calls get moleculer's ValidationError (the gateway answers it as 400 VALIDATION_ERROR).
			expect(await call({ ...base, amount: -5 })).to.include({ name: "ValidationError" });
			expect(await call({ ...base, purpose: { type: "gift", id: newId() } })).to.include({ name: "ValidationError" });
			expect(await call({ ...base, method: { methodId: "nope" } })).to.include({ name: "ValidationError" });
			expect(await call({ ...base, currency: "TZS" })).to.include({ code: 422, type: "CURRENCY_NOT_SUPPORTED" });
			expect(await call({ ...base, amount: 100_050 })).to.include({ code: 422, type: "AMOUNT_NOT_WHOLE_UNITS" });
			expect(await call({ ...base, method: { provider: "mpesa", phone: "+255712345678" } })).to.include({ code: 422, type: "PHONE_NOT_SUPPORTED" });
		});
	});
});
