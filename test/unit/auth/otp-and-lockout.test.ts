import { expect } from "chai";
import crypto from "node:crypto";
import { ACCOUNT_LOCKOUT, ADDRESS_LOCKOUT, lockDurationMs, retryAfterSeconds, scaledPolicy } from "../../../services/auth/rules/lockout";
import { checkOtp, generateOtp, hashOtp, OTP_MAX_ATTEMPTS, OTP_TTL_MS, otpMatches } from "../../../services/auth/rules/otp";

describe("auth rules: one-time codes", () => {
	const pepper = crypto.randomBytes(32);

	it("makes 6-digit codes, leading zeros included, spread over the whole range", () => {
		const codes = Array.from({ length: 2000 }, generateOtp);
		expect(codes.every(c => /^\d{6}$/.test(c))).to.equal(true);
		expect(new Set(codes).size).to.be.greaterThan(1990);
		expect(codes.some(c => c.startsWith("0"))).to.equal(true);
	});

	it("stores a code as an HMAC bound to its id: equal codes have different hashes, the pepper is needed", () => {
		expect(hashOtp("123456", "a", pepper)).to.not.equal(hashOtp("123456", "b", pepper));
		expect(hashOtp("123456", "a", pepper)).to.not.include("123456");
		const stored = hashOtp("123456", "a", pepper);
		expect(otpMatches("123456", "a", stored, pepper)).to.equal(true);
		expect(otpMatches("123456", "a", stored, crypto.randomBytes(32))).to.equal(false);
		expect(otpMatches("12345", "a", stored, pepper)).to.equal(false);
	});

	it("expires after 10 minutes, dies after 5 wrong guesses and after use", () => {
		const now = Date.now();
		const base = { id: "o1", codeHash: hashOtp("424242", "o1", pepper), expiresAt: new Date(now + OTP_TTL_MS), attempts: 0, consumedAt: null };
		expect(OTP_TTL_MS).to.equal(600_000);
		expect(checkOtp(base, "424242", pepper, now)).to.equal("OK");
		expect(checkOtp(base, "000000", pepper, now)).to.equal("MISMATCH");
		expect(checkOtp(base, "424242", pepper, now + OTP_TTL_MS)).to.equal("EXPIRED");
		expect(checkOtp({ ...base, attempts: OTP_MAX_ATTEMPTS }, "424242", pepper, now)).to.equal("ATTEMPTS_EXCEEDED");
		expect(checkOtp({ ...base, consumedAt: new Date() }, "424242", pepper, now)).to.equal("CONSUMED");
	});
});

describe("auth rules: sign-in lockout maths", () => {
	it("allows the free failures, then locks 30 s doubling up to 15 min per account", () => {
		const locks = Array.from({ length: 12 }, (_, i) => lockDurationMs(i + 1, ACCOUNT_LOCKOUT));
		expect(locks.slice(0, 4)).to.deep.equal([0, 0, 0, 0]);
		expect(locks.slice(4, 10)).to.deep.equal([30_000, 60_000, 120_000, 240_000, 480_000, 900_000]);
		expect(locks[11]).to.equal(900_000);
		expect(lockDurationMs(1000, ACCOUNT_LOCKOUT)).to.equal(900_000);
	});

	it("locks an address after 20 failures, 1 min doubling up to 1 h, scaled by RATE_LIMIT_SCALE", () => {
		expect(lockDurationMs(19, ADDRESS_LOCKOUT)).to.equal(0);
		expect(lockDurationMs(20, ADDRESS_LOCKOUT)).to.equal(60_000);
		expect(lockDurationMs(40, ADDRESS_LOCKOUT)).to.equal(3_600_000);
		expect(scaledPolicy(ADDRESS_LOCKOUT, 10).freeFailures).to.equal(200);
		expect(scaledPolicy(ADDRESS_LOCKOUT, 0.001).freeFailures).to.equal(1);
	});

	it("rounds Retry-After up to whole seconds, at least one", () => {
		expect(retryAfterSeconds(1)).to.equal(1);
		expect(retryAfterSeconds(30_000)).to.equal(30);
		expect(retryAfterSeconds(30_001)).to.equal(31);
	});
});
