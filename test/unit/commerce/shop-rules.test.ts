/** Pure shop rules: addresses (slugs), the status machine, input checks. */
import { expect } from "chai";
import { isSlug, slugCandidate, slugify } from "../../../services/commerce/rules/slug";
import { canDo, nextStatus, receivesPayouts, sells } from "../../../services/commerce/rules/shop-status";
import { checkNationalId, checkReason, checkShopInput, maskNationalId } from "../../../services/commerce/rules/shop-input";

describe("commerce rules: slugs", () => {
	it("makes an address from a name: lowercase ASCII, accents dropped, single hyphens", () => {
		expect(slugify("Duka la Mama Ntilie!")).to.equal("duka-la-mama-ntilie");
		expect(slugify("  Café  Zanzibar -- Spices ")).to.equal("cafe-zanzibar-spices");
		expect(isSlug(slugify("Duka la Mama Ntilie!"))).to.equal(true);
	});

	it("a name without usable letters still gets a valid address", () => {
		for (const name of ["ダ", "!!!", "ab"]) expect(isSlug(slugify(name)), name).to.equal(true);
	});

	it("long names are cut so that a numbered suffix still fits in 60 characters", () => {
		const base = slugify("a".repeat(200));
		expect(base.length).to.be.at.most(56);
		expect(slugCandidate(base, 1)).to.equal(base);
		expect(slugCandidate(base, 12)).to.match(/-12$/);
		expect(slugCandidate("x".repeat(60), 123).length).to.be.at.most(60);
	});

	it("validates chosen addresses", () => {
		expect(isSlug("mama-ntilie")).to.equal(true);
		for (const bad of ["ab", "Mama", "mama--ntilie", "-mama", "mama-", "x".repeat(61), "mama ntilie"]) expect(isSlug(bad), bad).to.equal(false);
	});
});

describe("commerce rules: shop status", () => {
	it("verification: waiting → active on approval, → rejected on rejection, rejected may submit again", () => {
		expect(nextStatus("pending_verification", "approve", false)).to.equal("active");
		expect(nextStatus("pending_verification", "reject", false)).to.equal("rejected");
		expect(nextStatus("rejected", "submit_verification", false)).to.equal("pending_verification");
		expect(canDo("active", "submit_verification")).to.equal(false);
		expect(canDo("rejected", "approve")).to.equal(false);
		expect(canDo("suspended", "approve")).to.equal(false);
	});

	it("suspension: from active or waiting; reinstatement returns to active only if ever verified", () => {
		expect(nextStatus("active", "suspend", true)).to.equal("suspended");
		expect(nextStatus("pending_verification", "suspend", false)).to.equal("suspended");
		expect(canDo("rejected", "suspend")).to.equal(false);
		expect(nextStatus("suspended", "reinstate", true)).to.equal("active");
		expect(nextStatus("suspended", "reinstate", false)).to.equal("pending_verification");
		expect(() => nextStatus("active", "reinstate", true)).to.throw();
	});

	it("only an active shop sells and receives payouts", () => {
		for (const s of ["pending_verification", "rejected", "suspended"] as const) {
			expect(sells(s)).to.equal(false);
			expect(receivesPayouts(s)).to.equal(false);
		}
		expect(sells("active")).to.equal(true);
	});
});

describe("commerce rules: shop input", () => {
	const base = { name: "Kanga Bora", region: "Dar es Salaam", city: "Kariakoo", phone: "0712 345 678" };

	it("cleans texts, normalises the phone and derives the currency from its country", () => {
		const res = checkShopInput({ ...base, name: "  Kanga   Bora ", phone: "0712 345 678" }, true);
		expect(res).to.deep.equal({ ok: true, value: { name: "Kanga Bora", region: "Dar es Salaam", city: "Kariakoo", phone: "+255712345678", currency: "TZS" } });
		const ke = checkShopInput({ ...base, phone: "+254 712 345678" }, true);
		expect(ke.ok && ke.value.currency).to.equal("KES");
		const chosen = checkShopInput({ ...base, currency: "UGX" }, true);
		expect(chosen.ok && chosen.value.currency).to.equal("UGX");
	});

	it("names the first bad field", () => {
		const cases: Array<[Record<string, unknown>, string]> = [
			[{ name: "K" }, "name"],
			[{ region: "" }, "region"],
			[{ phone: "12345" }, "phone"],
			[{ currency: "EUR" }, "currency"],
			[{ deliveryFee: 1.5 }, "deliveryFee"],
			[{ slug: "Bad Slug" }, "slug"]
		];
		for (const [override, field] of cases) {
			const res = checkShopInput({ ...base, ...override }, true);
			expect(res.ok, field).to.equal(false);
			if (!res.ok) expect(res.field).to.equal(field);
		}
	});

	it("an edit checks only what it sends", () => {
		expect(checkShopInput({ city: "Arusha" }, false)).to.deep.equal({ ok: true, value: { city: "Arusha" } });
		expect(checkShopInput({}, false)).to.deep.equal({ ok: true, value: {} });
	});

	it("national IDs, reasons, masking", () => {
		expect(checkNationalId("1990 0101-12345")).to.deep.equal({ ok: true, value: "19900101-12345" });
		expect(checkNationalId("12").ok).to.equal(false);
		expect(checkNationalId("abc$%^123").ok).to.equal(false);
		expect(checkReason("  The ID photo   is blurred ")).to.deep.equal({ ok: true, value: "The ID photo is blurred" });
		expect(checkReason("no").ok).to.equal(false);
		expect(checkReason("x".repeat(501)).ok).to.equal(false);
		expect(maskNationalId("19900101123450000123")).to.equal("••••••••••••••••0123");
	});
});
