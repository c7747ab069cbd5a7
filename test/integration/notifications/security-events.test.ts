/**
 * Auth's account events become notifications: in the recipient's language,
 * exactly once per event, on the channels their contact data allows; and the
 * recipient directory follows registration, verification and deletion.
 */
import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { createUser, uniqueEmail, uniquePhone } from "../../support/users";
import { getStack, type Stack } from "../../support/stack";
import { sleep, waitFor } from "../../support/wait";
import { http } from "../api/http";
import { arrived, closeNotifDb, deliveriesOf, mailTo, notifQuery, publish, recipientKnown, smsTo, notificationsReady } from "./support";

describe("notifications: security events", function () {
	this.timeout(60_000);
	let stack: Stack;
	const inApp = async (token: string) => (await http(stack.apiUrl, "/api/v1/notifications", { token })).json.items as Array<{ type: string; title: string; body: string }>;

	before(async () => {
		stack = await getStack();
		await notificationsReady(stack);
	});
	after(closeNotifDb);

	it("tells a Swahili-speaking user in Swahili, in-app and by SMS", async () => {
		const user = await createUser(stack, { language: "sw" });
		await recipientKnown(user.userId);
		await publish(stack, "auth.password.changed", { userId: user.userId, via: "change" });
		const [sms] = await arrived(() => smsTo(stack, user.phone!, user.readyAt), "the SMS");
		expect(sms.text).to.equal("Nexgate: Nenosiri lako limebadilishwa. Kama si wewe, libadilishe sasa na uwasiliane na huduma kwa wateja.");
		const [n] = await arrived(() => inApp(user.accessToken), "the in-app notification");
		expect(n).to.include({ type: "security.password_changed", title: "Nenosiri limebadilishwa" });
	});

	it("emails a user who has an email address, instead of texting", async () => {
		const email = uniqueEmail();
		const user = await createUser(stack, { email });
		await recipientKnown(user.userId);
		await publish(stack, "auth.session.created", {
			userId: user.userId,
			sessionId: newId(),
			deviceId: newId(),
			deviceName: "Tecno Spark 10",
			platform: "android",
			ip: "196.249.1.1",
			userAgent: null,
			newDevice: true
		});
		const [mail] = await arrived(() => mailTo(stack, email, user.readyAt), "the email");
		expect(mail.subject).to.equal("New sign-in to your Nexgate account");
		expect(mail.text).to.contain("signed in from Tecno Spark 10");
		expect(mail.html).to.contain("Tecno Spark 10");
		const [n] = await arrived(() => inApp(user.accessToken), "the in-app notification");
		expect(n.type).to.equal("security.new_sign_in");
	});

	it("says nothing about a sign-in on a device already known", async () => {
		const user = await createUser(stack);
		await recipientKnown(user.userId);
		const e = await publish(stack, "auth.session.created", {
			userId: user.userId,
			sessionId: newId(),
			deviceId: newId(),
			deviceName: null,
			platform: null,
			ip: null,
			userAgent: null,
			newDevice: false
		});
		await waitFor(async () => (await notifQuery("SELECT 1 FROM notifications.processed_events WHERE event_id = $1", [e.id])).length === 1, "the event consumed");
		expect(await inApp(user.accessToken)).to.have.length(0);
		expect(await deliveriesOf(e.id)).to.have.length(0);
	});

	it("makes one notification and one SMS of an event delivered twice", async () => {
		const user = await createUser(stack);
		await recipientKnown(user.userId);
		const e = await publish(stack, "auth.user.suspended", { userId: user.userId, reason: "spam", by: newId() });
		await Promise.all([publish(stack, "auth.user.suspended", e.data, e), publish(stack, "auth.user.suspended", e.data, e)]);
		await arrived(() => smsTo(stack, user.phone!, user.readyAt), "the SMS");
		await sleep(1500);
		expect(await smsTo(stack, user.phone!, user.readyAt)).to.have.length(1);
		expect(await inApp(user.accessToken)).to.have.length(1);
	});

	it("waits for a user whose registration is still on its way (events of different types are not ordered)", async () => {
		const userId = newId();
		const phone = uniquePhone();
		const e = await publish(stack, "auth.user.reinstated", { userId, by: newId() });
		await sleep(300);
		expect(await smsTo(stack, phone)).to.have.length(0);
		await publish(stack, "auth.user.registered", { userId, username: "late_user", displayName: "Late User", phone, email: null, language: "en" });
		await publish(stack, "auth.user.verified", { userId, channel: "sms" });
		const [sms] = await arrived(() => smsTo(stack, phone), "the SMS once the user is known", 1, 30_000);
		expect(sms.text).to.equal("Nexgate: Your account is active again. Welcome back!");
		expect(await deliveriesOf(e.id)).to.have.length(1);
	});

	it("forgets a deleted account's contact data and notifies it no more", async () => {
		const user = await createUser(stack);
		await recipientKnown(user.userId);
		const first = await publish(stack, "auth.password.changed", { userId: user.userId, via: "reset" });
		await arrived(() => smsTo(stack, user.phone!, user.readyAt), "the first SMS");
		await publish(stack, "auth.user.deleted", { userId: user.userId });
		await waitFor(async () => (await notifQuery("SELECT erased_at FROM notifications.recipients WHERE user_id = $1", [user.userId]))[0]?.erased_at, "the erasure");
		const [r] = await notifQuery("SELECT phone, email FROM notifications.recipients WHERE user_id = $1", [user.userId]);
		expect(r).to.deep.equal({ phone: null, email: null });
		expect((await deliveriesOf(first.id))[0].destination).to.match(/^erased:/);
		expect(await notifQuery("SELECT 1 FROM notifications.notifications WHERE user_id = $1", [user.userId])).to.have.length(0);

		const late = await publish(stack, "auth.password.changed", { userId: user.userId, via: "change" });
		await waitFor(async () => (await notifQuery("SELECT 1 FROM notifications.processed_events WHERE event_id = $1", [late.id])).length === 1, "the late event consumed");
		expect(await deliveriesOf(late.id)).to.have.length(0);
		expect(await smsTo(stack, user.phone!, user.readyAt)).to.have.length(1);
	});
});
