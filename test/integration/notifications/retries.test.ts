/**
 * A provider that fails: retried with backoff until it works; when retries
 * run out the delivery is dead, listed and re-sent by operators (REPL).
 */
import { expect } from "chai";
import { uniquePhone } from "../../support/users";
import { runReplCommand } from "../../support/repl";
import { getStack, type Stack } from "../../support/stack";
import { arrived, closeNotifDb, deliveriesOf, otp, publish, smsTo, notificationsReady, until } from "./support";


describe("notifications: retries and dead deliveries", function () {
	this.timeout(60_000);
	let stack: Stack;

	before(async () => {
		stack = await getStack();
		await notificationsReady(stack);
	});
	after(closeNotifDb);

	it("retries a failing SMS provider with backoff and sends once it recovers", async () => {
		const phone = uniquePhone();
		await stack.broker.call("simulators.smsFailures", { to: phone, count: 2, mode: "http" });
		const e = await publish(stack, "auth.otp.requested", otp({ channel: "sms", destination: phone }));
		await arrived(() => smsTo(stack, phone), "the SMS after two failures");
		const [d] = await until(async () => {
			const rows = await deliveriesOf(e.id);
			return rows[0]?.status === "sent" && rows;
		}, "the delivery marked sent");
		expect(d.attempts).to.equal(3);
		expect(await smsTo(stack, phone)).to.have.length(1);
	});

	it("gives up after the last attempt, lists the dead delivery, and an operator's retry sends it", async () => {
		const phone = uniquePhone();
		// Test mode allows 4 attempts (NOTIFICATIONS_MAX_ATTEMPTS).
		await stack.broker.call("simulators.smsFailures", { to: phone, count: 4, mode: "status" });
		const e = await publish(stack, "auth.otp.requested", otp({ channel: "sms", destination: phone }));
		const [dead] = await until(async () => {
			const rows = await deliveriesOf(e.id);
			return rows[0]?.status === "dead" && rows;
		}, "the delivery to die", 30_000);
		expect(dead.attempts).to.equal(4);
		expect(dead.last_error).to.contain("500 InternalServerError");
		expect(await smsTo(stack, phone)).to.have.length(0);

		const listed = JSON.parse(await runReplCommand(stack, "notifications-dead", { options: { limit: 100 } })) as Array<{ id: string; channel: string }>;
		expect(listed.find(r => r.id === dead.id)).to.include({ channel: "sms" });

		expect(await runReplCommand(stack, "notifications-retry", { id: dead.id })).to.equal("Re-queued 1 delivery.");
		const [sms] = await arrived(() => smsTo(stack, phone), "the SMS after the operator's retry");
		expect(sms.text).to.contain(e.data.code);
		// The simulator holds the SMS a moment before the worker records its answer (another node in split).
		const [sent] = await until(async () => {
			const rows = await deliveriesOf(e.id);
			return rows[0]?.status === "sent" && rows;
		}, "the delivery marked sent after the retry");
		expect(sent.attempts).to.equal(1); // the operator's retry starts a fresh set of attempts
	});
});
