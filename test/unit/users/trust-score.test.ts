import { expect } from "chai";
import {
	ACCOUNT_AGE_FULL_DAYS,
	computeTrustScore,
	ORDERS_FOR_FULL_CREDIT,
	PENALTY_CAPS,
	ratingPoints,
	TRUST_WEIGHTS,
	trustLevel,
	type TrustFactors
} from "../../../services/users/rules/trust-score";

const NOW = new Date("2026-06-01T00:00:00Z");
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

const fresh = (over: Partial<TrustFactors> = {}): TrustFactors => ({
	phoneVerified: false,
	emailVerified: false,
	registeredAt: NOW,
	ordersBought: 0,
	ordersSold: 0,
	ratingsCount: 0,
	ratingsSum: 0,
	disputesLost: 0,
	refunds: 0,
	reportsUpheld: 0,
	...over
});

const points = (over: Partial<TrustFactors>, name: string) => computeTrustScore(fresh(over), NOW).factors.find(f => f.name === name)!.points;

describe("users trust score", () => {
	it("a brand-new unverified account scores 0 ('new')", () => {
		const t = computeTrustScore(fresh(), NOW);
		expect(t.score).to.equal(0);
		expect(t.level).to.equal("new");
		expect(t.factors).to.have.length(9);
	});

	it("positive weights add up to exactly 100 (a perfect record reaches the top, no higher)", () => {
		const positive = TRUST_WEIGHTS.phoneVerified + TRUST_WEIGHTS.emailVerified + TRUST_WEIGHTS.accountAge + TRUST_WEIGHTS.ordersBought + TRUST_WEIGHTS.ordersSold + TRUST_WEIGHTS.ratings;
		expect(positive).to.equal(100);
		const best = computeTrustScore(
			fresh({ phoneVerified: true, emailVerified: true, registeredAt: daysAgo(5000), ordersBought: 999, ordersSold: 999, ratingsCount: 100_000, ratingsSum: 500_000 }),
			NOW
		);
		expect(best.score).to.equal(100);
		expect(best.level).to.equal("highly_trusted");
	});

	it("verified phone and email earn their full weight", () => {
		expect(points({ phoneVerified: true }, "phone_verified")).to.equal(15);
		expect(points({ emailVerified: true }, "email_verified")).to.equal(10);
	});

	it("account age earns linearly over the first year, then saturates", () => {
		expect(points({ registeredAt: daysAgo(ACCOUNT_AGE_FULL_DAYS / 2) }, "account_age_days")).to.be.closeTo(7.5, 0.1);
		expect(points({ registeredAt: daysAgo(ACCOUNT_AGE_FULL_DAYS * 3) }, "account_age_days")).to.equal(15);
		// A clock that runs behind the registration never yields negative age.
		expect(points({ registeredAt: new Date(NOW.getTime() + 86_400_000) }, "account_age_days")).to.equal(0);
	});

	it("orders saturate at ORDERS_FOR_FULL_CREDIT", () => {
		expect(points({ ordersSold: ORDERS_FOR_FULL_CREDIT / 2 }, "orders_as_seller")).to.equal(10);
		expect(points({ ordersSold: ORDERS_FOR_FULL_CREDIT * 10 }, "orders_as_seller")).to.equal(20);
		expect(points({ ordersBought: ORDERS_FOR_FULL_CREDIT }, "orders_as_buyer")).to.equal(15);
	});

	it("ratings count by quality and by how many there are", () => {
		expect(ratingPoints(0, 0)).to.equal(0);
		// One 5-star rating: full quality, 1/6 confidence.
		expect(ratingPoints(1, 5)).to.be.closeTo(25 / 6, 1e-9);
		// All 1-star: nothing, however many.
		expect(ratingPoints(50, 50)).to.equal(0);
		// More ratings at the same average are worth more.
		expect(ratingPoints(20, 80)).to.be.greaterThan(ratingPoints(4, 16));
		const t = computeTrustScore(fresh({ ratingsCount: 4, ratingsSum: 16 }), NOW).factors.find(f => f.name === "average_rating")!;
		expect(t.value).to.equal(4);
	});

	it("penalties subtract per occurrence, each kind capped", () => {
		expect(points({ disputesLost: 1 }, "disputes_lost")).to.equal(-10);
		expect(points({ disputesLost: 100 }, "disputes_lost")).to.equal(-PENALTY_CAPS.disputesLost);
		expect(points({ refunds: 2 }, "refunds")).to.equal(-6);
		expect(points({ refunds: 100 }, "refunds")).to.equal(-PENALTY_CAPS.refunds);
		expect(points({ reportsUpheld: 2 }, "reports_upheld")).to.equal(-30);
		expect(points({ reportsUpheld: 9 }, "reports_upheld")).to.equal(-PENALTY_CAPS.reportsUpheld);
	});

	it("never leaves 0–100, and ignores nonsense counts", () => {
		const worst = computeTrustScore(fresh({ disputesLost: 50, refunds: 50, reportsUpheld: 50 }), NOW);
		expect(worst.score).to.equal(0);
		const odd = computeTrustScore(fresh({ ordersSold: -5, refunds: Number.NaN }), NOW);
		expect(odd.score).to.equal(0);
		expect(odd.factors.find(f => f.name === "refunds")!.points).to.equal(0);
	});

	it("levels at 20, 40, 60, 80", () => {
		expect([0, 19, 20, 39, 40, 59, 60, 79, 80, 100].map(trustLevel)).to.deep.equal([
			"new",
			"new",
			"basic",
			"basic",
			"established",
			"established",
			"trusted",
			"trusted",
			"highly_trusted",
			"highly_trusted"
		]);
	});

	it("a typical verified seller: the score is the rounded sum of the shown points", () => {
		const t = computeTrustScore(fresh({ phoneVerified: true, registeredAt: daysAgo(73), ordersSold: 6, ratingsCount: 5, ratingsSum: 23, refunds: 1 }), NOW);
		const sum = t.factors.reduce((s, f) => s + f.points, 0);
		expect(t.score).to.equal(Math.round(sum));
		expect(t.score).to.equal(Math.round(15 + 3 + 6 + 25 * ((4.6 - 1) / 4) * 0.5 - 3));
		expect(t.level).to.equal("basic");
	});
});
