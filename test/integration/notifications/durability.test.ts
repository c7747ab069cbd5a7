/**
 * Events raised while the notifications service is down wait on their durable
 * queues; when it comes back every one is delivered, exactly once.
 */
import { expect } from "chai";
import { createUser, uniquePhone, type TestUser } from "../../support/users";
import { getStack, type Stack } from "../../support/stack";
import { sleep, waitFor } from "../../support/wait";
import { http } from "../api/http";
import { closeNotifDb, otp, publish, recipientKnown, smsTo, notificationsReady } from "./support";

describe("notifications: down and back", function () {
	this.timeout(120_000);
	let stack: Stack;

	before(async () => {
		stack = await getStack();
		await notificationsReady(stack);
	});
	after(closeNotifDb);

	it("delivers everything raised while it was down, once", async () => {
		const users: TestUser[] = await Promise.all([createUser(stack), createUser(stack), createUser(stack, { language: "sw" })]);
		await Promise.all(users.map(u => recipientKnown(u.userId)));
		const phones = [uniquePhone(), uniquePhone(), uniquePhone()];

		await stack.takeDown("notifications");
		try {
			for (const u of users) await publish(stack, "auth.password.changed", { userId: u.userId, via: "reset" });
			const codes = [];
			for (const phone of phones) codes.push(await publish(stack, "auth.otp.requested", otp({ channel: "sms", destination: phone })));
			// A relay that crashed before marking its row publishes the same envelope again.
			await publish(stack, "auth.otp.requested", codes[0].data, codes[0]);
			await sleep(1000);
			for (const phone of phones) expect(await smsTo(stack, phone)).to.have.length(0);
		} finally {
			await stack.bringUp("notifications");
		}

		// Each user's inbox since that user was ready: registration codes are not part of this test.
		const everyone: Array<[string, string | undefined]> = [...users.map(u => [u.phone!, u.readyAt] as [string, string]), ...phones.map(p => [p, undefined] as [string, undefined])];
		await waitFor(async () => (await Promise.all(everyone.map(([p, since]) => smsTo(stack, p, since)))).every(list => list.length >= 1), "every SMS", 60_000, 200);
		await sleep(2000);
		for (const [p, since] of everyone) expect(await smsTo(stack, p, since), p).to.have.length(1);
		for (const u of users) {
			const r = await http(stack.apiUrl, "/api/v1/notifications", { token: u.accessToken });
			expect(r.status, r.text).to.equal(200);
			expect(r.json.items.map((n: { type: string }) => n.type)).to.deep.equal(["security.password_changed"]);
		}
		expect((await smsTo(stack, users[2].phone!, users[2].readyAt))[0].text).to.match(/^Nexgate: Nenosiri lako limebadilishwa/);
	});
});
