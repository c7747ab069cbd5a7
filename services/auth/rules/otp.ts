/**
 * One-time codes: 6 digits from a CSPRNG, stored only as an HMAC under a
 * server-side pepper (a stolen table reveals nothing usable, and 10^6 codes
 * cannot be brute-forced offline without the pepper), valid 10 minutes, at
 * most 5 guesses each.
 *
 * Guessing budget: 5 attempts per code and at most 5 codes per destination per
 * hour (otp limits below) = 25 guesses/hour against 10^6 codes.
 */
import crypto from "node:crypto";

export const OTP_DIGITS = 6;
export const OTP_TTL_MS = 10 * 60_000;
export const OTP_MAX_ATTEMPTS = 5;

/** Sending limits (each × RATE_LIMIT_SCALE for the per-address one only: the others protect one person). */
export const OTP_LIMITS = {
	/** Least time between two codes for the same destination and purpose. */
	resendCooldownMs: 60_000,
	/** Codes per destination per hour (any purpose). */
	perDestination: { window: 60 * 60_000, limit: 5 },
	/** Codes requested per client address per hour. */
	perAddress: { window: 60 * 60_000, limit: 20 }
} as const;

export function generateOtp(): string {
	return String(crypto.randomInt(0, 10 ** OTP_DIGITS)).padStart(OTP_DIGITS, "0");
}

/** HMAC-SHA-256 of the code bound to its OTP id, so equal codes never have equal hashes. */
export function hashOtp(code: string, otpId: string, pepper: Buffer): string {
	return crypto.createHmac("sha256", pepper).update(`${otpId}:${code}`).digest("base64url");
}

export function otpMatches(code: string, otpId: string, storedHash: string, pepper: Buffer): boolean {
	if (!/^\d{6}$/.test(code)) return false;
	const a = Buffer.from(hashOtp(code, otpId, pepper));
	const b = Buffer.from(storedHash);
	return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export type OtpCheck = "OK" | "EXPIRED" | "CONSUMED" | "ATTEMPTS_EXCEEDED" | "MISMATCH";

export interface OtpState {
	id: string;
	codeHash: string;
	expiresAt: Date;
	attempts: number;
	consumedAt: Date | null;
}

/** The verdict on one guess; the caller records an attempt for anything but OK/EXPIRED/CONSUMED. */
export function checkOtp(otp: OtpState, code: string, pepper: Buffer, now = Date.now()): OtpCheck {
	if (otp.consumedAt) return "CONSUMED";
	if (otp.expiresAt.getTime() <= now) return "EXPIRED";
	if (otp.attempts >= OTP_MAX_ATTEMPTS) return "ATTEMPTS_EXCEEDED";
	return otpMatches(code, otp.id, otp.codeHash, pepper) ? "OK" : "MISMATCH";
}
