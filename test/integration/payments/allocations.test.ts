/**
 * One payment for several escrows: a checkout across two shops is one prompt
 * on the buyer's phone, and each order's escrow holds its own share for its
 * own seller.
 */
import crypto from "node:crypto";
import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { balance, collectionEntries, complete, phoneFor, waitForStatus } from "./support";

describe("payments: one intent split across escrows (allocations)", function () {
	this.timeout(60_000);
	let stack: Stack;
	let buyer: TestUser;
	let sellerA: TestUser;
	let sellerB: TestUser;

	before(async () => {
		stack = await getStack();
		[buyer, sellerA, sellerB] = await Promise.all([createUser(stack), createUser(stack), createUser(stack)]);
	});

	const split = (a: string, b: string) => ({
		payerId: buyer.userId,
		amount: 500_000,
		currency: "KES",
		purpose: { type: "order", id: a },
		allocations: [
			{ purpose: { type: "order", id: a }, payeeId: sellerA.userId, amount: 350_000 },
			{ purpose: { type: "order", id: b }, payeeId: sellerB.userId, amount: 150_000 }
		],
		method: { provider: "mpesa", phone: phoneFor("mpesa") },
		idempotencyKey: crypto.randomUUID()
	});

	it("fills each order's escrow with its share, for its seller, in one balanced entry", async () => {
		const [a, b] = [newId(), newId()];
		const intent = await stack.broker.call<{ id: string; providerReference: string; payeeId: string | null; allocations: unknown[] }, object>("payments.createIntent", split(a, b));
		expect(intent.payeeId).to.equal(null);
		expect(intent.allocations).to.have.length(2);
		await complete(stack, "mpesa", intent.providerReference, { outcome: "success" });
		await waitForStatus(intent.id, ["succeeded"]);
		expect(await balance(`escrow:order:${a}`, "KES")).to.equal(350_000);
		expect(await balance(`escrow:order:${b}`, "KES")).to.equal(150_000);
		expect(await collectionEntries(intent.id)).to.equal(1);
		const escrowB = await stack.broker.call<{ payeeId: string; collected: number }, object>("payments.getEscrow", { purpose: { type: "order", id: b } });
		expect(escrowB).to.include({ payeeId: sellerB.userId, collected: 150_000 });
		const [event] = await coreQuery<{ payload: { data: { allocations: { amount: number; credited: string }[] } } }>(
			"SELECT envelope AS payload FROM payments.outbox WHERE type = 'payments.intent.succeeded' AND envelope->'data'->>'intentId' = $1",
			[intent.id]
		);
		expect(event.payload.data.allocations.map(x => [x.amount, x.credited])).to.deep.equal([
			[350_000, "escrow"],
			[150_000, "escrow"]
		]);
		// Releasing one order pays its seller only.
		await stack.broker.call("payments.releaseEscrow", { purpose: { type: "order", id: b } });
		expect(await balance(`escrow:order:${a}`, "KES")).to.equal(350_000);
		expect(await balance(`user:${sellerB.userId}:wallet`, "KES")).to.be.greaterThan(0);
		expect(await balance(`user:${sellerA.userId}:wallet`, "KES")).to.equal(0);
	});

	it("refuses a second payment for any purpose the first one covers, and splits that do not add up", async () => {
		const [a, b] = [newId(), newId()];
		await stack.broker.call("payments.createIntent", split(a, b));
		const again = { ...split(b, newId()), amount: 150_000, allocations: undefined, purpose: { type: "order", id: b } };
		const busy = await stack.broker.call("payments.createIntent", again).catch((e: { type: string }) => e);
		expect((busy as { type: string }).type).to.equal("PAYMENT_IN_PROGRESS");
		const wrongSum = { ...split(newId(), newId()), amount: 400_000 };
		wrongSum.purpose = wrongSum.allocations[0].purpose;
		const bad = await stack.broker.call("payments.createIntent", wrongSum).catch((e: { type: string }) => e);
		expect((bad as { type: string }).type).to.equal("ALLOCATIONS_SUM_MISMATCH");
		const notFirst = split(newId(), newId());
		notFirst.purpose = { type: "order", id: newId() };
		const mismatch = await stack.broker.call("payments.createIntent", notFirst).catch((e: { type: string }) => e);
		expect((mismatch as { type: string }).type).to.equal("ALLOCATIONS_PURPOSE_MISMATCH");
	});
});
