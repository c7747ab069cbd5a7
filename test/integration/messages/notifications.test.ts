/**
 * Offline notifications: who gets one is decided in the send's transaction
 * (the outbox row of messages.message.sent names the recipients), and
 * notifications turns it into an in-app notification and a push in the
 * recipient's language, without the message text.
 */
import { expect } from "chai";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { waitFor } from "../../support/wait";
import { openSocket, wsUrl } from "../api/ws-client";
import { http } from "../api/http";
import { arrived, closeNotifDb, deviceToken, inAppOf, notificationsReady, pushTo, recipientKnown } from "../notifications/support";
import { call, conversationOf, createProfiles, messagesReady, send, usersCall } from "./support";

/** The recipients the send of this message chose (null: no event, nobody to notify). */
async function recipientsOf(messageId: string): Promise<string[] | null> {
	const rows = await coreQuery<{ ids: string[] }>(
		"SELECT envelope->'data'->'recipientIds' AS ids FROM messages.outbox WHERE type = 'messages.message.sent' AND envelope->'data'->>'messageId' = $1",
		[messageId]
	);
	expect(rows.length).to.be.at.most(1);
	return rows[0]?.ids ?? null;
}

describe("messages: offline notifications", function () {
	this.timeout(120_000);
	let stack: Stack;
	let asha: TestUser;
	let juma: TestUser;

	before(async () => {
		stack = await getStack();
		await Promise.all([messagesReady(stack), notificationsReady(stack)]);
		[asha, juma] = await createProfiles(stack, 2, { language: "sw" });
		await usersCall(stack, "/me", asha, { method: "PATCH", body: { displayName: "Asha Jumbe" } });
		await Promise.all([recipientKnown(asha.userId), recipientKnown(juma.userId)]);
	});
	after(closeNotifDb);

	it("an offline member gets one notification per unread streak, in-app and push, without the text", async () => {
		const token = deviceToken();
		expect((await http(stack.apiUrl, "/api/v1/notifications/devices", { method: "POST", token: juma.accessToken, body: { token, platform: "android" } })).status).to.equal(201);
		// The profile change reaches users' cache first: the notification names her as she is now.
		await waitFor(async () => (await usersCall(stack, `/${asha.userId}`, juma)).json.displayName === "Asha Jumbe", "the new display name");
		const pair = await conversationOf(stack, asha, [juma.userId]);
		const first = (await send(stack, asha, pair, { text: "Siri yangu" })).json;
		const second = (await send(stack, asha, pair, { text: "Bado siri" })).json;
		expect(await recipientsOf(first.id)).to.deep.equal([juma.userId]);
		// Still unread: the second message is part of the same streak.
		expect(await recipientsOf(second.id)).to.equal(null);

		const [notice] = await arrived(async () => (await inAppOf(stack, juma.accessToken)).filter(n => n.type === "message.new"), "the in-app notification");
		expect(notice).to.include({ title: "Ujumbe mpya", body: "Asha Jumbe amekutumia ujumbe" });
		expect(notice.data).to.include({ conversationId: pair, messageId: first.id, seq: "1", senderId: asha.userId });
		const [pushed] = await arrived(() => pushTo(stack, token), "the push");
		expect(pushed.notification).to.deep.equal({ title: "Ujumbe mpya", body: "Asha Jumbe amekutumia ujumbe" });
		expect(JSON.stringify(pushed)).to.not.include("siri");

		// Read: the next message starts a new streak.
		await call(stack, `/conversations/${pair}/read`, juma, { method: "POST", body: { seq: second.seq } });
		const third = (await send(stack, asha, pair, { text: "Tena" })).json;
		expect(await recipientsOf(third.id)).to.deep.equal([juma.userId]);
		await arrived(() => pushTo(stack, token), "the second push", 2);
	});

	it("nobody is notified who is the sender, muted the conversation, or has a socket open", async () => {
		const [p, q, r, s] = await createProfiles(stack, 4);
		const group = await conversationOf(stack, p, [q.userId, r.userId, s.userId], "Kikundi");
		await call(stack, `/conversations/${group}`, r, { method: "PATCH", body: { muted: true } });
		const socket = await openSocket(wsUrl(stack.apiUrl, `/ws?token=${s.accessToken}`));
		try {
			const m = (await send(stack, p, group, { text: "hi all" })).json;
			expect(await recipientsOf(m.id)).to.deep.equal([q.userId]);
			await socket.next("message.new", 10_000);
		} finally {
			socket.close();
		}
		// Offline again (after reading): notified again.
		await socket.closed;
		await call(stack, `/conversations/${group}/read`, s, { method: "POST", body: { seq: 1 } });
		await call(stack, `/conversations/${group}/read`, q, { method: "POST", body: { seq: 1 } });
		await waitFor(async () => ((await stack.broker.call("api.online", { userIds: [s.userId] })) as { userIds: string[] }).userIds.length === 0, "the socket gone", 5000);
		const n = (await send(stack, p, group, { text: "again" })).json;
		expect((await recipientsOf(n.id))?.sort()).to.deep.equal([q.userId, s.userId].sort());
		const [notice] = await arrived(async () => (await inAppOf(stack, q.accessToken)).filter(x => x.type === "message.new"), "q's notification");
		expect(notice.title).to.equal("Kikundi");
		const [row] = await coreQuery<{ n: number }>("SELECT count(*)::int AS n FROM messages.outbox WHERE envelope->'data'->'recipientIds' ? $1", [r.userId]);
		expect(row.n).to.equal(0);
	});
});
