import { expect } from "chai";
import { isEventTypeName, makeEnvelope } from "../../../lib/events/envelope";
import { backoffDelay } from "../../../lib/events/retry-policy";
import { isUuidV7 } from "../../../lib/ids";
import "../../fixtures/events";

describe("event envelope and retry policy", () => {
	it("wraps data in the DESIGN.md §5 envelope with a UUIDv7 id", () => {
		const e = makeEnvelope("fixture.thing.happened", { thingId: "t", label: "l" }, "actor");
		expect(isUuidV7(e.id)).to.equal(true);
		expect(e.type).to.equal("fixture.thing.happened");
		expect(new Date(e.occurredAt).toISOString()).to.equal(e.occurredAt);
		expect(e.actorId).to.equal("actor");
		expect(e.data).to.deep.equal({ thingId: "t", label: "l" });
	});

	it("accepts only <domain>.<entity>.<past-tense verb> names", () => {
		expect(isEventTypeName("commerce.order.paid")).to.equal(true);
		expect(isEventTypeName("auth.session.newDevice")).to.equal(true);
		expect(isEventTypeName("commerce.order")).to.equal(false);
		expect(isEventTypeName("Commerce.order.paid")).to.equal(false);
	});

	it("backs off exponentially up to a ceiling", () => {
		expect([1, 2, 3, 4].map(a => backoffDelay(a, 200, 1000))).to.deep.equal([200, 400, 800, 1000]);
		expect(backoffDelay(0, 200, 1000)).to.equal(200);
	});
});
