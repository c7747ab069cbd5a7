import { expect } from "chai";
import { generateKeyPairSync } from "node:crypto";
import { decideOnline, decideSync, verifyCode, type TicketState, type VerifyInput } from "../../../services/events/rules/checkin";
import { signCompact } from "../../../services/events/rules/jws";
import { toWire } from "../../../services/events/rules/ticket-code";

const E = "0190a5c4-0000-7000-8000-00000000000e";
const E2 = "0190a5c4-0000-7000-8000-0000000000e2";
const T = "0190a5c4-0000-7000-8000-0000000000aa";
const Y = "0190a5c4-0000-7000-8000-0000000000bb";
const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
const pair2 = generateKeyPairSync("rsa", { modulusLength: 2048 });
const NOW = 1_900_000_000;

const code = (over: Partial<{ eventId: string; validFrom: number; validUntil: number }> = {}, kid = "k1", key = pair.privateKey) =>
	signCompact(kid, toWire({ ticketId: T, eventId: E, ticketTypeId: Y, validFrom: NOW - 100, validUntil: NOW + 100, ...over }), key);

function input(c: unknown, over: Partial<VerifyInput> = {}): VerifyInput {
	const keys: Record<string, { publicKey: typeof pair.publicKey; eventId: string }> = {
		k1: { publicKey: pair.publicKey, eventId: E },
		k2: { publicKey: pair2.publicKey, eventId: E2 }
	};
	return { code: c, eventId: E, keyOf: kid => keys[kid], isRevoked: () => false, nowS: NOW, leewayS: 30, ...over };
}

describe("events rules: check-in", () => {
	describe("verifyCode (what an offline scanner decides)", () => {
		it("accepts a good code and returns its claims", () => {
			const v = verifyCode(input(code()));
			expect(v.result).to.equal("ok");
			expect(v.claims).to.include({ ticketId: T, eventId: E, ticketTypeId: Y });
		});

		it("invalid_signature: unknown kid, another key, a changed byte, not a JWS", () => {
			expect(verifyCode(input(code({}, "nope"))).result).to.equal("invalid_signature");
			expect(verifyCode(input(code({}, "k1", pair2.privateKey))).result).to.equal("invalid_signature");
			const c = code();
			const i = c.lastIndexOf(".") + 7;
			expect(verifyCode(input(c.slice(0, i) + (c[i] === "x" ? "y" : "x") + c.slice(i + 1))).result).to.equal("invalid_signature");
			expect(verifyCode(input("hello")).result).to.equal("invalid_signature");
			expect(verifyCode(input(signCompact("k1", { hello: 1 }, pair.privateKey))).result).to.equal("invalid_signature");
		});

		it("wrong_event: a genuine ticket of another event, or a code claiming our event under another event's key", () => {
			expect(verifyCode(input(code({ eventId: E2 }, "k2", pair2.privateKey))).result).to.equal("wrong_event");
			expect(verifyCode(input(code({}, "k2", pair2.privateKey))).result).to.equal("wrong_event");
		});

		it("revoked before the window is looked at; not_valid_now outside the window plus leeway", () => {
			expect(verifyCode(input(code({ validFrom: NOW + 1000, validUntil: NOW + 2000 }), { isRevoked: id => id === T })).result).to.equal("revoked");
			expect(verifyCode(input(code({ validFrom: NOW + 31, validUntil: NOW + 100 }))).result).to.equal("not_valid_now");
			expect(verifyCode(input(code({ validFrom: NOW + 30, validUntil: NOW + 100 }))).result).to.equal("ok");
			expect(verifyCode(input(code({ validFrom: NOW - 200, validUntil: NOW - 31 }))).result).to.equal("not_valid_now");
		});
	});

	describe("decideOnline (under the ticket's row lock)", () => {
		const at = new Date(NOW * 1000);
		const first = new Date((NOW - 60) * 1000);
		const state = (s: Partial<TicketState>): TicketState => ({ status: "valid", allowsReentry: false, checkedInAt: null, revokedAt: null, ...s });

		it("a valid ticket enters once; the second scan is already_checked_in with the first time", () => {
			expect(decideOnline(state({}), at)).to.deep.equal({ result: "ok", enter: true, checkedInAt: at });
			expect(decideOnline(state({ status: "used", checkedInAt: first }), at)).to.deep.equal({ result: "already_checked_in", enter: false, checkedInAt: first });
		});

		it("re-entry only where the type allows it", () => {
			expect(decideOnline(state({ status: "used", checkedInAt: first, allowsReentry: true }), at)).to.deep.equal({ result: "ok", enter: true, checkedInAt: first });
		});

		it("a revoked or missing row is revoked", () => {
			expect(decideOnline(state({ status: "revoked", revokedAt: first }), at).result).to.equal("revoked");
			expect(decideOnline(null, at).result).to.equal("revoked");
		});
	});

	describe("decideSync (offline scans uploaded later: first scan wins)", () => {
		const t0 = new Date("2030-01-01T18:00:00Z");
		const t1 = new Date("2030-01-01T18:05:00Z");
		const state = (s: Partial<TicketState>): TicketState => ({ status: "valid", allowsReentry: false, checkedInAt: null, revokedAt: null, ...s });

		it("the first scan of a ticket enters", () => {
			expect(decideSync(state({}), t0)).to.deep.equal({ result: "ok", enter: true, checkedInAt: t0, conflict: null });
		});

		it("a later scan of an entered ticket is a conflict (double entry), the earlier entry stands", () => {
			expect(decideSync(state({ status: "used", checkedInAt: t0 }), t1)).to.deep.equal({ result: "already_checked_in", enter: false, checkedInAt: t0, conflict: { laterScan: "this" } });
			expect(decideSync(state({ status: "used", checkedInAt: t0 }), t0).conflict).to.deep.equal({ laterScan: "this" });
		});

		it("an earlier offline scan takes the first place; the recorded entry becomes the conflict", () => {
			expect(decideSync(state({ status: "used", checkedInAt: t1 }), t0)).to.deep.equal({ result: "ok", enter: true, checkedInAt: t0, conflict: { laterScan: "recorded" } });
		});

		it("re-entry types never conflict", () => {
			expect(decideSync(state({ status: "used", checkedInAt: t0, allowsReentry: true }), t1)).to.deep.equal({ result: "ok", enter: true, checkedInAt: t0, conflict: null });
		});

		it("revoked counts only from its revocation time on", () => {
			expect(decideSync(state({ status: "revoked", revokedAt: t0 }), t1).result).to.equal("revoked");
			expect(decideSync(state({ status: "revoked", revokedAt: t1 }), t0).result).to.equal("ok");
		});
	});
});
