import { expect } from "chai";
import { mergedQuantity, paymentLifetimeSeconds, reservationExpiry, reservationPlan } from "../../../services/commerce/rules/inventory";

describe("commerce rules: inventory", () => {
	it("asks once per variant for the summed quantity, in id order (no double count, no deadlock)", () => {
		expect(
			reservationPlan([
				{ variantId: "B", quantity: 1 },
				{ variantId: "a", quantity: 2 },
				{ variantId: "b", quantity: 3 }
			])
		).to.deep.equal([
			{ variantId: "a", quantity: 2 },
			{ variantId: "b", quantity: 4 }
		]);
		expect(() => reservationPlan([{ variantId: "a", quantity: 0 }])).to.throw(RangeError);
	});

	it("holds stock for the configured time; the payment lives a margin less, at least a minute", () => {
		const now = new Date("2026-12-04T10:00:00Z");
		expect(reservationExpiry(now, 900).toISOString()).to.equal("2026-12-04T10:15:00.000Z");
		expect(paymentLifetimeSeconds(900, 60)).to.equal(840);
		expect(paymentLifetimeSeconds(90, 60)).to.equal(60);
	});

	it("merges added quantities up to the per-line limit", () => {
		expect(mergedQuantity(3, 4, 10)).to.equal(7);
		expect(mergedQuantity(8, 3, 10)).to.equal(null);
	});
});
