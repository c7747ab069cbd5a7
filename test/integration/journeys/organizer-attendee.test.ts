/**
 * Journey (issue 13): an organizer and an attendee, through the public REST
 * API with the Selcom simulator.
 *
 * The organizer publishes an event with posting on; a follower finds the post
 * in the home feed, books two paid tickets with Selcom from it, receives two
 * signed tickets (each verifiable offline with the published key), is checked
 * in once (the second scan of the same ticket is refused), and rates the event
 * once it has ended. After the event completes (and the payout window, 0 in
 * tests, passes) the organizer's wallet holds the sale minus commission.
 */
import crypto from "node:crypto";
import { expect } from "chai";
import { splitCommission } from "../../../services/payments/rules/money";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { answerPrompt, api, hasNotifications, idempotencyKey, mobile, must, until, type Json } from "./support";

const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();

/** What any scanner app does offline: check the JWS signature with the event's published RSA key. */
function verifiesOffline(code: string, keys: Array<{ kid: string; publicKeyPem: string }>): boolean {
	const [header, payload, signature] = code.split(".");
	const { kid, alg } = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
	const key = keys.find(k => k.kid === kid);
	if (alg !== "RS256" || !key) return false;
	return crypto.verify("RSA-SHA256", Buffer.from(`${header}.${payload}`), key.publicKeyPem, Buffer.from(signature, "base64url"));
}

describe("journey: an organizer sells tickets to a follower through a post, paid with Selcom", function () {
	this.timeout(180_000);
	let stack: Stack;
	let organizer: TestUser;
	let attendee: TestUser;
	let event: Json;
	let ticketType: Json;
	let tickets: Json[];

	before(async () => {
		stack = await getStack();
		[organizer, attendee] = await Promise.all([createUser(stack, { displayName: "Tamasha Events" }), createUser(stack, { displayName: "Zawadi" })]);
		await must(api(stack, attendee, "POST", `/users/${organizer.userId}/follow`), 200);
	});

	it("the organizer publishes an event with posting on; the follower sees it with its card", async () => {
		event = await must(
			api(stack, organizer, "POST", "/events", {
				title: `Sauti za Pwani ${Date.now()}`,
				description: "Taarab night by the ocean",
				category: "music",
				startsAt: inSeconds(15),
				endsAt: inSeconds(17),
				timezone: "Africa/Dar_es_Salaam",
				venue: { name: "Coco Beach", address: "Toure Drive", city: "Dar es Salaam", region: "Dar es Salaam", country: "TZ", lat: -6.7524, lng: 39.2821 }
			}),
			201
		);
		ticketType = await must(api(stack, organizer, "POST", `/events/${event.id}/ticket-types`, { name: "Regular", price: 1_500_000, currency: "TZS", capacity: 100, perOrderLimit: 4 }), 201);
		await must(api(stack, organizer, "POST", `/events/${event.id}/publish`, { postToFeed: true }), 200);
		const feed = await until(stack, attendee, "/social/feed", f => f.items.some((p: Json) => p.embed?.id === event.id), "the event's post in the follower's feed");
		const post = feed.items.find((p: Json) => p.embed?.id === event.id);
		expect(post.embed.type).to.equal("event");
		expect(post.embed.card).to.include({ title: event.title, ticketsLeft: 100 });
	});

	it("the follower books two paid tickets with Selcom and receives two signed tickets", async () => {
		const booked = await must(
			api(stack, attendee, "POST", `/events/${event.id}/bookings`, { items: [{ ticketTypeId: ticketType.id, quantity: 2 }], payment: { provider: "selcom", phone: mobile("TZ") } }, idempotencyKey()),
			201
		);
		expect(booked.booking.status).to.equal("pending_payment");
		await answerPrompt(stack, attendee, booked.payment.intentId, "success");
		await until(stack, attendee, `/events/bookings/${booked.booking.id}`, b => b.status === "confirmed", "the booking to be confirmed");
		const mine = await until(stack, attendee, "/events/tickets", t => t.items.filter((x: Json) => x.eventId === event.id).length === 2, "two tickets");
		tickets = await Promise.all(mine.items.filter((x: Json) => x.eventId === event.id).map((t: Json) => must(api(stack, attendee, "GET", `/events/tickets/${t.id}`), 200)));
		const { keys } = await must(api(stack, null, "GET", `/events/${event.id}/keys`), 200);
		for (const t of tickets) {
			expect(t.status).to.equal("valid");
			expect(t.qr).to.be.a("string");
			expect(verifiesOffline(t.code, keys), "the code verifies with the published key").to.equal(true);
		}
		await hasNotifications(stack, attendee, ["payment.succeeded", "ticket.booking_confirmed"]);
	});

	it("is checked in once: the second scan of the same ticket is refused", async () => {
		const { token } = await must(api(stack, organizer, "POST", `/events/${event.id}/scanners`, { name: "Gate A" }), 201);
		const scan = () => api(stack, null, "POST", `/events/${event.id}/check-ins`, { code: tickets[0].code, nonce: crypto.randomUUID() }, { authorization: `Bearer ${token}` });
		expect((await must(scan(), 200)).result).to.equal("ok");
		expect((await must(scan(), 200)).result).to.equal("already_checked_in");
	});

	it("rates the event after it ends; the organizer is paid once it completes", async () => {
		await until(stack, null, `/events/${event.id}`, e => e.status === "completed", "the event to complete", 90_000);
		await must(api(stack, attendee, "POST", `/events/${event.id}/ratings`, { rating: 5, text: "Usiku mzuri sana" }), 201);
		const rating = await must(api(stack, null, "GET", `/events/organizers/${organizer.userId}/rating`), 200);
		expect(rating).to.deep.include({ count: 1 });
		const { net } = splitCommission(2 * 1_500_000, 500);
		const wallet = await until(stack, organizer, "/payments/wallet?currency=TZS", w => w.available > 0, "the organizer's wallet to be credited", 60_000);
		expect(wallet.available).to.equal(net);
	});
});
