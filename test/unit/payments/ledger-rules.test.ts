import { expect } from "chai";
import { accounts, applyLegs, assertBalanced, transfer, UnbalancedEntry } from "../../../services/payments/rules/ledger";

describe("payments rules: ledger entries", () => {
	const buyer = accounts.wallet("0190a6f0-0000-7000-8000-000000000001");
	const clearing = accounts.clearing("mpesa");

	it("accepts an entry that sums to zero and refuses one that does not", () => {
		expect(() => assertBalanced({ externalId: "a", kind: "t", currency: "TZS", legs: transfer(clearing, buyer, 500) })).to.not.throw();
		expect(() =>
			assertBalanced({ externalId: "b", kind: "t", currency: "TZS", legs: [{ account: clearing, amount: -500 }, { account: buyer, amount: 499 }] })
		).to.throw(UnbalancedEntry, /sums to -1/);
	});

	it("refuses one-legged entries, repeated accounts and unsafe amounts", () => {
		expect(() => assertBalanced({ externalId: "c", kind: "t", currency: "TZS", legs: [{ account: buyer, amount: 0 }, { account: clearing, amount: 0 }] })).to.throw(UnbalancedEntry);
		expect(() => assertBalanced({ externalId: "d", kind: "t", currency: "TZS", legs: [{ account: buyer, amount: 5 }, { account: buyer, amount: -5 }] })).to.throw(UnbalancedEntry, /twice/);
		expect(() => assertBalanced({ externalId: "e", kind: "t", currency: "TZS", legs: transfer(clearing, buyer, 0.5) })).to.throw();
	});

	it("reports the accounts a posting would overdraw, but lets outside-world accounts go negative", () => {
		const { next, overdrawn } = applyLegs(new Map([[buyer.code, 100]]), transfer(buyer, clearing, 150));
		expect(overdrawn).to.deep.equal([buyer.code]);
		expect(next.get(clearing.code)).to.equal(150);
		expect(applyLegs(new Map(), transfer(clearing, buyer, 150)).overdrawn).to.deep.equal([]);
	});
});
