/**
 * Refunds to the phone by M-Pesa Transaction Reversal: a full refund of an
 * M-Pesa order gives the collection back by its receipt (through the
 * simulator's reversal API and its asynchronous result), a failed reversal
 * falls back to a B2C payout and never loses money, results are booked once
 * and only with the reversal's token; partial refunds, split collections and
 * the other providers keep going by payout.
 */
import crypto from "node:crypto";
import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { coreQuery } from "../../support/db";
import { runReplCommand } from "../../support/repl";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { waitFor } from "../../support/wait";
import { http } from "../api/http";
import { complete, createIntent, outboxEvents, paidOrder, payoutRows, phoneFor, simReversals, waitForStatus, type Provider } from "./support";

type Escrow = { id: string; status: string; refunded: number; remaining: number };

describe("payments: refunds by M-Pesa reversal", function () {
	this.timeout(90_000);
	let stack: Stack;
	let seller: TestUser;

	before(async () => {
		stack = await getStack();
		seller = await createUser(stack);
	});

	const receiptOf = async (intentId: string) => (await coreQuery<{ receipt: string }>("SELECT receipt FROM payments.payment_intents WHERE id = $1", [intentId]))[0].receipt;
	const refund = (purpose: { type: string; id: string }, body: Record<string, unknown> = {}) => stack.broker.call<Escrow, object>("payments.refund", { purpose, to: "provider", ...body });
	const walletOf = async (userId: string, currency = "KES") => Number((await coreQuery<{ balance: string }>("SELECT balance FROM payments.accounts WHERE code = $1 AND currency = $2", [`user:${userId}:wallet`, currency]))[0]?.balance ?? 0);
	const ledgerOk = async () => (JSON.parse(await runReplCommand(stack, "ledger-check")) as { ok: boolean }).ok;
	const finished = (userId: string, count: number) =>
		waitFor(
			async () => {
				const rows = await payoutRows(userId);
				return rows.length >= count && rows.every(r => r.status === "paid" || r.status === "failed") ? rows : null;
			},
			`${count} payout rows of ${userId} to finish`,
			20_000,
			100
		);

	it("a full refund of an M-Pesa order reverses its receipt: escrow refunded, money out once, ledger balanced", async () => {
		const buyer = await createUser(stack);
		const intent = await paidOrder(stack, buyer.userId, seller.userId, 120_000);
		const receipt = await receiptOf(intent.id);
		expect(receipt).to.match(/^[A-Z0-9]{10}$/);

		const escrow = await refund(intent.purpose);
		expect(escrow).to.include({ status: "refunded", refunded: 120_000, remaining: 0 });
		const [row] = await finished(buyer.userId, 1);
		expect(row).to.include({ status: "paid", rail: "reversal", reason: "refund", original_receipt: receipt, amount: "120000" });

		const seen = await simReversals(stack, receipt);
		expect(seen.map(r => [r.amount, r.state])).to.deep.equal([[1200, "reversed"]]);
		expect(await payoutRows(buyer.userId)).to.have.length(1);
		expect(await outboxEvents("payments.escrow.refunded", "escrowId", escrow.id)).to.equal(1);
		expect(await outboxEvents("payments.payout.paid", "payoutId", row.id)).to.equal(1);
		expect(await walletOf(buyer.userId)).to.equal(0);
		expect(await ledgerOk()).to.equal(true);
		// The payer sees it like any payout of theirs; nobody else does.
		const view = await http(stack.apiUrl, `/api/v1/payments/payouts/${row.id}`, { token: buyer.accessToken });
		expect(view.json).to.include({ status: "paid", rail: "reversal", reason: "refund" });
		expect((await http(stack.apiUrl, `/api/v1/payments/payouts/${row.id}`, { token: seller.accessToken })).status).to.equal(404);
	});

	it("a failed reversal (R000002) returns the money and refunds by B2C instead; nothing is lost", async () => {
		const buyer = await createUser(stack);
		const intent = await paidOrder(stack, buyer.userId, seller.userId, 80_000);
		const receipt = await receiptOf(intent.id);
		expect((await http(stack.apiUrl, "/sim/mpesa/reversals/outcomes", { method: "POST", body: { receipt, outcome: "failed", count: 1 } })).status).to.equal(200);

		await refund(intent.purpose);
		const rows = await finished(buyer.userId, 2);
		expect(rows.map(r => [r.rail, r.status])).to.deep.equal([
			["reversal", "failed"],
			["payout", "paid"]
		]);
		expect(rows[0].failure_code).to.equal("MPESA_R000002");
		expect(rows[1].idempotency_key).to.equal(`reversal-fallback:${rows[0].id}`);
		expect((await simReversals(stack, receipt)).map(r => r.state)).to.deep.equal(["failed"]);
		// The payer was told once, about the money that reached them; the reversal's failure is internal.
		expect(await outboxEvents("payments.payout.failed", "userId", buyer.userId)).to.equal(0);
		expect(await outboxEvents("payments.payout.paid", "userId", buyer.userId)).to.equal(1);
		expect(await walletOf(buyer.userId)).to.equal(0);
		expect(await ledgerOk()).to.equal(true);
	});

	it("when the fallback payout fails too, the money stays in the payer's wallet", async () => {
		const buyer = await createUser(stack);
		const phone = phoneFor("mpesa");
		const intent = await paidOrder(stack, buyer.userId, seller.userId, 50_000, phone);
		const receipt = await receiptOf(intent.id);
		await http(stack.apiUrl, "/sim/mpesa/reversals/outcomes", { method: "POST", body: { receipt, outcome: "failed", count: 1 } });
		await http(stack.apiUrl, "/sim/mpesa/payouts/outcomes", { method: "POST", body: { phone, outcome: "failed", count: 1 } });

		await refund(intent.purpose);
		const rows = await finished(buyer.userId, 2);
		expect(rows.map(r => [r.rail, r.status])).to.deep.equal([
			["reversal", "failed"],
			["payout", "failed"]
		]);
		await waitFor(async () => (await walletOf(buyer.userId)) === 50_000, "the refund to be back in the wallet", 10_000, 100);
		expect(await outboxEvents("payments.payout.failed", "userId", buyer.userId)).to.equal(1);
		expect(await ledgerOk()).to.equal(true);
	});

	it("books a reversal result once however often it arrives, and refuses it without the reversal's token", async () => {
		const buyer = await createUser(stack);
		const intent = await paidOrder(stack, buyer.userId, seller.userId, 30_000);
		const receipt = await receiptOf(intent.id);
		// The simulator accepts the reversal but sends no result: this test delivers it.
		await http(stack.apiUrl, "/sim/mpesa/reversals/outcomes", { method: "POST", body: { receipt, outcome: "timeout", count: 1 } });
		await refund(intent.purpose);
		const sent = await waitFor(async () => (await simReversals(stack, receipt))[0] ?? null, "the reversal request", 10_000, 100);
		const [row] = await payoutRows(buyer.userId);
		expect(row).to.include({ rail: "reversal", status: "processing" });

		const result = {
			Result: {
				ResultType: 0,
				ResultCode: 0,
				ResultDesc: "The service request is processed successfully.",
				OriginatorConversationID: sent.originatorConversationId,
				ConversationID: sent.conversationId,
				TransactionID: "SLK1234567",
				ResultParameters: {
					ResultParameter: [
						{ Key: "Amount", Value: 300 },
						{ Key: "OriginalTransactionID", Value: receipt },
						{ Key: "TransCompletedTime", Value: 20261204120000 }
					]
				}
			}
		};
		const url = new URL(sent.resultUrl);
		const path = "/api/v1/payments/callbacks/mpesa";
		// Forged: a wrong token, no token, another transaction's reference with this token.
		expect((await http(stack.apiUrl, `${path}?ref=${row.id}&token=not-the-token-at-all-xx`, { method: "POST", body: result })).status).to.equal(403);
		expect((await http(stack.apiUrl, `${path}?ref=${row.id}`, { method: "POST", body: result })).status).to.equal(403);
		expect((await http(stack.apiUrl, `${path}?ref=${newId()}&token=${url.searchParams.get("token")}`, { method: "POST", body: result })).status).to.equal(403);
		await new Promise(r => setTimeout(r, 1500));
		expect((await payoutRows(buyer.userId))[0].status).to.equal("processing");

		// The real result, twenty times at once (Daraja retries): one inbox row, one posting, one event.
		const answers = await Promise.all(Array.from({ length: 20 }, () => http(stack.apiUrl, `${path}${url.search}`, { method: "POST", body: result })));
		expect(answers.map(a => a.status)).to.deep.equal(Array(20).fill(200));
		expect(answers[0].json).to.deep.equal({ ResultCode: 0, ResultDesc: "Accepted" });
		await finished(buyer.userId, 1);
		expect((await payoutRows(buyer.userId)).map(r => [r.rail, r.status])).to.deep.equal([["reversal", "paid"]]);
		const [stored] = await coreQuery<{ n: string }>("SELECT count(*) AS n FROM payments.provider_events WHERE ref_id = $1", [row.id]);
		expect(Number(stored.n)).to.equal(1);
		const [posted] = await coreQuery<{ n: string }>("SELECT count(*) AS n FROM payments.ledger_transactions WHERE external_id = $1", [`payout:${row.id}:post`]);
		expect(Number(posted.n)).to.equal(1);
		expect(await outboxEvents("payments.payout.paid", "payoutId", row.id)).to.equal(1);
		// A late failure for the same reversal changes nothing (it is final).
		const late = { Result: { ...result.Result, ResultCode: "R000002", ResultDesc: "The OriginalTransactionID is invalid.", ResultParameters: undefined } };
		expect((await http(stack.apiUrl, `${path}${url.search}`, { method: "POST", body: late })).status).to.equal(200);
		await waitFor(async () => Number((await coreQuery<{ n: string }>("SELECT count(*) AS n FROM payments.provider_events WHERE ref_id = $1 AND processed_at IS NOT NULL", [row.id]))[0].n) === 2, "the late result to be processed", 10_000, 100);
		expect((await payoutRows(buyer.userId)).map(r => r.status)).to.deep.equal(["paid"]);
		expect(await walletOf(buyer.userId)).to.equal(0);
		expect(await ledgerOk()).to.equal(true);
	});

	it("partial refunds and one order's share of a split collection go by B2C (partial reversal is off by default)", async () => {
		const buyer = await createUser(stack);
		const intent = await paidOrder(stack, buyer.userId, seller.userId, 100_000);
		await refund(intent.purpose, { amount: 40_000 });
		const [first] = await finished(buyer.userId, 1);
		expect(first).to.include({ rail: "payout", status: "paid", amount: "40000" });
		// The rest is also partial for the receipt (part of it is already back).
		await refund(intent.purpose);
		const rows = await finished(buyer.userId, 2);
		expect(rows.map(r => r.rail)).to.deep.equal(["payout", "payout"]);
		expect(await simReversals(stack, await receiptOf(intent.id))).to.deep.equal([]);

		const other = await createUser(stack);
		const [a, b] = [newId(), newId()];
		const split = await stack.broker.call<{ id: string; providerReference: string }, object>("payments.createIntent", {
			payerId: other.userId,
			amount: 90_000,
			currency: "KES",
			purpose: { type: "order", id: a },
			allocations: [
				{ purpose: { type: "order", id: a }, payeeId: seller.userId, amount: 60_000 },
				{ purpose: { type: "order", id: b }, payeeId: seller.userId, amount: 30_000 }
			],
			method: { provider: "mpesa", phone: phoneFor("mpesa") },
			idempotencyKey: crypto.randomUUID()
		});
		await complete(stack, "mpesa", split.providerReference, { outcome: "success" });
		await waitForStatus(split.id, ["succeeded"]);
		await refund({ type: "order", id: b });
		const [share] = await finished(other.userId, 1);
		expect(share).to.include({ rail: "payout", status: "paid", amount: "30000" });
		expect(await simReversals(stack, await receiptOf(split.id))).to.deep.equal([]);
		expect(await ledgerOk()).to.equal(true);
	});

	it("an M-Pesa escrow whose collection has no receipt refunds by B2C", async () => {
		const buyer = await createUser(stack);
		const intent = await paidOrder(stack, buyer.userId, seller.userId, 20_000);
		// As when the STK callback was lost and the intent was settled by the status query, which carries no receipt.
		await coreQuery("UPDATE payments.payment_intents SET receipt = NULL WHERE id = $1", [intent.id]);
		await refund(intent.purpose);
		const [row] = await finished(buyer.userId, 1);
		expect(row).to.include({ rail: "payout", status: "paid" });
	});

	for (const provider of ["selcom", "tembo"] as Provider[])
		it(`a full ${provider} refund still goes by payout`, async () => {
			const buyer = await createUser(stack);
			const intent = await createIntent(stack, { payerId: buyer.userId, payeeId: seller.userId, provider, amount: 70_000 });
			await complete(stack, provider, intent.providerReference!, { outcome: "success" });
			await waitForStatus(intent.id, ["succeeded"]);
			const escrow = await refund(intent.purpose);
			expect(escrow).to.include({ status: "refunded", remaining: 0 });
			const [row] = await finished(buyer.userId, 1);
			expect(row).to.include({ rail: "payout", status: "paid", reason: "refund", original_receipt: null });
			expect(await outboxEvents("payments.escrow.refunded", "escrowId", escrow.id)).to.equal(1);
			expect(await walletOf(buyer.userId, "TZS")).to.equal(0);
		});
});
