import { expect } from "chai";
import { averageRating, cleanReviewText, hiddenByReports, reviewRefusal, validRating } from "../../../services/commerce/rules/review";

describe("commerce rules: reviews", () => {
	it("lets the buyer review a product of a completed order only", () => {
		expect(reviewRefusal({ status: "completed", productIds: ["P1", "p2"] }, "p1")).to.equal(null);
		expect(reviewRefusal({ status: "delivered", productIds: ["p1"] }, "p1")).to.equal("ORDER_NOT_COMPLETED");
		expect(reviewRefusal({ status: "completed", productIds: ["p1"] }, "p9")).to.equal("PRODUCT_NOT_IN_ORDER");
	});

	it("takes whole ratings from 1 to 5", () => {
		expect([1, 3, 5].every(validRating)).to.equal(true);
		expect([0, 6, 2.5, "4", null].some(validRating)).to.equal(false);
	});

	it("averages to one decimal from the kept sum and count", () => {
		expect(averageRating(17, 4)).to.equal(4.3);
		expect(averageRating(5, 1)).to.equal(5);
		expect(averageRating(0, 0)).to.equal(null);
	});

	it("trims text, turns blank into null, refuses over-long text", () => {
		expect(cleanReviewText("  Nzuri sana  ", 10)).to.deep.equal({ ok: true, text: "Nzuri sana" });
		expect(cleanReviewText("   ", 10)).to.deep.equal({ ok: true, text: null });
		expect(cleanReviewText(undefined, 10)).to.deep.equal({ ok: true, text: null });
		expect(cleanReviewText("x".repeat(11), 10)).to.deep.equal({ ok: false });
		expect(cleanReviewText(12, 10)).to.deep.equal({ ok: false });
	});

	it("hides a review once enough people reported it (0 turns hiding off)", () => {
		expect(hiddenByReports(2, 3)).to.equal(false);
		expect(hiddenByReports(3, 3)).to.equal(true);
		expect(hiddenByReports(100, 0)).to.equal(false);
	});
});
