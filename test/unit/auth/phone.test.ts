import { expect } from "chai";
import { maskPhone, normalizePhone } from "../../../services/auth/rules/phone";
import { maskDestination, parseIdentifier } from "../../../services/auth/rules/identifier";

describe("auth rules: phone numbers (E.164)", () => {
	const e164 = (input: string, country?: Parameters<typeof normalizePhone>[1]) => {
		const r = normalizePhone(input, country);
		return r.ok ? r.e164 : r.reason;
	};

	it("reads every local and international form of a Tanzanian mobile as one number", () => {
		for (const form of ["0712345678", "712345678", "255712345678", "+255712345678", "00255712345678", "+255 712-345-678", "(0712) 345 678", "+2550712345678"])
			expect(e164(form), form).to.equal("+255712345678");
		expect(e164("0612345678")).to.equal("+255612345678");
	});

	it("reads local forms in the configured country and international forms in their own", () => {
		expect(e164("0712345678", "KE")).to.equal("+254712345678");
		expect(e164("0110123456", "KE")).to.equal("+254110123456");
		expect(e164("+254712345678")).to.equal("+254712345678");
		expect(e164("256772123456")).to.equal("+256772123456");
		expect(e164("0772123456", "UG")).to.equal("+256772123456");
		expect(e164("+250788123456")).to.equal("+250788123456");
		expect(e164("0788123456", "RW")).to.equal("+250788123456");
		expect(e164("+25779123456")).to.equal("+25779123456");
		expect(e164("79123456", "BI")).to.equal("+25779123456");
		expect(e164("+243812345678")).to.equal("+243812345678");
	});

	it("refuses landlines and other non-mobile ranges", () => {
		expect(e164("0222123456")).to.equal("NOT_MOBILE"); // Dar es Salaam landline
		expect(e164("+254202123456")).to.equal("NOT_MOBILE"); // Nairobi landline
		expect(e164("+256414123456")).to.equal("NOT_MOBILE"); // Kampala landline
		expect(e164("+250252123456")).to.equal("NOT_MOBILE");
		expect(e164("+25722123456")).to.equal("NOT_MOBILE");
		expect(e164("+250758123456")).to.equal("NOT_MOBILE"); // 75 is not a Rwandan mobile range
	});

	it("refuses wrong lengths, letters, empty input and countries we do not serve", () => {
		expect(e164("07123456")).to.equal("NOT_MOBILE");
		expect(e164("07123456789")).to.equal("NOT_MOBILE");
		expect(e164("07I2345678")).to.equal("INVALID_CHARACTERS");
		expect(e164("   ")).to.equal("EMPTY");
		expect(e164("+14155552671")).to.equal("UNSUPPORTED_COUNTRY");
		expect(e164("+447911123456")).to.equal("UNSUPPORTED_COUNTRY");
	});

	it("masks numbers and emails for display", () => {
		expect(maskPhone("+255712345678")).to.equal("+255•••••5678");
		expect(maskDestination({ kind: "email", value: "asha@mail.com" })).to.equal("a•••@mail.com");
	});

	it("parses a sign-in identifier as email or phone, normalised", () => {
		expect(parseIdentifier(" Asha@Mail.COM ", "TZ")).to.deep.equal({ kind: "email", value: "asha@mail.com" });
		expect(parseIdentifier("0712 345 678", "TZ")).to.deep.equal({ kind: "phone", value: "+255712345678" });
		expect(parseIdentifier("not an email@", "TZ")).to.equal(null);
		expect(parseIdentifier("0222123456", "TZ")).to.equal(null);
	});
});
