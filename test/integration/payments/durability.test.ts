/**
 * The payments node is taken down after the provider's callback committed
 * the payment but before the succeeded event reached its consumer (a fixture
 * standing in for commerce, down at that moment). After both come back the
 * order is paid exactly once: one ledger entry, one handled event, even when
 * the provider repeats its callback after the restart.
 */
import { expect } from "chai";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { waitFor } from "../../support/wait";
import { collectionEntries, complete, createIntent, waitForStatus } from "./support";

describe("payments: durability across a restart", function () {
	this.timeout(180_000);
	let stack: Stack;
	let payer: TestUser;

	before(async () => {
		stack = await getStack();
		payer = await createUser(stack);
	});

	const handled = async (intentId: string) => Number((await coreQuery<{ n: string }>("SELECT count(*) AS n FROM paymentsink.received WHERE intent_id = $1", [intentId]))[0].n);

	it("pays the order exactly once when the payments node dies between the callback and the event's delivery", async () => {
		const intent = await createIntent(stack, { payerId: payer.userId, provider: "mpesa", amount: 120_000 });
		await stack.takeDown("paymentsink");
		try {
			await complete(stack, "mpesa", intent.providerReference!, { outcome: "success" });
			await waitForStatus(intent.id, ["succeeded"]);
			await stack.takeDown("payments");
			expect(await handled(intent.id)).to.equal(0);
			await stack.bringUp("payments");
			// The provider repeats its callback once the platform is back: still one payment.
			await complete(stack, "mpesa", intent.providerReference!, { outcome: "success" });
		} finally {
			await stack.bringUp("paymentsink");
		}
		await waitFor(async () => (await handled(intent.id)) > 0, "the consumer to handle the succeeded event", 60_000, 200);
		await waitFor(async () => {
			const [row] = await coreQuery<{ pending: string }>("SELECT count(*) AS pending FROM payments.outbox WHERE published_at IS NULL");
			return Number(row.pending) === 0;
		}, "the payments outbox to drain", 30_000, 200);
		await new Promise(r => setTimeout(r, 1000));
		expect(await handled(intent.id)).to.equal(1);
		expect(await collectionEntries(intent.id)).to.equal(1);
	});
});
