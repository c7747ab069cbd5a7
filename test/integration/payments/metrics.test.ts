/** The payments business counter on the payments node's /metrics: intents by provider and status reached. */
import { expect } from "chai";
import { sample, scrape } from "../../support/metrics";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { waitFor } from "../../support/wait";
import { complete, createIntent, waitForStatus } from "./support";

describe("payments: business metrics", function () {
	this.timeout(60_000);
	let stack: Stack;
	let payer: TestUser;

	before(async () => {
		stack = await getStack();
		payer = await createUser(stack);
	});

	it("counts intents created, prompted, succeeded and failed, per provider", async () => {
		const count = (text: string, status: string) => sample(text, "nexgate_payments_intents_total", { provider: "mpesa", status });
		const before = await scrape(stack, "payments");
		const paid = await createIntent(stack, { payerId: payer.userId, provider: "mpesa" });
		await complete(stack, "mpesa", paid.providerReference!, { outcome: "success" });
		const poor = await createIntent(stack, { payerId: payer.userId, provider: "mpesa" });
		await complete(stack, "mpesa", poor.providerReference!, { outcome: "insufficient_funds" });
		await waitForStatus(paid.id, ["succeeded"]);
		await waitForStatus(poor.id, ["failed"]);
		await waitFor(async () => {
			const now = await scrape(stack, "payments");
			return (
				count(now, "pending") >= count(before, "pending") + 2 &&
				count(now, "processing") >= count(before, "processing") + 2 &&
				count(now, "succeeded") >= count(before, "succeeded") + 1 &&
				count(now, "failed") >= count(before, "failed") + 1
			);
		}, "the intent counters to move");
		expect(await scrape(stack, "payments")).to.match(/^# HELP nexgate_payments_intents_total /m);
	});
});
