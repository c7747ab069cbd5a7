/** Ticket transfer through REST: the old code is revoked, the recipient holds a new ticket with a new code. */
import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { getStack, type Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { api, book, createProfiles, ok, publishedEvent, registerScanner, revocations, scan, type TestEvent } from "./tickets-helpers";

describe("events: ticket transfer", function () {
	this.timeout(120_000);
	let stack: Stack;
	let organizer: TestUser;
	let giver: TestUser;
	let friend: TestUser;
	let event: TestEvent;
	let gate: { token: string };

	before(async () => {
		stack = await getStack();
		[organizer, giver, friend] = await createProfiles(stack, 3);
		event = await publishedEvent(stack, organizer);
		gate = await registerScanner(stack, organizer, event.id);
	});

	it("re-issues the code to the recipient and revokes the old one (refused at the gate, on the revocation list)", async () => {
		const { tickets } = await book(stack, giver, event.id, event.single);
		const old = tickets[0];
		const res = ok(await api(stack, `/tickets/${old.id}/transfer`, giver, { method: "POST", body: { toUserId: friend.userId } }), 201).json;
		expect(res).to.include({ status: "valid", holderId: friend.userId, transferredFrom: old.id, eventId: event.id, ticketTypeId: event.single });
		expect(res.id).to.not.equal(old.id);
		expect(res.code).to.not.equal(old.code);
		expect(res.qr).to.match(/^data:image\/png;base64,/);

		const mineNow = ok(await api(stack, `/tickets/${old.id}`, giver)).json;
		expect(mineNow).to.include({ status: "revoked", revokeReason: "transferred", replacedBy: res.id });
		expect(ok(await api(stack, `/tickets/${res.id}`, friend)).json.status).to.equal("valid");
		expect((await api(stack, `/tickets/${res.id}`, giver)).status).to.equal(404);

		expect(ok(await scan(stack, event.id, gate.token, old.code)).json.result).to.equal("revoked");
		const list = ok(await revocations(stack, event.id, gate.token)).json;
		expect(list.items.map((i: { ticketId: string }) => i.ticketId)).to.include(old.id);
		expect(ok(await scan(stack, event.id, gate.token, res.code)).json.result).to.equal("ok");
	});

	it("two transfers of one ticket at once: one wins, the other finds it revoked", async () => {
		const { tickets } = await book(stack, giver, event.id, event.single);
		const [a, b] = await Promise.all([
			api(stack, `/tickets/${tickets[0].id}/transfer`, giver, { method: "POST", body: { toUserId: friend.userId } }),
			api(stack, `/tickets/${tickets[0].id}/transfer`, giver, { method: "POST", body: { toUserId: organizer.userId } })
		]);
		expect([a.status, b.status].sort()).to.deep.equal([201, 409]);
		expect((a.status === 409 ? a : b).json.type).to.equal("TICKET_NOT_TRANSFERABLE");
	});

	it("a used ticket cannot move; nor can a ticket to its own holder or to nobody", async () => {
		const { tickets } = await book(stack, giver, event.id, event.single);
		const self = await api(stack, `/tickets/${tickets[0].id}/transfer`, giver, { method: "POST", body: { toUserId: giver.userId } });
		expect(self.status).to.equal(422);
		expect(self.json.type).to.equal("TRANSFER_TO_SELF");
		const nobody = await api(stack, `/tickets/${tickets[0].id}/transfer`, giver, { method: "POST", body: { toUserId: newId() } });
		expect(nobody.status).to.equal(422);
		expect(nobody.json.type).to.equal("RECIPIENT_NOT_FOUND");
		ok(await scan(stack, event.id, gate.token, tickets[0].code));
		const used = await api(stack, `/tickets/${tickets[0].id}/transfer`, giver, { method: "POST", body: { toUserId: friend.userId } });
		expect(used.status).to.equal(409);
		expect(used.json.type).to.equal("TICKET_NOT_TRANSFERABLE");
	});

	it("400 for invalid input, 401 without a token, 404 for someone else's ticket", async () => {
		const { tickets } = await book(stack, giver, event.id, event.single);
		expect((await api(stack, `/tickets/${tickets[0].id}/transfer`, giver, { method: "POST", body: {} })).status).to.equal(400);
		expect((await api(stack, `/tickets/${tickets[0].id}/transfer`, giver, { method: "POST", body: { toUserId: "bob" } })).status).to.equal(400);
		expect((await api(stack, "/tickets/bad/transfer", giver, { method: "POST", body: { toUserId: friend.userId } })).status).to.equal(400);
		expect((await api(stack, `/tickets/${tickets[0].id}/transfer`, null, { method: "POST", body: { toUserId: friend.userId } })).status).to.equal(401);
		const theirs = await api(stack, `/tickets/${tickets[0].id}/transfer`, friend, { method: "POST", body: { toUserId: friend.userId } });
		expect(theirs.status).to.equal(404);
		expect(ok(await api(stack, `/tickets/${tickets[0].id}`, giver)).json.status).to.equal("valid");
	});
});
