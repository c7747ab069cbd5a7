/** Push through FCM HTTP v1 (the simulator), and what a dead token does. */
import { expect } from "chai";
import { createUser, type TestUser } from "../../support/users";
import { getStack, type Stack } from "../../support/stack";
import { waitFor } from "../../support/wait";
import { http } from "../api/http";
import { arrived, closeNotifDb, deliveriesOf, deviceToken, publish, pushTo, recipientKnown, notificationsReady } from "./support";

describe("notifications: push", function () {
	this.timeout(60_000);
	let stack: Stack;

	before(async () => {
		stack = await getStack();
		await notificationsReady(stack);
	});
	after(closeNotifDb);

	async function withDevice(): Promise<{ user: TestUser; token: string; deviceId: string }> {
		const user = await createUser(stack);
		await recipientKnown(user.userId);
		const token = deviceToken();
		const r = await http(stack.apiUrl, "/api/v1/notifications/devices", { method: "POST", token: user.accessToken, body: { token, platform: "android" } });
		expect(r.status).to.equal(201);
		return { user, token, deviceId: r.json.id };
	}

	it("pushes to every registered device, with the notification's id in the data", async () => {
		const { user, token } = await withDevice();
		await publish(stack, "auth.password.changed", { userId: user.userId, via: "change" });
		const [push] = await arrived(() => pushTo(stack, token), "the push");
		expect(push.notification).to.deep.equal({ title: "Password changed", body: "Your password was changed. If this wasn't you, reset it now and contact support." });
		expect(push.data.type).to.equal("security.password_changed");
		const list = (await http(stack.apiUrl, "/api/v1/notifications", { token: user.accessToken })).json.items;
		expect(push.data.notificationId).to.equal(list[0].id);
	});

	it("forgets a token FCM reports UNREGISTERED", async () => {
		const { user, token, deviceId } = await withDevice();
		await stack.broker.call("simulators.fcmUnregister", { token });
		const e = await publish(stack, "auth.password.changed", { userId: user.userId, via: "change" });
		await waitFor(async () => (await deliveriesOf(e.id)).find(d => d.channel === "push")?.status === "failed", "the push to fail");
		const push = (await deliveriesOf(e.id)).find(d => d.channel === "push")!;
		expect(push.last_error).to.contain("UNREGISTERED");
		expect(push.attempts).to.equal(1);
		const devices = (await http(stack.apiUrl, "/api/v1/notifications/devices", { token: user.accessToken })).json.items;
		expect(devices.map((d: { id: string }) => d.id)).to.not.include(deviceId);
		expect(await pushTo(stack, token)).to.have.length(0);
	});
});
