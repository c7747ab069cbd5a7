/**
 * Durable domain events (DESIGN.md §5) through the real bus of the topology
 * under test: PostgreSQL queues in one process, RabbitMQ across nodes.
 */
import { expect } from "chai";
import { listDeadLetters, retryDeadLetters } from "../../../lib/events/dead-letters";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { sleep, waitFor } from "../../support/wait";

interface Recorded {
	id: string;
	eventId: string;
}

describe("durable events", function () {
	this.timeout(60_000);
	let stack: Stack;

	before(async () => {
		stack = await getStack();
		await stack.broker.waitForServices(["eventsource", "eventsink"], 30_000);
	});

	const received = (eventId: string) =>
		coreQuery<{ node_id: string }>("SELECT node_id FROM eventsink.received WHERE event_id = $1", [eventId]);
	const attempts = async (eventId: string) =>
		Number((await coreQuery<{ count: number }>("SELECT count FROM eventsink.attempts WHERE event_id = $1", [eventId]))[0]?.count ?? 0);

	it("delivers an event raised in a committed transaction exactly once", async () => {
		const r = await stack.broker.call<Recorded, object>("eventsource.record", { label: "first" });
		await waitFor(async () => (await received(r.eventId)).length === 1, "the event to be consumed");
		await sleep(300);
		expect(await received(r.eventId)).to.have.length(1);
		const [outbox] = await coreQuery<{ published_at: Date | null }>("SELECT published_at FROM eventsource.outbox WHERE id = $1", [r.eventId]);
		expect(outbox.published_at).to.be.an.instanceOf(Date);
	});

	it("publishes nothing when the transaction rolls back", async () => {
		const before = await coreQuery<{ n: string }>("SELECT count(*) AS n FROM eventsource.outbox");
		const r = await stack.broker.call<{ rolledBack: boolean }, object>("eventsource.record", { label: "never", rollback: true });
		expect(r.rolledBack).to.equal(true);
		const after = await coreQuery<{ n: string }>("SELECT count(*) AS n FROM eventsource.outbox");
		expect(after[0].n).to.equal(before[0].n);
		expect(await coreQuery("SELECT 1 FROM eventsource.things WHERE label = 'never'")).to.have.length(0);
	});

	it("retries a failing handler with backoff and processes the event once", async () => {
		const started = Date.now();
		const r = await stack.broker.call<Recorded, object>("eventsource.record", { label: "flaky", failTimes: 2 });
		await waitFor(async () => (await received(r.eventId)).length === 1, "the retried event", 20_000);
		expect(await attempts(r.eventId)).to.equal(3);
		// Two failures back off 200 ms then 400 ms before the third attempt.
		expect(Date.now() - started).to.be.at.least(550);
		expect(await received(r.eventId)).to.have.length(1);
	});

	it("processes a redelivered event once (consumers deduplicate on the envelope id)", async () => {
		const r = await stack.broker.call<Recorded, object>("eventsource.record", { label: "twice" });
		await waitFor(async () => (await received(r.eventId)).length === 1, "the first delivery");
		const [row] = await coreQuery<{ envelope: unknown }>("SELECT envelope FROM eventsource.outbox WHERE id = $1", [r.eventId]);
		// Publish the very same envelope again, as a relay that crashed before marking it would.
		const send = (stack.broker as unknown as { sendToChannel(n: string, p: unknown): Promise<void> }).sendToChannel;
		await Promise.all([send.call(stack.broker, "fixture.thing.happened", row.envelope), send.call(stack.broker, "fixture.thing.happened", row.envelope)]);
		await waitFor(async () => (await attempts(r.eventId)) >= 3, "the duplicate deliveries");
		await sleep(200);
		expect(await received(r.eventId)).to.have.length(1);
	});

	it("keeps an event raised while its only consumer is down and handles it once when it returns", async () => {
		await stack.takeDown("eventsink");
		const r = await stack.broker.call<Recorded, object>("eventsource.record", { label: "while-down" });
		await waitFor(
			async () => (await coreQuery<{ published_at: Date | null }>("SELECT published_at FROM eventsource.outbox WHERE id = $1", [r.eventId]))[0]?.published_at,
			"the outbox relay to publish"
		);
		await sleep(500);
		expect(await received(r.eventId)).to.have.length(0);
		await stack.bringUp("eventsink");
		await waitFor(async () => (await received(r.eventId)).length === 1, "the event after the consumer returned", 30_000);
		await sleep(500);
		expect(await received(r.eventId)).to.have.length(1);
		expect(await attempts(r.eventId)).to.equal(1);
	});

	it("dead-letters an event whose handler keeps failing, and an operator can retry it", async () => {
		const r = await stack.broker.call<Recorded, object>("eventsource.record", { label: "poison", failTimes: 4 });
		const deadLetter = await waitFor(
			async () => (await listDeadLetters(stack.config)).find(d => (d.payload as { id: string }).id === r.eventId),
			"the dead letter",
			30_000,
			200
		);
		expect(deadLetter.group).to.equal("eventsink");
		expect(deadLetter.channel).to.match(/fixture\.thing\.happened$/);
		expect(await attempts(r.eventId)).to.equal(4);
		expect(await received(r.eventId)).to.have.length(0);

		expect(await retryDeadLetters(stack.config, "fixture.thing.happened")).to.be.at.least(1);
		await waitFor(async () => (await received(r.eventId)).length === 1, "the retried dead letter", 20_000);
		expect((await listDeadLetters(stack.config)).some(d => (d.payload as { id: string }).id === r.eventId)).to.equal(false);
	});
});
