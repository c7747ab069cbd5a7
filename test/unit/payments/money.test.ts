import { expect } from "chai";
import {
	CURRENCY_CODES,
	exponent,
	fromRailUnits,
	isCurrency,
	MoneyError,
	percentOf,
	roundToRail,
	splitByWeights,
	splitCommission,
	toRailUnits
} from "../../../services/payments/rules/money";

describe("payments rules: money", () => {
	it("knows TZS, KES, UGX and RWF with their ISO-4217 exponents", () => {
		expect(CURRENCY_CODES).to.include.members(["TZS", "KES", "UGX", "RWF"]);
		expect([exponent("TZS"), exponent("KES"), exponent("UGX"), exponent("RWF")]).to.deep.equal([2, 2, 0, 0]);
		expect(isCurrency("USD")).to.equal(false);
		expect(isCurrency("toString")).to.equal(false);
	});

	it("converts to whole rail units and refuses amounts that would need rounding", () => {
		expect(toRailUnits(150_000, "TZS")).to.equal(1500);
		expect(toRailUnits(2500, "UGX")).to.equal(2500);
		expect(() => toRailUnits(150_050, "TZS")).to.throw(MoneyError).with.property("code", "NOT_WHOLE_UNITS");
		expect(() => toRailUnits(0, "KES")).to.throw(MoneyError).with.property("code", "NOT_AN_AMOUNT");
		expect(() => toRailUnits(1.5, "UGX")).to.throw(MoneyError).with.property("code", "UNSAFE_AMOUNT");
	});

	it("reads rail amounts as numbers or strings, refusing fractions", () => {
		expect(fromRailUnits(1500, "TZS")).to.equal(150_000);
		expect(fromRailUnits("1.00", "KES")).to.equal(100);
		expect(fromRailUnits("10.5", "KES")).to.equal(null);
		expect(fromRailUnits("abc", "KES")).to.equal(null);
		expect(fromRailUnits(-1, "KES")).to.equal(null);
	});

	it("rounds to the rail explicitly up or down", () => {
		expect(roundToRail(150_050, "TZS", "down")).to.equal(150_000);
		expect(roundToRail(150_050, "TZS", "up")).to.equal(150_100);
		expect(roundToRail(150_000, "TZS", "up")).to.equal(150_000);
		expect(roundToRail(7, "UGX", "up")).to.equal(7);
	});

	it("computes commission in basis points rounded down; the seller gets the remainder", () => {
		expect(percentOf(10_000, 500)).to.equal(500);
		expect(splitCommission(999, 500)).to.deep.equal({ commission: 49, net: 950 });
		expect(splitCommission(1, 500)).to.deep.equal({ commission: 0, net: 1 });
		expect(splitCommission(9_007_199_254_740_991, 10_000)).to.deep.equal({ commission: 9_007_199_254_740_991, net: 0 });
		expect(() => percentOf(100, 10_001)).to.throw(MoneyError);
	});

	it("splits by weights deterministically and always sums", () => {
		expect(splitByWeights(100, [1, 1, 1])).to.deep.equal([34, 33, 33]);
		expect(splitByWeights(101, [1, 1])).to.deep.equal([51, 50]);
		expect(splitByWeights(10, [0, 3, 7])).to.deep.equal([0, 3, 7]);
		for (let amount = 0; amount < 200; amount += 7) {
			const parts = splitByWeights(amount, [3, 5, 11]);
			expect(parts.reduce((a, b) => a + b, 0)).to.equal(amount);
		}
		expect(() => splitByWeights(10, [0, 0])).to.throw(MoneyError);
	});
});
