/**
 * The clock moves events (published → happening → completed) through the
 * worker; once completed and the payout window passed (0 in tests), each paid
 * booking's escrow is released to the organizer; no-shows appear in stats.
 */
import { expect } from "chai";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { waitFor } from "../../support/wait";
import { addType, book, call, completePayment, createEvent, publish, tzPhone, waitForBooking, type Json } from "./events-support";

describe("events: lifecycle and payout", function () {
	this.timeout(120_000);
	let stack: Stack;
	let organizer: TestUser;
	let buyer: TestUser;

	before(async () => {
		stack = await getStack();
		[organizer, buyer] = await Promise.all([createUser(stack), createUser(stack)]);
	});

	const statusOf = async (id: string) => (await call(stack, `/${id}`, null)).json.status as string;

	it("a published event becomes happening at its start and completed at its end; the organizer is paid after the window", async () => {
		const startsAt = new Date(Date.now() + 6_000);
		const event = await createEvent(stack, organizer, { title: "Short showcase", startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 6_000).toISOString() });
		const type = await addType(stack, organizer, event.id, { name: "Entry", price: 3_000_00, capacity: 10 });
		await publish(stack, organizer, event.id);
		const r = await book(stack, buyer, event.id, { items: [{ ticketTypeId: type.id, quantity: 2 }], payment: { provider: "selcom", phone: tzPhone() } });
		expect(r.status, JSON.stringify(r.json)).to.equal(201);
		await completePayment(stack, "selcom", r.json.payment.providerReference, "success");
		const booking = await waitForBooking(stack, buyer, r.json.booking.id, ["confirmed"]);
		expect(await statusOf(event.id)).to.be.oneOf(["published", "happening"]);
		await waitFor(async () => (await statusOf(event.id)) === "happening" || (await statusOf(event.id)) === "completed", "the event to start", 20_000, 200);
		await waitFor(async () => (await statusOf(event.id)) === "completed", "the event to complete", 20_000, 200);
		// Editing and new ticket types stop once the event is history; cancelling too.
		expect((await call(stack, `/${event.id}`, organizer, { method: "PATCH", body: { title: "Too late" } })).status).to.equal(409);
		expect((await call(stack, `/${event.id}/cancel`, organizer, { method: "POST" })).status).to.equal(409);
		const escrow = await waitFor(
			async () => {
				const e: Json = await stack.broker.call("payments.getEscrow", { purpose: { type: "booking", id: booking.id } });
				return e.status === "released" ? e : null;
			},
			"the booking's escrow to be released to the organizer",
			20_000,
			200
		);
		expect(escrow.payeeId).to.equal(organizer.userId);
		const [row] = await coreQuery<{ payout_done_at: Date | null; completed_at: Date | null }>("SELECT payout_done_at, completed_at FROM events.events WHERE id = $1", [event.id]);
		expect(row.completed_at).to.not.equal(null);
		await waitFor(async () => (await coreQuery<{ payout_done_at: Date | null }>("SELECT payout_done_at FROM events.events WHERE id = $1", [event.id]))[0].payout_done_at !== null, "payout marked done");
		const stats = await call(stack, `/${event.id}/stats`, organizer);
		expect(stats.json).to.include({ status: "completed", noShows: 2 });
	});

	it("a draft is never moved by the clock", async () => {
		const startsAt = new Date(Date.now() + 1_500);
		const draft = await createEvent(stack, organizer, { title: "Forgotten draft", startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 1_500).toISOString() });
		await new Promise(r => setTimeout(r, 4_000));
		expect((await call(stack, `/${draft.id}`, organizer)).json.status).to.equal("draft");
		const late = await call(stack, `/${draft.id}/publish`, organizer, { method: "POST", body: {} });
		expect(late.status).to.be.oneOf([400, 422]);
	});
});
