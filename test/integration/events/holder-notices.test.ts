/**
 * What ticket holders are told besides their own bookings: a ticket someone
 * gave them, and a new time or place for an event they hold tickets for (one
 * notification each, however many tickets; nothing for a cosmetic edit or for
 * an edit of a draft).
 */
import { expect } from "chai";
import { getStack, type Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { sleep, waitFor } from "../../support/wait";
import { http } from "../api/http";
import { api, book, createProfiles, ok, publishedEvent } from "./tickets-helpers";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function notices(stack: Stack, user: TestUser, type: string): Promise<Json[]> {
	const res = await http(stack.apiUrl, "/api/v1/notifications?limit=50", { token: user.accessToken });
	expect(res.status).to.equal(200);
	return res.json.items.filter((n: Json) => n.type === type);
}

function noticesArrive(stack: Stack, user: TestUser, type: string, count: number): Promise<Json[]> {
	return waitFor(async () => {
		const got = await notices(stack, user, type);
		return got.length >= count ? got : null;
	}, `${count} ${type} notification(s)`, 30_000, 200);
}

describe("events: notices to ticket holders", function () {
	this.timeout(120_000);
	let stack: Stack;
	let organizer: TestUser;
	let holder: TestUser;
	let friend: TestUser;
	let bystander: TestUser;

	before(async () => {
		stack = await getStack();
		[organizer, holder, friend, bystander] = await createProfiles(stack, 4);
	});

	it("the recipient of a transferred ticket is told, with the new ticket's id; the giver is not", async () => {
		const event = await publishedEvent(stack, organizer);
		const { tickets } = await book(stack, holder, event.id, event.single);
		const moved = ok(await api(stack, `/tickets/${tickets[0].id}/transfer`, holder, { method: "POST", body: { toUserId: friend.userId } }), 201).json;
		const [notice] = await noticesArrive(stack, friend, "ticket.received", 1);
		expect(notice.data).to.include({ ticketId: moved.id, eventId: event.id, fromUserId: holder.userId });
		expect(await notices(stack, holder, "ticket.received")).to.deep.equal([]);
	});

	it("a new time or place reaches each holder once (two tickets, one notice); a new title or a draft's edit reaches nobody", async () => {
		const event = await publishedEvent(stack, organizer);
		await book(stack, holder, event.id, event.single, 2);
		await book(stack, friend, event.id, event.reentry);
		const before = (await notices(stack, holder, "ticket.event_changed")).length;

		ok(await api(stack, `/${event.id}`, organizer, { method: "PATCH", body: { title: "Tamasha la Pwani" } }));
		const later = new Date(Date.now() + 2 * 3_600_000);
		ok(
			await api(stack, `/${event.id}`, organizer, {
				method: "PATCH",
				body: { startsAt: later.toISOString(), endsAt: new Date(later.getTime() + 4 * 3_600_000).toISOString() }
			})
		);
		const got = await noticesArrive(stack, holder, "ticket.event_changed", before + 1);
		expect(got[0].data).to.include({ eventId: event.id, changes: "time" });
		const friends = await noticesArrive(stack, friend, "ticket.event_changed", 1);
		expect(friends.filter((n: Json) => n.data.eventId === event.id)).to.have.length(1);

		const draft = await publishedEvent(stack, organizer, { publish: false });
		ok(await api(stack, `/${draft.id}`, organizer, { method: "PATCH", body: { venue: { name: "Mlimani City", address: "Sam Nujoma Rd", city: "Dar es Salaam", lat: -6.77, lng: 39.22 } } }));
		await sleep(1500);
		expect(await notices(stack, holder, "ticket.event_changed")).to.have.length(before + 1);
		expect(await notices(stack, bystander, "ticket.event_changed")).to.deep.equal([]);
	});
});
