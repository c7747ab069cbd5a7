import { expect } from "chai";
import { compareEntries, isAfter, isPosition, mergeEntries } from "../../../services/social/rules/feed-order";
import { checkPostShape } from "../../../services/social/rules/post-input";

const A = "0190a5c4-0000-7000-8000-00000000000a";
const B = "0190a5c4-0000-7000-8000-00000000000b";
const C = "0190a5c4-0000-7000-8000-00000000000c";

describe("social rules: feed order", () => {
	it("orders by score, then id, both descending (as ZREVRANGEBYSCORE does)", () => {
		const sorted = [{ postId: A, score: 5 }, { postId: B, score: 7 }, { postId: C, score: 5 }].sort(compareEntries);
		expect(sorted.map(e => e.postId)).to.deep.equal([B, C, A]);
	});

	it("keeps entries strictly after a position, ties broken by id", () => {
		expect(isAfter({ postId: A, score: 5 }, [5, C])).to.equal(true);
		expect(isAfter({ postId: C, score: 5 }, [5, C])).to.equal(false);
		expect(isAfter({ postId: C, score: 6 }, [5, A])).to.equal(false);
		expect(isAfter({ postId: C, score: 4 }, [5, A])).to.equal(true);
		expect(isAfter({ postId: C, score: 4 }, null)).to.equal(true);
	});

	it("merges sources so that a post appears once, at its highest score", () => {
		const merged = mergeEntries([{ postId: A, score: 10 }, { postId: B, score: 3 }], [{ postId: A, score: 2 }, { postId: C, score: 5 }]);
		expect(merged).to.deep.equal([{ postId: A, score: 10 }, { postId: C, score: 5 }, { postId: B, score: 3 }]);
	});

	it("recognises only well-formed positions", () => {
		expect(isPosition([1, A])).to.equal(true);
		expect(isPosition([Infinity, A])).to.equal(false);
		expect(isPosition(["1", A])).to.equal(false);
		expect(isPosition([1, "x"])).to.equal(false);
		expect(isPosition(3)).to.equal(false);
	});
});

describe("social rules: post shape", () => {
	it("needs something to show, within limits, and no poll with media or a quote", () => {
		expect(checkPostShape({ text: "hi" })).to.equal(null);
		expect(checkPostShape({ mediaFileIds: [A] })).to.equal(null);
		expect(checkPostShape({ text: "  " })?.field).to.equal("text");
		expect(checkPostShape({ text: "x".repeat(2001) })?.field).to.equal("text");
		expect(checkPostShape({ mediaFileIds: [A, A] })?.field).to.equal("mediaFileIds");
		expect(checkPostShape({ mediaFileIds: Array.from({ length: 11 }, () => A) })?.field).to.equal("mediaFileIds");
		expect(checkPostShape({ poll: {}, mediaFileIds: [A] })?.field).to.equal("poll");
		expect(checkPostShape({ poll: {}, quoteOf: A })?.field).to.equal("poll");
		expect(checkPostShape({ quoteOf: A })).to.equal(null);
	});
});
