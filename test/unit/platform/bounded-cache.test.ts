import { expect } from "chai";
import { BoundedCache } from "../../../lib/bounded-cache";

describe("bounded in-memory cache", () => {
	it("drops the least recently used entry past its bound (a hit counts as a use)", () => {
		const cache = new BoundedCache<number>({ max: 2 });
		cache.set("a", 1);
		cache.set("b", 2);
		expect(cache.get("a")).to.equal(1);
		cache.set("c", 3);
		expect([cache.get("a"), cache.get("b"), cache.get("c")]).to.deep.equal([1, undefined, 3]);
		expect(cache.size).to.equal(2);
	});

	it("forgets an entry at the end of its lifetime, and a set starts it again", () => {
		const cache = new BoundedCache<string>({ max: 10, ttlMs: 1000 });
		cache.set("k", "v", 0);
		expect(cache.get("k", 999)).to.equal("v");
		expect(cache.has("k", 1000)).to.equal(false);
		expect(cache.size).to.equal(0);
		cache.set("k", "w", 1000);
		expect(cache.get("k", 1999)).to.equal("w");
		cache.delete("k");
		expect(cache.get("k", 1000)).to.equal(undefined);
	});
});
