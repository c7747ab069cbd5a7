/**
 * Business counters on the notifications node's /metrics: what was sent, what
 * failed, by channel (lib/observability/business-metrics.ts).
 */
import { expect } from "chai";
import { uniquePhone } from "../../support/users";
import { sample, scrape as scrapeNode } from "../../support/metrics";
import { getStack, type Stack } from "../../support/stack";
import { waitFor } from "../../support/wait";
import { arrived, closeNotifDb, otp, publish, smsTo, notificationsReady } from "./support";

describe("notifications: business metrics", function () {
	this.timeout(60_000);
	let stack: Stack;

	before(async () => {
		stack = await getStack();
		await notificationsReady(stack);
	});
	after(closeNotifDb);

	const scrape = () => scrapeNode(stack, "notifications");

	it("counts sent and retried deliveries per channel", async () => {
		const before = await scrape();
		const count = (text: string, outcome: string) => sample(text, "nexgate_notifications_deliveries_total", { channel: "sms", outcome });
		const sent = count(before, "sent");
		const retried = count(before, "retry");

		const phone = uniquePhone();
		// The provider answers 500 once: one attempt to retry, then the SMS goes out.
		await stack.broker.call("simulators.smsFailures", { to: phone, count: 1, mode: "http" });
		await publish(stack, "auth.otp.requested", otp({ channel: "sms", destination: phone }));
		await arrived(() => smsTo(stack, phone), "the SMS");

		await waitFor(async () => {
			const now = await scrape();
			return count(now, "sent") >= sent + 1 && count(now, "retry") >= retried + 1;
		}, "the counters to move");
		expect(await scrape()).to.match(/^# HELP nexgate_notifications_deliveries_total /m);
	});
});
