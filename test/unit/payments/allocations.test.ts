import { expect } from "chai";
import { normaliseAllocations, singlePayee, MAX_ALLOCATIONS } from "../../../services/payments/rules/allocations";
import { accounts, assertBalanced, fanOut } from "../../../services/payments/rules/ledger";

const purpose = (id: string) => ({ type: "order" as const, id });

describe("payments rules: allocations", () => {
	it("without a split, the intent is one allocation of its purpose, payee and amount", () => {
		expect(normaliseAllocations({ payerId: "p", payeeId: "s", amount: 100, purpose: purpose("a") })).to.deep.equal([{ purpose: purpose("a"), payeeId: "s", amount: 100 }]);
	});

	it("accepts a split that adds up and starts with the intent's purpose", () => {
		const list = normaliseAllocations({
			payerId: "p",
			amount: 100,
			purpose: purpose("a"),
			allocations: [
				{ purpose: purpose("a"), payeeId: "s1", amount: 70 },
				{ purpose: purpose("b"), payeeId: "s2", amount: 30 }
			]
		});
		expect(list).to.have.length(2);
		expect(singlePayee(list as never)).to.equal(null);
	});

	it("names what is wrong with a split", () => {
		const base = { payerId: "p", amount: 100, purpose: purpose("a") };
		const code = (allocations: { purpose: { type: "order"; id: string }; payeeId?: string; amount: number }[], extra = {}) =>
			(normaliseAllocations({ ...base, ...extra, allocations }) as { code: string }).code;
		expect(code([{ purpose: purpose("a"), amount: 60 }, { purpose: purpose("b"), amount: 30 }])).to.equal("ALLOCATIONS_SUM_MISMATCH");
		expect(code([{ purpose: purpose("b"), amount: 100 }])).to.equal("ALLOCATIONS_PURPOSE_MISMATCH");
		expect(code([{ purpose: purpose("a"), amount: 50 }, { purpose: purpose("a"), amount: 50 }])).to.equal("ALLOCATION_PURPOSE_REPEATED");
		expect(code([{ purpose: purpose("a"), payeeId: "p", amount: 100 }])).to.equal("SELF_PAYMENT");
		const many = Array.from({ length: MAX_ALLOCATIONS + 1 }, (_, i) => ({ purpose: purpose(i === 0 ? "a" : `x${i}`), amount: 1 }));
		expect(code(many, { amount: MAX_ALLOCATIONS + 1 })).to.equal("ALLOCATIONS_TOO_MANY");
	});

	it("fanOut pays several accounts from one, merging repeats into one leg, and balances", () => {
		const legs = fanOut(accounts.clearing("mpesa"), [
			{ to: accounts.escrow("order", "a"), amount: 70 },
			{ to: accounts.wallet("u"), amount: 20 },
			{ to: accounts.wallet("u"), amount: 10 }
		]);
		expect(legs.map(l => [l.account.code, l.amount])).to.deep.equal([
			["provider:mpesa:clearing", -100],
			["escrow:order:a", 70],
			["user:u:wallet", 30]
		]);
		expect(() => assertBalanced({ externalId: "x", kind: "collection", currency: "KES", legs })).to.not.throw();
	});
});
