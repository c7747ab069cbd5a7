/**
 * Organizer ratings (only attendees who checked in, once each; the
 * organizer's aggregate; events.rating.created) and organizer stats (sales by
 * type and day, revenue, check-ins over time) through the REST API.
 */
import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { addType, book, call, checkInBooking, completePayment, createEvent, inHours, publish, tzPhone, waitForBooking, type Json } from "./events-support";

describe("events: ratings and stats", function () {
	this.timeout(120_000);
	let stack: Stack;
	let organizer: TestUser;
	let attendee: TestUser;
	let absent: TestUser;
	let stranger: TestUser;
	let event: Json;
	let free: Json;
	let paid: Json;
	let attendeeBooking: Json;
	let paidBooking: Json;

	before(async () => {
		stack = await getStack();
		[organizer, attendee, absent, stranger] = await Promise.all([createUser(stack), createUser(stack), createUser(stack), createUser(stack)]);
		// Starts within the hour, so its ticket codes are valid at the door now.
		event = await createEvent(stack, organizer, { title: "Rated night", startsAt: inHours(0.5), endsAt: inHours(4) });
		free = await addType(stack, organizer, event.id, { name: "Free", price: 0, capacity: 100 });
		paid = await addType(stack, organizer, event.id, { name: "Paid", price: 2_000_00, capacity: 100 });
		await publish(stack, organizer, event.id);
		attendeeBooking = (await book(stack, attendee, event.id, { items: [{ ticketTypeId: free.id, quantity: 2 }] })).json.booking;
		await book(stack, absent, event.id, { items: [{ ticketTypeId: free.id, quantity: 1 }] });
		const r = await book(stack, absent, event.id, { items: [{ ticketTypeId: paid.id, quantity: 3 }], payment: { provider: "selcom", phone: tzPhone() } });
		await completePayment(stack, "selcom", r.json.payment.providerReference, "success");
		paidBooking = await waitForBooking(stack, absent, r.json.booking.id, ["confirmed"]);
		await checkInBooking(stack, organizer, attendee, event.id, attendeeBooking.id);
	});

	describe("POST /events/:id/ratings, GET /events/organizers/:userId/rating", () => {
		it("an attendee who checked in rates once; the organizer's aggregate counts it and users hear of it", async () => {
			const res = await call(stack, `/${event.id}/ratings`, attendee, { method: "POST", body: { rating: 4, text: "Great sound" } });
			expect(res.status, JSON.stringify(res.json)).to.equal(201);
			expect(res.json).to.include({ eventId: event.id, organizerId: organizer.userId, authorId: attendee.userId, rating: 4, text: "Great sound" });
			const again = await call(stack, `/${event.id}/ratings`, attendee, { method: "POST", body: { rating: 5 } });
			expect(again.status).to.equal(409);
			expect(again.json.type).to.equal("ALREADY_RATED");
			const agg = await call(stack, `/organizers/${organizer.userId}/rating`, null);
			expect(agg.status).to.equal(200);
			expect(agg.json).to.deep.equal({ organizerId: organizer.userId, average: 4, count: 1, distribution: [0, 0, 0, 1, 0], eventsRated: 1 });
			const [out] = await coreQuery<{ envelope: Json }>("SELECT envelope FROM events.outbox WHERE type = 'events.rating.created' AND envelope->'data'->>'eventId' = $1", [event.id]);
			expect(out.envelope.data).to.deep.equal({ ratingId: res.json.id, eventId: event.id, organizerId: organizer.userId, authorId: attendee.userId, rating: 4 });
		});

		it("a ticket holder who never came in, a stranger and the organizer are refused (403); bad input is 400; no token 401", async () => {
			for (const u of [absent, stranger, organizer]) {
				const res = await call(stack, `/${event.id}/ratings`, u, { method: "POST", body: { rating: 5 } });
				expect(res.status).to.equal(403);
				expect(res.json.type).to.equal("NOT_ATTENDEE");
			}
			for (const body of [{ rating: 0 }, { rating: 6 }, { rating: 3.5 }, {}, { rating: 3, text: "x".repeat(3000) }]) expect((await call(stack, `/${event.id}/ratings`, attendee, { method: "POST", body })).status, JSON.stringify(body)).to.equal(400);
			expect((await call(stack, `/${event.id}/ratings`, null, { method: "POST", body: { rating: 5 } })).status).to.equal(401);
			expect((await call(stack, `/${newId()}/ratings`, attendee, { method: "POST", body: { rating: 5 } })).status).to.equal(404);
			expect((await call(stack, `/organizers/${newId()}/rating`, null)).json).to.include({ count: 0, average: null });
			expect((await call(stack, `/organizers/nope/rating`, null)).status).to.equal(400);
		});
	});

	describe("GET /events/:id/stats", () => {
		it("gives the organizer sales by type and day, revenue and check-ins per hour", async () => {
			const res = await call(stack, `/${event.id}/stats`, organizer);
			expect(res.status, JSON.stringify(res.json)).to.equal(200);
			const s = res.json;
			expect(s).to.include({ eventId: event.id, status: "published", currency: "TZS", noShows: null });
			expect(s.revenue).to.deep.equal({ gross: 6_000_00, refunded: 0, net: 6_000_00 });
			const byId = Object.fromEntries(s.ticketTypes.map((t: Json) => [t.ticketTypeId, t]));
			expect(byId[free.id]).to.include({ name: "Free", sold: 3, held: 0, revenue: 0 });
			expect(byId[paid.id]).to.include({ name: "Paid", sold: 3, revenue: 6_000_00 });
			const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Africa/Dar_es_Salaam" }).format(new Date(paidBooking.confirmedAt));
			expect(byId[paid.id].byDay).to.deep.equal([{ day: today, quantity: 3, amount: 6_000_00 }]);
			expect(s.tickets).to.deep.equal({ issued: 6, checkedIn: 2 });
			expect(s.checkins.total).to.equal(2);
			expect(s.checkins.byHour.reduce((n: number, h: Json) => n + h.count, 0)).to.equal(2);
		});

		it("is the organizer's only: 403 for someone else, 401 without a token, 404 for an unknown event, 400 for a bad id", async () => {
			expect((await call(stack, `/${event.id}/stats`, stranger)).status).to.equal(403);
			expect((await call(stack, `/${event.id}/stats`, null)).status).to.equal(401);
			expect((await call(stack, `/${newId()}/stats`, organizer)).status).to.equal(404);
			expect((await call(stack, `/x/stats`, organizer)).status).to.equal(400);
		});
	});
});
