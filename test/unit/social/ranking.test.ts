import { expect } from "chai";
import { engagement, exploreScore, rank } from "../../../services/social/rules/ranking";

const now = new Date("2026-01-10T12:00:00Z");
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
const zero = { likes: 0, comments: 0, reposts: 0, quotes: 0 };

describe("social rules: explore ranking", () => {
	it("weighs comments and reposts above likes", () => {
		expect(engagement({ likes: 1, comments: 1, reposts: 1, quotes: 1 })).to.equal(12);
		expect(exploreScore({ ...zero, comments: 1 }, now, now, 12)).to.be.greaterThan(exploreScore({ ...zero, likes: 2 }, now, now, 12));
	});

	it("halves a post's score every half-life", () => {
		const fresh = exploreScore({ ...zero, likes: 9 }, now, now, 12);
		expect(exploreScore({ ...zero, likes: 9 }, hoursAgo(12), now, 12)).to.be.closeTo(fresh / 2, 1e-9);
		expect(exploreScore({ ...zero, likes: 9 }, hoursAgo(24), now, 12)).to.be.closeTo(fresh / 4, 1e-9);
	});

	it("lets a fresh post with no engagement rank by freshness, and never scores a future post above now", () => {
		expect(exploreScore(zero, now, now, 12)).to.equal(1);
		expect(exploreScore(zero, new Date(now.getTime() + 60_000), now, 12)).to.equal(1);
	});

	it("orders candidates best first, newer first on ties, then by id", () => {
		const c = (id: string, likes: number, h: number) => ({ id, createdAt: hoursAgo(h), ...zero, likes });
		const ranked = rank([c("a", 1, 0), c("b", 20, 24), c("c", 10, 1), c("e", 1, 0), c("d", 1, 0)], now, 12);
		// b: 21/4 = 5.25; c: 11·2^(-1/12) ≈ 10.4; a, d, e: 2 (same age: by id, descending).
		expect(ranked.map(x => x.id)).to.deep.equal(["c", "b", "e", "d", "a"]);
	});
});
