import { expect } from "chai";
import { intentKey, requestFingerprint, validIdempotencyKey } from "../../../services/commerce/rules/checkout-request";

describe("commerce rules: checkout idempotency", () => {
	it("fingerprints address and payment regardless of field order", () => {
		const a = requestFingerprint({ shippingAddress: { city: "Nairobi", region: "Nairobi" }, payment: { provider: "mpesa", phone: "+254712345678" } });
		const b = requestFingerprint({ payment: { phone: "+254712345678", provider: "mpesa" }, shippingAddress: { region: "Nairobi", city: "Nairobi" } } as never);
		expect(a).to.equal(b).and.to.match(/^[0-9a-f]{64}$/);
		expect(requestFingerprint({ shippingAddress: { city: "Mombasa", region: "Nairobi" }, payment: { provider: "mpesa", phone: "+254712345678" } })).to.not.equal(a);
	});

	it("takes keys of 1–255 visible ASCII characters", () => {
		expect(validIdempotencyKey("9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d")).to.equal(true);
		expect(validIdempotencyKey("")).to.equal(false);
		expect(validIdempotencyKey("a b")).to.equal(false);
		expect(validIdempotencyKey("k".repeat(256))).to.equal(false);
	});

	it("derives one payments key per checkout", () => {
		expect(intentKey("c1")).to.equal("commerce:checkout:c1");
	});
});
