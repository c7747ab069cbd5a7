/** The batch allocation rule: which requests of one transaction get their seats, in arrival order. */
import { expect } from "chai";
import { allocateSeats } from "../../../services/events/rules/allocation";

const ask = (...items: Array<[string, number]>) => ({ items: items.map(([ticketTypeId, quantity]) => ({ ticketTypeId, quantity })) });

describe("events rules: batch seat allocation", () => {
	it("gives every request its seats while they last, then refuses with what is left", () => {
		const out = allocateSeats([ask(["a", 2]), ask(["a", 2]), ask(["a", 2])], new Map([["a", 5]]));
		expect(out).to.deep.equal([{ fits: true }, { fits: true }, { fits: false, ticketTypeId: "a", left: 1 }]);
	});

	it("a request that does not fit leaves its seats to smaller ones behind it (arrival order, no reordering)", () => {
		const out = allocateSeats([ask(["a", 1]), ask(["a", 3]), ask(["a", 1]), ask(["a", 1])], new Map([["a", 3]]));
		expect(out.map(o => o.fits)).to.deep.equal([true, false, true, true]);
		expect(out[1]).to.deep.equal({ fits: false, ticketTypeId: "a", left: 2 });
	});

	it("a booking of several types is all or nothing", () => {
		const out = allocateSeats([ask(["a", 1], ["b", 2]), ask(["a", 1], ["b", 1]), ask(["a", 1])], new Map([["a", 2], ["b", 2]]));
		expect(out).to.deep.equal([{ fits: true }, { fits: false, ticketTypeId: "b", left: 0 }, { fits: true }]);
	});

	it("types are counted apart, and an unknown or overfull type has nothing left", () => {
		const out = allocateSeats([ask(["a", 1]), ask(["b", 1]), ask(["c", 1]), ask(["d", 1])], new Map([["a", 1], ["b", 1], ["d", -2]]));
		expect(out).to.deep.equal([{ fits: true }, { fits: true }, { fits: false, ticketTypeId: "c", left: 0 }, { fits: false, ticketTypeId: "d", left: 0 }]);
	});

	it("leaves the caller's counts alone and answers an empty batch with nothing", () => {
		const left = new Map([["a", 1]]);
		allocateSeats([ask(["a", 1])], left);
		expect(left.get("a")).to.equal(1);
		expect(allocateSeats([], left)).to.deep.equal([]);
	});

	it("never hands out more than the seats, whatever the mix (500 random batches)", () => {
		// Park–Miller: deterministic, so a failure replays.
		let seed = 7;
		const rand = (n: number) => (seed = (seed * 16807) % 2147483647) % n;
		for (let round = 0; round < 500; round++) {
			const seats = new Map([["a", rand(10)], ["b", rand(10)]]);
			const reqs = Array.from({ length: 1 + rand(20) }, () => (rand(3) === 0 ? ask(["a", 1 + rand(3)], ["b", 1 + rand(3)]) : ask([rand(2) ? "a" : "b", 1 + rand(4)])));
			const out = allocateSeats(reqs, seats);
			for (const type of ["a", "b"]) {
				const taken = reqs.reduce((sum, r, i) => sum + (out[i].fits ? r.items.filter(x => x.ticketTypeId === type).reduce((s, x) => s + x.quantity, 0) : 0), 0);
				expect(taken).to.be.at.most(seats.get(type) as number);
			}
		}
	});
});
