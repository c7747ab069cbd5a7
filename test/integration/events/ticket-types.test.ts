/**
 * POST /events/:id/ticket-types through the REST API (free, paid, window,
 * limit, hidden), its refusals, and the attendee's notifications for a
 * booking's life (confirmed, cancelled with the event, refunded).
 */
import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { waitFor } from "../../support/wait";
import { http } from "../api/http";
import { addType, book, call, completePayment, createEvent, inHours, publish, tzPhone, waitForBooking, type Json } from "./events-support";

describe("events: ticket types", function () {
	this.timeout(120_000);
	let stack: Stack;
	let organizer: TestUser;
	let other: TestUser;

	before(async () => {
		stack = await getStack();
		[organizer, other] = await Promise.all([createUser(stack), createUser(stack)]);
	});

	it("adds free, paid, windowed and hidden types; the organizer sees counters, others see what is open", async () => {
		const e = await createEvent(stack, organizer);
		const free = await addType(stack, organizer, e.id, { name: "Free", price: 0, capacity: 100 });
		expect(free).to.include({ eventId: e.id, name: "Free", price: 0, free: true, capacity: 100, left: 100, perOrderLimit: 10, hidden: false, allowsReentry: false, saleState: "on_sale", sold: 0, held: 0 });
		const paid = await addType(stack, organizer, e.id, { name: "VIP", price: 50_000_00, capacity: 20, perOrderLimit: 2, allowsReentry: true, salesStart: inHours(1), salesEnd: inHours(40) });
		expect(paid).to.include({ free: false, saleState: "not_started", perOrderLimit: 2, allowsReentry: true });
		const hidden = await addType(stack, organizer, e.id, { name: "Press", price: 0, capacity: 5, hidden: true, unlockCode: "PRESS-26" });
		expect(hidden.hidden).to.equal(true);
		expect(hidden).to.not.have.property("unlockCode");
		await publish(stack, organizer, e.id);
		const mine = await call(stack, `/${e.id}`, organizer);
		expect(mine.json.ticketTypes.map((t: Json) => t.id)).to.deep.equal([free.id, paid.id, hidden.id]);
		const theirs = await call(stack, `/${e.id}`, other);
		expect(theirs.json.ticketTypes.map((t: Json) => t.id)).to.deep.equal([free.id, paid.id]);
		expect(theirs.json.ticketTypes[0]).to.not.have.property("sold");
		expect(theirs.json).to.include({ lowestPrice: 0, currency: "TZS", ticketsLeft: 120 });
	});

	it("refuses invalid input (400/422), a missing token (401), someone else's event (403/404) and a finished event (409); nothing is added", async () => {
		const e = await createEvent(stack, organizer);
		await addType(stack, organizer, e.id, { name: "Base", price: 1_000_00, capacity: 10 });
		const cases: Array<[Record<string, unknown>, number]> = [
			[{ name: "", price: 0, capacity: 1 }, 400],
			[{ name: "X", price: -5, capacity: 1 }, 400],
			[{ name: "X", price: 150, capacity: 1 }, 400],
			[{ name: "X", price: 0, capacity: 0 }, 400],
			[{ name: "X", price: 0, capacity: 1, currency: "USD" }, 400],
			[{ name: "X", price: 0, capacity: 1, currency: "KES" }, 400],
			[{ name: "X", price: 0, capacity: 1, perOrderLimit: 500 }, 400],
			[{ name: "X", price: 0, capacity: 1, salesEnd: inHours(100) }, 400],
			[{ name: "X", price: 0, capacity: 1, salesStart: "soon" }, 400],
			[{ name: "X", price: 0, capacity: 1, hidden: true }, 400],
			[{ name: "X", price: 0, capacity: 1, unlockCode: "ABCD" }, 400],
			[{ name: "X", capacity: 1 }, 400]
		];
		for (const [body, status] of cases) {
			const res = await call(stack, `/${e.id}/ticket-types`, organizer, { method: "POST", body: { currency: "TZS", ...body } });
			expect(res.status, `${JSON.stringify(body)} → ${JSON.stringify(res.json)}`).to.equal(status);
		}
		const ok = { name: "Late", price: 0, capacity: 1, currency: "TZS" };
		expect((await call(stack, `/${e.id}/ticket-types`, null, { method: "POST", body: ok })).status).to.equal(401);
		expect((await call(stack, `/${e.id}/ticket-types`, other, { method: "POST", body: ok })).status).to.equal(404);
		expect((await call(stack, `/${newId()}/ticket-types`, organizer, { method: "POST", body: ok })).status).to.equal(404);
		await publish(stack, organizer, e.id);
		expect((await call(stack, `/${e.id}/ticket-types`, other, { method: "POST", body: ok })).status).to.equal(403);
		await call(stack, `/${e.id}/cancel`, organizer, { method: "POST" });
		const finished = await call(stack, `/${e.id}/ticket-types`, organizer, { method: "POST", body: ok });
		expect(finished.status).to.equal(409);
		const rows = await coreQuery("SELECT 1 FROM events.ticket_types WHERE event_id = $1", [e.id]);
		expect(rows).to.have.length(1);
	});

	it("the attendee is notified when a booking is confirmed, cancelled with its event and refunded", async () => {
		const attendee = await createUser(stack);
		const e = await createEvent(stack, organizer, { title: "Notified concert" });
		const t = await addType(stack, organizer, e.id, { name: "Seat", price: 4_000_00, capacity: 10 });
		await publish(stack, organizer, e.id);
		const r = await book(stack, attendee, e.id, { items: [{ ticketTypeId: t.id, quantity: 1 }], payment: { provider: "selcom", phone: tzPhone() } });
		await completePayment(stack, "selcom", r.json.payment.providerReference, "success");
		await waitForBooking(stack, attendee, r.json.booking.id, ["confirmed"]);
		await call(stack, `/${e.id}/cancel`, organizer, { method: "POST" });
		await waitForBooking(stack, attendee, r.json.booking.id, ["refunded"]);
		const types = await waitFor(
			async () => {
				const res = await http(stack.apiUrl, "/api/v1/notifications?limit=50", { token: attendee.accessToken });
				const got = res.json.items.filter((n: Json) => n.data?.bookingId === r.json.booking.id).map((n: Json) => n.type);
				return ["ticket.booking_confirmed", "ticket.booking_cancelled", "ticket.booking_refunded"].every(x => got.includes(x)) ? got : null;
			},
			"the attendee's booking notifications",
			30_000,
			200
		);
		expect(types).to.include("ticket.booking_cancelled");
		const res = await http(stack.apiUrl, "/api/v1/notifications?limit=50", { token: attendee.accessToken });
		const cancelled = res.json.items.find((n: Json) => n.type === "ticket.booking_cancelled");
		expect(cancelled.data).to.deep.equal({ bookingId: r.json.booking.id, eventId: e.id, by: "organizer", refundAmount: String(4_000_00), currency: "TZS" });
		const refunded = res.json.items.find((n: Json) => n.type === "ticket.booking_refunded");
		expect(refunded.body).to.contain("TZS 4,000");
	});
});
