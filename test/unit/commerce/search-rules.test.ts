/** Pure search rules: the prefix query, the default sort, cursors, price ranges. */
import { expect } from "chai";
import { checkPriceRange, effectiveSort, isSearchCursor, prefixTsQuery, queryWords } from "../../../services/commerce/rules/search-query";

const id = "0190a0a0-0000-7000-8000-000000000000";

describe("commerce rules: search query", () => {
	it("turns words into a prefix query; punctuation and operators cannot reach to_tsquery", () => {
		expect(prefixTsQuery("Kitenge  RED!")).to.equal("kitenge:* & red:*");
		expect(prefixTsQuery("viatu & (ngozi) | !x")).to.equal("viatu:* & ngozi:* & x:*");
		expect(prefixTsQuery("ñandú café")).to.equal("ñandú:* & café:*");
		expect(prefixTsQuery("!!! ---")).to.equal(null);
		expect(queryWords(Array(20).fill("neno").join(" "))).to.have.length(8);
	});

	it("relevance is the default with words, newest without; relevance without words falls back to newest", () => {
		expect(effectiveSort(undefined, true)).to.equal("relevance");
		expect(effectiveSort(undefined, false)).to.equal("newest");
		expect(effectiveSort("relevance", false)).to.equal("newest");
		expect(effectiveSort("price_asc", true)).to.equal("price_asc");
	});

	it("accepts only cursors of the same sort with a well-formed key", () => {
		expect(isSearchCursor({ m: "fulltext", s: "relevance", k: ["0.123456", id] }, "relevance")).to.equal(true);
		expect(isSearchCursor({ m: "similar", s: "newest", k: ["2026-12-04T10:00:00.123456Z", id] }, "newest")).to.equal(true);
		expect(isSearchCursor({ m: "fulltext", s: "price_asc", k: [1500, id] }, "price_asc")).to.equal(true);
		expect(isSearchCursor({ m: "fulltext", s: "price_asc", k: [1500, id] }, "price_desc")).to.equal(false);
		expect(isSearchCursor({ m: "fulltext", s: "relevance", k: ["1; DROP TABLE", id] }, "relevance")).to.equal(false);
		expect(isSearchCursor({ m: "fulltext", s: "newest", k: ["yesterday-ish", id] }, "newest")).to.equal(false);
		expect(isSearchCursor({ m: "other", s: "newest", k: ["2026-12-04T10:00:00Z", id] }, "newest")).to.equal(false);
		expect(isSearchCursor({ m: "fulltext", s: "popular", k: [-1, id] }, "popular")).to.equal(false);
		expect(isSearchCursor({ m: "fulltext", s: "popular", k: [3, "not-a-uuid"] }, "popular")).to.equal(false);
		expect(isSearchCursor(null, "newest")).to.equal(false);
	});

	it("a reversed price range is an error", () => {
		expect(checkPriceRange(100, 50).ok).to.equal(false);
		expect(checkPriceRange(50, 100).ok).to.equal(true);
		expect(checkPriceRange(undefined, 100).ok).to.equal(true);
	});
});
