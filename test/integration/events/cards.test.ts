/**
 * events.eventCards, the action social (services/social/peers.ts) calls for
 * embeds: a record by id with title, cover, start, place, lowest price,
 * tickets left, organizer and status; drafts have none. A social post
 * embedding a published event shows the live card.
 */
import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { http } from "../api/http";
import { png, upload } from "../files/support";
import { addType, book, createEvent, publish, type Json } from "./events-support";

describe("events: event cards", function () {
	this.timeout(60_000);
	let stack: Stack;
	let organizer: TestUser;
	let buyer: TestUser;

	before(async () => {
		stack = await getStack();
		[organizer, buyer] = await Promise.all([createUser(stack), createUser(stack)]);
	});

	it("returns live cards by id; drafts and unknown ids are absent", async () => {
		const cover = await upload(stack, organizer, await png(), { purpose: "event", filename: "c.png", type: "image/png" });
		const event = await createEvent(stack, organizer, { title: "Card night", coverFileId: cover.json.id });
		await addType(stack, organizer, event.id, { name: "Early", price: 8_000_00, capacity: 5 });
		const free = await addType(stack, organizer, event.id, { name: "Standing", price: 0, capacity: 20 });
		await addType(stack, organizer, event.id, { name: "Crew", price: 0, capacity: 100, hidden: true, unlockCode: "CREW99" });
		const draft = await createEvent(stack, organizer, { title: "Card draft" });
		await publish(stack, organizer, event.id);
		await book(stack, buyer, event.id, { items: [{ ticketTypeId: free.id, quantity: 3 }] });
		const cards: Record<string, Json> = await stack.broker.call("events.eventCards", { ids: [event.id, draft.id, newId()] });
		expect(Object.keys(cards)).to.deep.equal([event.id]);
		const card = cards[event.id];
		expect(card).to.include({ id: event.id, title: "Card night", startsAt: event.startsAt, place: "Mwalimu Nyerere Hall, Dar es Salaam", lowestPrice: 0, price: 0, currency: "TZS", ticketsLeft: 22, organizerId: organizer.userId, status: "published" });
		expect(card.imageUrl).to.be.a("string");
		expect(card).to.have.property("blurhash");
	});

	it("a social post embedding the event carries its card", async () => {
		const event = await createEvent(stack, organizer, { title: "Embedded gig" });
		await addType(stack, organizer, event.id, { name: "Entry", price: 5_000_00, capacity: 40 });
		const draftEmbed = await http(stack.apiUrl, "/api/v1/social/posts", { method: "POST", token: organizer.accessToken, body: { text: "Soon", visibility: "public", embed: { type: "event", id: event.id } } });
		expect(draftEmbed.status).to.equal(422);
		await publish(stack, organizer, event.id);
		const post = await http(stack.apiUrl, "/api/v1/social/posts", { method: "POST", token: organizer.accessToken, body: { text: "Come!", visibility: "public", embed: { type: "event", id: event.id } } });
		expect(post.status, JSON.stringify(post.json)).to.equal(201);
		const read = await http(stack.apiUrl, `/api/v1/social/posts/${post.json.id}`, { token: buyer.accessToken });
		expect(read.json.embed.card).to.include({ title: "Embedded gig", price: 5_000_00, currency: "TZS", ticketsLeft: 40, startsAt: event.startsAt, organizerId: organizer.userId, status: "published" });
	});
});
