import { expect } from "chai";
import { checkAddress, normalisePhone } from "../../../services/commerce/rules/address";

const good = { recipientName: " Amina  Juma ", phone: "+255 712 345-678", region: "Dar es Salaam", city: "Kinondoni", area: "Mikocheni B", landmark: "Opposite the Total petrol station" };

describe("commerce rules: shipping address", () => {
	it("takes region, city, area, landmark and phone without a postcode, cleaned", () => {
		const r = checkAddress(good);
		expect(r).to.deep.equal({
			ok: true,
			address: { recipientName: "Amina Juma", phone: "+255712345678", region: "Dar es Salaam", city: "Kinondoni", area: "Mikocheni B", landmark: "Opposite the Total petrol station", notes: null }
		});
	});

	it("names every missing or bad field", () => {
		const r = checkAddress({ phone: "0712345678", region: " ", city: "x".repeat(81) });
		expect(r.ok).to.equal(false);
		if (r.ok) return;
		expect(r.problems.map(p => p.field).sort()).to.deep.equal(
			["shippingAddress.area", "shippingAddress.city", "shippingAddress.phone", "shippingAddress.recipientName", "shippingAddress.region"].sort()
		);
	});

	it("accepts E.164 numbers only", () => {
		expect(normalisePhone("+254 (712) 345 678")).to.equal("+254712345678");
		expect(normalisePhone("+0712345678")).to.equal(null);
		expect(normalisePhone("+2551")).to.equal(null);
		expect(normalisePhone(255712345678)).to.equal(null);
	});
});
