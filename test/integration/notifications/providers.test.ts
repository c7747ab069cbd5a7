/**
 * The provider adapters against the simulators over real HTTP: each speaks
 * its provider's wire protocol, both ways. Here with explicit base URLs, as a
 * deployment configures them (AT_API_URL, BEEM_API_URL, FCM_API_URL).
 */
import { expect } from "chai";
import jwt from "jsonwebtoken";
import crypto from "node:crypto";
import { loadNotificationsConfig, type NotificationsConfig } from "../../../services/notifications/config";
import { africasTalkingSender } from "../../../services/notifications/providers/africastalking";
import { beemSender } from "../../../services/notifications/providers/beem";
import { simulatorEndpoints } from "../../../services/notifications/providers/endpoints";
import { fcmSender } from "../../../services/notifications/providers/fcm";
import { smsSender } from "../../../services/notifications/providers/sms";
import { uniquePhone } from "../../support/users";
import { getStack, type Stack } from "../../support/stack";
import { closeNotifDb, deviceToken, notificationsReady, pushTo, smsTo } from "./support";

describe("notifications: provider adapters and simulators", function () {
	this.timeout(60_000);
	let stack: Stack;
	let cfg: NotificationsConfig;

	before(async () => {
		stack = await getStack();
		await notificationsReady(stack);
		cfg = loadNotificationsConfig(
			{
				SMS_PROVIDERS: "africastalking,beem",
				AT_API_URL: `${stack.apiUrl}/sim/africastalking`,
				AT_USERNAME: "nexgate",
				AT_API_KEY: "at-test-key",
				AT_SENDER_ID: "NEXGATE",
				BEEM_API_URL: `${stack.apiUrl}/sim/beem`,
				BEEM_API_KEY: "beem-key",
				BEEM_SECRET_KEY: "beem-secret",
				FCM_API_URL: `${stack.apiUrl}/sim/fcm`
			},
			stack.config
		);
	});
	after(closeNotifDb);

	it("Africa's Talking: form post with apiKey, E.164 with plus, 201 with a message id", async () => {
		const phone = uniquePhone();
		const out = await africasTalkingSender(cfg, simulatorEndpoints(stack.broker)).send(phone, "Habari from AT");
		expect(out).to.include({ kind: "sent", provider: "africastalking" });
		expect((out as { providerMessageId: string }).providerMessageId).to.match(/^ATXid_/);
		const [sms] = await smsTo(stack, phone);
		expect(sms).to.include({ provider: "africastalking", to: phone, text: "Habari from AT", from: "NEXGATE" });
	});

	it("Africa's Talking: refuses a request without apiKey (401) and reports invalid numbers per recipient", async () => {
		const noKey = await fetch(`${stack.apiUrl}/sim/africastalking/version1/messaging`, {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
			body: "username=sandbox&to=%2B255712345678&message=hi"
		});
		expect(noKey.status).to.equal(401);
		const out = await africasTalkingSender(cfg, simulatorEndpoints(stack.broker)).send("255712345678", "no plus");
		expect(out).to.deep.equal({ kind: "failed", provider: "africastalking", error: "africastalking: 403 InvalidPhoneNumber" });
	});

	it("Beem: JSON with Basic auth, digits without plus, code 100", async () => {
		const phone = uniquePhone();
		const out = await beemSender(cfg, simulatorEndpoints(stack.broker)).send(phone, "Habari from Beem");
		expect(out).to.include({ kind: "sent", provider: "beem" });
		const [sms] = await smsTo(stack, phone);
		expect(sms).to.include({ provider: "beem", to: phone, text: "Habari from Beem" });
		const noAuth = await fetch(`${stack.apiUrl}/sim/beem/v1/send`, { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" });
		expect(noAuth.status).to.equal(401);
	});

	it("falls back to the next SMS provider only when the first refused the message", async () => {
		const phone = uniquePhone();
		await stack.broker.call("simulators.smsFailures", { to: phone, provider: "africastalking", count: 1, mode: "http" });
		const out = await smsSender(cfg, simulatorEndpoints(stack.broker)).send(phone, "via the fallback");
		expect(out).to.include({ kind: "sent", provider: "beem" });
		const texts = await smsTo(stack, phone);
		expect(texts.map(s => s.provider)).to.deep.equal(["beem"]);
	});

	it("FCM: a service-account JWT buys an access token, and messages:send delivers", async () => {
		const token = deviceToken();
		const out = await fcmSender(cfg, simulatorEndpoints(stack.broker)).send(token, { title: "Hi", body: "There", data: { k: "v" }, urgent: true });
		expect(out).to.include({ kind: "sent", provider: "fcm" });
		expect((out as { providerMessageId: string }).providerMessageId).to.match(/^projects\/nexgate-sim\/messages\//);
		const [push] = await pushTo(stack, token);
		expect(push.notification).to.deep.equal({ title: "Hi", body: "There" });
		expect(push.data).to.deep.equal({ k: "v" });
	});

	it("FCM: refuses an assertion signed with another key, and a send without a valid access token", async () => {
		const sa = await stack.broker.call<{ clientEmail: string; tokenUri: string }>("simulators.fcmServiceAccount");
		const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
		const now = Math.floor(Date.now() / 1000);
		const forged = jwt.sign({ iss: sa.clientEmail, scope: "https://www.googleapis.com/auth/firebase.messaging", aud: sa.tokenUri, iat: now, exp: now + 3600 }, privateKey, {
			algorithm: "RS256"
		});
		const grant = await fetch(sa.tokenUri, {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion: forged }).toString()
		});
		expect(grant.status).to.equal(400);
		expect(((await grant.json()) as { error: string }).error).to.equal("invalid_grant");

		const send = await fetch(`${stack.apiUrl}/sim/fcm/v1/projects/nexgate-sim/messages:send`, {
			method: "POST",
			headers: { "Content-Type": "application/json", Authorization: "Bearer ya29.made-up" },
			body: JSON.stringify({ message: { token: deviceToken(), notification: { title: "x" } } })
		});
		expect(send.status).to.equal(401);
		expect(((await send.json()) as { error: { status: string } }).error.status).to.equal("UNAUTHENTICATED");
	});

	it("FCM: answers 404 UNREGISTERED for a token the simulator was told is dead", async () => {
		const token = deviceToken();
		await stack.broker.call("simulators.fcmUnregister", { token });
		const out = await fcmSender(cfg, simulatorEndpoints(stack.broker)).send(token, { title: "Hi", body: "There", data: {}, urgent: false });
		expect(out).to.deep.equal({ kind: "failed", provider: "fcm", error: "fcm: 404 UNREGISTERED", invalidToken: true });
	});
});
