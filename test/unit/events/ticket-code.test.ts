import { expect } from "chai";
import { compactId, expandId, fromWire, isValidAt, toWire, validityWindow } from "../../../services/events/rules/ticket-code";

const T = "0190a5c4-1234-7abc-8def-0123456789ab";
const E = "0190a5c4-0000-7000-8000-00000000000e";
const Y = "0190a5c4-0000-7000-8000-00000000000f";

describe("events rules: ticket code claims", () => {
	it("packs a uuid into 22 base64url characters and back", () => {
		const c = compactId(T);
		expect(c).to.match(/^[A-Za-z0-9_-]{22}$/);
		expect(expandId(c)).to.equal(T);
		expect(expandId(compactId(T.toUpperCase()))).to.equal(T);
	});

	it("refuses anything that is not exactly one spelling of 16 bytes", () => {
		const c = compactId(T);
		expect(expandId(c.slice(1))).to.equal(null);
		expect(expandId(`${c}A`)).to.equal(null);
		expect(expandId(c.replace(/.$/, "+"))).to.equal(null);
		// The last character carries 4 unused bits: a second spelling of the same bytes is refused.
		const last = c[21];
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		const twin = c.slice(0, 21) + alphabet[alphabet.indexOf(last) + 1];
		expect(expandId(twin)).to.equal(null);
		expect(expandId(42)).to.equal(null);
		expect(() => compactId("not-a-uuid")).to.throw(TypeError);
	});

	it("round-trips claims with short names and registered nbf/exp", () => {
		const claims = { ticketId: T, eventId: E, ticketTypeId: Y, validFrom: 1_800_000_000, validUntil: 1_800_090_000 };
		const wire = toWire(claims);
		expect(Object.keys(wire)).to.deep.equal(["t", "e", "y", "nbf", "exp"]);
		// Three ids and two timestamps: ~122 bytes, 163 base64url characters of a ~550-character code.
		expect(JSON.stringify(wire).length).to.be.at.most(122);
		expect(fromWire(JSON.parse(JSON.stringify(wire)))).to.deep.equal(claims);
	});

	it("rejects payloads with a missing, malformed or inverted claim", () => {
		const wire = toWire({ ticketId: T, eventId: E, ticketTypeId: Y, validFrom: 10, validUntil: 20 });
		expect(fromWire({ ...wire, t: undefined })).to.equal(null);
		expect(fromWire({ ...wire, e: "x" })).to.equal(null);
		expect(fromWire({ ...wire, nbf: "10" })).to.equal(null);
		expect(fromWire({ ...wire, nbf: 30 })).to.equal(null);
		expect(fromWire([wire])).to.equal(null);
		expect(fromWire(null)).to.equal(null);
	});

	it("opens before the start and closes after the end; leeway both ways", () => {
		const w = validityWindow(new Date("2030-01-01T18:00:00Z"), new Date("2030-01-01T23:00:00Z"), { opensBeforeStartS: 3600, closesAfterEndS: 7200 });
		expect(w.validFrom).to.equal(Date.parse("2030-01-01T17:00:00Z") / 1000);
		expect(w.validUntil).to.equal(Date.parse("2030-01-02T01:00:00Z") / 1000);
		expect(isValidAt(w, w.validFrom - 61, 60)).to.equal(false);
		expect(isValidAt(w, w.validFrom - 60, 60)).to.equal(true);
		expect(isValidAt(w, w.validUntil + 60, 60)).to.equal(true);
		expect(isValidAt(w, w.validUntil + 61, 60)).to.equal(false);
	});
});
