/**
 * One-time codes (auth.otp.requested): by SMS or email at once, with the code,
 * exactly once per event, never stored in clear.
 */
import { expect } from "chai";
import { uniqueEmail, uniquePhone } from "../../support/users";
import { getStack, type Stack } from "../../support/stack";
import { sleep, waitFor } from "../../support/wait";
import { arrived, closeNotifDb, deliveriesOf, mailTo, notifQuery, otp, publish, smsTo, notificationsReady, until } from "./support";

describe("notifications: one-time codes", function () {
	this.timeout(60_000);
	let stack: Stack;

	before(async () => {
		stack = await getStack();
		await notificationsReady(stack);
	});
	after(closeNotifDb);

	it("texts a code to a phone through the SMS provider", async () => {
		const phone = uniquePhone();
		const e = await publish(stack, "auth.otp.requested", otp({ channel: "sms", destination: phone }));
		const [sms] = await arrived(() => smsTo(stack, phone), "the SMS");
		expect(sms.to).to.equal(phone);
		expect(sms.provider).to.equal("africastalking");
		expect(sms.text).to.equal(`Nexgate: your verification code is ${e.data.code}. It expires in 10 minutes. Do not share it with anyone.`);
	});

	it("emails a code to a mailbox, as text and HTML", async () => {
		const email = uniqueEmail();
		const e = await publish(stack, "auth.otp.requested", otp({ channel: "email", destination: email, purpose: "reset" }));
		const [mail] = await arrived(() => mailTo(stack, email), "the email");
		expect(mail.to).to.deep.equal([email]);
		expect(mail.subject).to.equal("Reset your Nexgate password");
		expect(mail.text).to.contain(e.data.code);
		expect(mail.html).to.contain(e.data.code).and.match(/^<!doctype html>/);
	});

	it("sends the code in the language of the request", async () => {
		const phone = uniquePhone();
		const e = await publish(stack, "auth.otp.requested", otp({ channel: "sms", destination: phone, purpose: "login", language: "sw" }));
		const [sms] = await arrived(() => smsTo(stack, phone), "the SMS");
		expect(sms.text).to.equal(`Nexgate: nambari yako ya kuingia ni ${e.data.code}. Itaisha baada ya dakika 10. Usimpe mtu yeyote.`);
	});

	it("sends one SMS when the same event is delivered twice", async () => {
		const phone = uniquePhone();
		const e = await publish(stack, "auth.otp.requested", otp({ channel: "sms", destination: phone }));
		await publish(stack, "auth.otp.requested", e.data, e);
		await publish(stack, "auth.otp.requested", e.data, e);
		await waitFor(async () => (await smsTo(stack, phone)).length > 0, "the SMS");
		await waitFor(async () => (await notifQuery("SELECT 1 FROM notifications.processed_events WHERE event_id = $1", [e.id])).length === 1, "the event recorded");
		await sleep(1500);
		expect(await smsTo(stack, phone)).to.have.length(1);
		expect(await deliveriesOf(e.id)).to.have.length(1);
	});

	it("never keeps the code in clear: the stored copy is masked and the sealed one erased once sent", async () => {
		const phone = uniquePhone();
		const e = await publish(stack, "auth.otp.requested", otp({ channel: "sms", destination: phone }));
		await waitFor(async () => (await deliveriesOf(e.id))[0]?.status === "sent", "the delivery to be sent");
		const [row] = await deliveriesOf(e.id);
		expect(JSON.stringify(row)).to.not.contain(e.data.code);
		expect(row.content.text).to.contain("••••••");
		expect(row.sealed).to.equal(null);
	});

	it("records a code for a destination that is not a phone number as failed, without sending", async () => {
		const e = await publish(stack, "auth.otp.requested", otp({ channel: "sms", destination: "0712345678" }));
		const [row] = await arrived(() => deliveriesOf(e.id), "the delivery record");
		expect(row.status).to.equal("failed");
		expect(row.last_error).to.equal("invalid destination");
		expect(await smsTo(stack, "0712345678")).to.have.length(0);
	});

	it("gives up on a code that expired before it could be sent", async () => {
		const phone = uniquePhone();
		const e = await publish(stack, "auth.otp.requested", otp({ channel: "sms", destination: phone, expiresAt: new Date(Date.now() - 1000).toISOString() }));
		await waitFor(async () => (await deliveriesOf(e.id))[0]?.status === "failed", "the delivery to fail");
		expect((await deliveriesOf(e.id))[0].last_error).to.match(/expired/);
		expect(await smsTo(stack, phone)).to.have.length(0);
	});

	it("stops texting a number after its hourly SMS limit: a code over it fails instead of arriving late", async () => {
		const phone = uniquePhone();
		const events: Array<{ id: string }> = [];
		for (let i = 0; i < 11; i++) events.push(await publish(stack, "auth.otp.requested", otp({ channel: "sms", destination: phone })));
		await arrived(() => smsTo(stack, phone), "ten SMS", 10, 30_000);
		const rows = await until(async () => {
			const all = (await Promise.all(events.map(e => deliveriesOf(e.id)))).flat();
			return all.every(r => r.status !== "queued") && all;
		}, "every delivery settled");
		expect(rows.filter(r => r.status === "sent")).to.have.length(10);
		expect(rows.filter(r => r.status === "failed").map(r => r.last_error)).to.deep.equal(["per-destination SMS limit reached"]);
		await sleep(500);
		expect(await smsTo(stack, phone)).to.have.length(10);
	});
});
