import { expect } from "chai";
import { formatOrderNumber, parseOrderNumber } from "../../../services/commerce/rules/order-number";

const day = new Date("2026-12-04T23:59:59Z");

describe("commerce rules: order numbers", () => {
	it("reads NX-YYMMDD- then the sequence in Crockford base-32 (at least five characters) and a check character", () => {
		expect(formatOrderNumber(1, day)).to.match(/^NX-261204-00001[0-9A-HJKMNP-TV-Z]$/);
		expect(formatOrderNumber(32, day).slice(10, 15)).to.equal("00010");
		expect(formatOrderNumber(32 ** 5, day).slice(10, 16)).to.equal("100000");
		expect(formatOrderNumber(1, new Date("2027-01-09T00:00:00Z")).slice(0, 10)).to.equal("NX-270109-");
	});

	it("differs for every sequence value", () => {
		const seen = new Set(Array.from({ length: 5000 }, (_, i) => formatOrderNumber(i + 1, day)));
		expect(seen.size).to.equal(5000);
	});

	it("refuses sequences that are not positive integers", () => {
		expect(() => formatOrderNumber(0, day)).to.throw(RangeError);
		expect(() => formatOrderNumber(1.5, day)).to.throw(RangeError);
	});

	it("parses what people type (lower case, spaces, O for 0, I or L for 1)", () => {
		const n = formatOrderNumber(1234567, day);
		expect(parseOrderNumber(n)).to.equal(n);
		expect(parseOrderNumber(` ${n.toLowerCase().replace(/0/g, "o")} `)).to.equal(n);
		expect(parseOrderNumber(n.replace(/-/g, ""))).to.equal(n);
		expect(parseOrderNumber("hello")).to.equal(null);
	});

	it("catches every single mistyped character", () => {
		const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
		for (const seq of [1, 77, 40_000, 9_999_999]) {
			const n = formatOrderNumber(seq, day);
			for (let i = 3; i < n.length; i++) {
				if (n[i] === "-") continue;
				for (const c of alphabet) {
					if (c === n[i] || (i < 9 && !/\d/.test(c))) continue;
					expect(parseOrderNumber(n.slice(0, i) + c + n.slice(i + 1)), `${n} with ${c} at ${i}`).to.equal(null);
				}
			}
		}
	});
});
