/**
 * Sales in batches (docs/events.md "Sales in batches"): parallel bookings of
 * one event share transactions; in one batch some requests fit and some do
 * not, bad requests and an Idempotency-Key's twin get their own answers, and
 * the seats, bookings, tickets and outbox events agree exactly.
 */
import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { book, publishedEvent, typeCounters, tzPhone, type Json } from "./events-support";

describe("events: sales in batches", function () {
	this.timeout(180_000);
	let stack: Stack;
	let organizer: TestUser;
	const buyers: TestUser[] = [];

	before(async () => {
		stack = await getStack();
		organizer = await createUser(stack);
		// Registration hashes passwords: one at a time keeps it within the gateway's timeout on a busy machine.
		for (let i = 0; i < 8; i++) buyers.push(await createUser(stack));
	});

	const statusCount = (results: Array<{ status: number }>) => {
		const byStatus: Record<number, number> = {};
		for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
		return byStatus;
	};

	it("15 seats, 32 parallel requests for 2 among bad ones: exactly 7 bookings, the rest SOLD_OUT with 1 left, each bad request its own 4xx", async () => {
		const { event, type } = await publishedEvent(stack, organizer, { name: "Batch", price: 0, capacity: 15, perOrderLimit: 2 });
		const two = { items: [{ ticketTypeId: type.id, quantity: 2 }] };
		const key = newId();
		const [fair, twins, tooMany, own, unknown] = await Promise.all([
			Promise.all(Array.from({ length: 30 }, (_, i) => book(stack, buyers[i % 8], event.id, two))),
			Promise.all([book(stack, buyers[0], event.id, two, key), book(stack, buyers[0], event.id, two, key)]),
			Promise.all(Array.from({ length: 4 }, (_, i) => book(stack, buyers[i], event.id, { items: [{ ticketTypeId: type.id, quantity: 3 }] }))),
			Promise.all(Array.from({ length: 2 }, () => book(stack, organizer, event.id, two))),
			Promise.all(Array.from({ length: 2 }, (_, i) => book(stack, buyers[i], event.id, { items: [{ ticketTypeId: newId(), quantity: 1 }] })))
		]);

		expect(tooMany.map(r => [r.status, r.json.type])).to.deep.equal(Array(4).fill([422, "PER_ORDER_LIMIT"]));
		expect(own.map(r => [r.status, r.json.type])).to.deep.equal(Array(2).fill([422, "OWN_EVENT"]));
		expect(unknown.map(r => [r.status, r.json.type])).to.deep.equal(Array(2).fill([404, "TICKET_TYPE_NOT_FOUND"]));
		// The twins answer alike: one booking for the key, or both refused.
		expect(twins[0].status, JSON.stringify(twins.map(r => r.json))).to.equal(twins[1].status);
		if (twins[0].status === 201) expect(twins[0].json.booking.id).to.equal(twins[1].json.booking.id);

		const sales = [...fair, twins[0]];
		const seen = JSON.stringify(statusCount(sales));
		expect(statusCount(sales), seen).to.deep.equal({ 201: 7, 409: 24 });
		for (const r of sales.filter(x => x.status === 409)) expect(r.json, seen).to.deep.include({ type: "SOLD_OUT", data: { ticketTypeId: type.id, left: 1 } });

		const booked = sales.filter(r => r.status === 201).map(r => r.json.booking.id as string);
		const rows = await coreQuery<{ id: string; quantity: number; created_at: Date }>("SELECT id, quantity, created_at FROM events.bookings WHERE event_id = $1", [event.id]);
		expect(rows.map(r => r.id).sort()).to.deep.equal([...booked].sort());
		expect(await typeCounters(type.id)).to.deep.equal({ sold: 14, held: 0, capacity: 15 });
		const [{ n }] = await coreQuery<{ n: string }>("SELECT count(*) AS n FROM events.tickets WHERE event_id = $1 AND status = 'valid'", [event.id]);
		expect(Number(n)).to.equal(14);
		const told = await coreQuery<{ id: string }>("SELECT envelope->'data'->>'bookingId' AS id FROM events.outbox WHERE type = 'events.booking.confirmed' AND envelope->'data'->>'eventId' = $1", [event.id]);
		expect(told.map(r => r.id).sort()).to.deep.equal([...booked].sort());
		// now() is the transaction's start: bookings made in one batch share it.
		const perTransaction = new Map<number, number>();
		for (const r of rows) perTransaction.set(r.created_at.getTime(), (perTransaction.get(r.created_at.getTime()) ?? 0) + 1);
		expect(Math.max(...perTransaction.values()), "some bookings shared a transaction").to.be.greaterThan(1);
	});

	it("paid bookings batch too: 12 parallel requests for 5 seats hold exactly 5, each with its own payment intent", async () => {
		const { event, type } = await publishedEvent(stack, organizer, { name: "Paid batch", price: 5_000_00, capacity: 5, perOrderLimit: 1 });
		const results = await Promise.all(
			Array.from({ length: 12 }, (_, i) => book(stack, buyers[i % 8], event.id, { items: [{ ticketTypeId: type.id, quantity: 1 }], payment: { provider: "selcom", phone: tzPhone() } }))
		);
		const seen = JSON.stringify(statusCount(results));
		expect(statusCount(results), seen).to.deep.equal({ 201: 5, 409: 7 });
		const held = results.filter(r => r.status === 201).map(r => r.json as Json);
		expect(held.every(r => r.booking.status === "pending_payment" && r.payment.status === "processing")).to.equal(true);
		expect(new Set(held.map(r => r.payment.intentId)).size).to.equal(5);
		expect(await typeCounters(type.id)).to.deep.equal({ sold: 0, held: 5, capacity: 5 });
	});
});
