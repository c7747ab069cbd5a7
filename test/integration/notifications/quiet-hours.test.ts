/**
 * Quiet hours and grouping, shown with a test-only like event
 * (test/fixtures/notifications.ts): non-urgent push and SMS wait until the
 * quiet hours end, in-app does not, one-time codes never wait; repeated likes
 * share one notification and one waiting message.
 */
import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { localMinutes, formatClock, quietHoursEnd, DEFAULT_TIMEZONE } from "../../../services/notifications/rules/quiet-hours";
import { createUser, type TestUser } from "../../support/users";
import { getStack, type Stack } from "../../support/stack";
import { sleep } from "../../support/wait";
import { http } from "../api/http";
import { arrived, closeNotifDb, inAppOf, deliveriesOf, deviceToken, otp, publish, pushTo, recipientKnown, smsTo, notificationsReady } from "./support";

describe("notifications: quiet hours and grouping", function () {
	this.timeout(60_000);
	let stack: Stack;
	const api = (user: TestUser, path: string, opts: { method?: string; body?: unknown } = {}) =>
		http(stack.apiUrl, `/api/v1/notifications${path}`, { ...opts, token: user.accessToken });

	/** A user with a device, SMS on for social activity, and optionally quiet hours around now. */
	async function likeable(quiet: boolean) {
		const user = await createUser(stack);
		await recipientKnown(user.userId);
		const token = deviceToken();
		const created = await api(user, "/devices", { method: "POST", body: { token, platform: "android" } });
		expect(created.status, JSON.stringify(created.json)).to.equal(201);
		const now = localMinutes(new Date(), DEFAULT_TIMEZONE);
		const quietHours = { enabled: quiet, start: formatClock((now + 1440 - 60) % 1440), end: formatClock((now + 60) % 1440), timezone: DEFAULT_TIMEZONE };
		const r = await api(user, "/preferences", { method: "PATCH", body: { channels: { social: { sms: true } }, quietHours } });
		expect(r.status).to.equal(200);
		return { user, token, quietHours };
	}

	const like = (author: TestUser, postId: string, likerName: string) =>
		publish(stack, "fixture.post.liked", { postId, authorId: author.userId, likerId: newId(), likerName });

	before(async () => {
		stack = await getStack();
		await notificationsReady(stack);
	});
	after(closeNotifDb);

	it("sends a like at once, in-app, by push and by SMS, outside quiet hours", async () => {
		const { user, token } = await likeable(false);
		await like(user, newId(), "Asha");
		const [push] = await arrived(() => pushTo(stack, token), "the push");
		expect(push.notification.body).to.equal("Asha liked your post");
		const [sms] = await arrived(() => smsTo(stack, user.phone!, user.readyAt), "the SMS");
		expect(sms.text).to.equal("Nexgate: Asha liked your post");
	});

	it("holds a like's push and SMS until quiet hours end, shows it in-app now, and lets a code through", async () => {
		const { user, token, quietHours } = await likeable(true);
		const e = await like(user, newId(), "Asha");
		const [n] = await arrived(() => inAppOf(stack, user.accessToken), "the in-app notification");
		expect(n).to.include({ type: "social.post_liked", title: "Your post was liked", body: "Asha liked your post" });

		const held = await arrived(() => deliveriesOf(e.id), "the held deliveries", 2);
		expect(held.map(d => [d.channel, d.status])).to.deep.equal([
			["push", "queued"],
			["sms", "queued"]
		]);
		const end = quietHoursEnd(new Date(), { enabled: true, timezone: DEFAULT_TIMEZONE, ...parse(quietHours) })!;
		for (const d of held) expect(Math.abs(new Date(d.next_attempt_at).getTime() - end.getTime())).to.be.below(2 * 60_000);

		const code = await publish(stack, "auth.otp.requested", otp({ channel: "sms", destination: user.phone!, userId: user.userId }));
		const texts = await arrived(() => smsTo(stack, user.phone!, user.readyAt), "the code");
		expect(texts.map(s => s.text)).to.deep.equal([`Nexgate: your verification code is ${code.data.code}. It expires in 10 minutes. Do not share it with anyone.`]);
		await sleep(1000);
		expect(await pushTo(stack, token)).to.have.length(0);
		expect(await smsTo(stack, user.phone!, user.readyAt)).to.have.length(1);
	});

	it("groups likes of one post into one notification and one waiting message", async () => {
		const { user } = await likeable(true);
		const postId = newId();
		const first = await like(user, postId, "Asha");
		await arrived(() => inAppOf(stack, user.accessToken), "the first like");
		const second = await like(user, postId, "Juma");
		await arrived(async () => (await inAppOf(stack, user.accessToken)).filter(n => n.body.startsWith("Juma")), "the second like");
		const third = await like(user, postId, "Neema");
		const [n] = await arrived(async () => (await inAppOf(stack, user.accessToken)).filter(x => x.body.startsWith("Neema")), "the third like");
		expect(n.body).to.equal("Neema and 2 others liked your post");
		expect((await api(user, "")).json.items).to.have.length(1);
		expect((await api(user, "/unread-count")).json).to.deep.equal({ count: 1 });

		const waiting = await deliveriesOf(first.id);
		expect(waiting.find(d => d.channel === "sms")?.content).to.deep.equal({ text: "Nexgate: Neema and 2 others liked your post" });
		expect(await deliveriesOf(second.id)).to.have.length(0);
		expect(await deliveriesOf(third.id)).to.have.length(0);

		// Another post is another group.
		await like(user, newId(), "Baraka");
		await arrived(() => inAppOf(stack, user.accessToken), "the other post's like", 2);
	});
});

function parse(q: { start: string; end: string }) {
	const [sh, sm] = q.start.split(":").map(Number);
	const [eh, em] = q.end.split(":").map(Number);
	return { start: sh * 60 + sm, end: eh * 60 + em };
}
