/** One-time codes: which text, how long it is valid, and how it looks at rest. */
import type { OtpPurpose } from "../../../lib/events/catalogue";

export function otpTemplateId(purpose: OtpPurpose): "otp.verify" | "otp.login" | "otp.reset" {
	return `otp.${purpose}`;
}

/** Whole minutes the code is valid, counted from when it was issued (never below 1). */
export function otpMinutes(expiresAt: string, issuedAt: string): number {
	return Math.max(1, Math.round((Date.parse(expiresAt) - Date.parse(issuedAt)) / 60_000));
}

/** What a stored copy shows instead of the code. */
export function maskCode(code: string): string {
	return "•".repeat(Math.max(4, code.length));
}
