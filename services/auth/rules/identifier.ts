/**
 * What people sign in with: a phone number or an email address, in one field.
 * Both normalise to the form stored on the account, so "0712 345 678" and
 * "+255712345678", or "Asha@Mail.com" and "asha@mail.com", find the same account
 * and share the same lockout and OTP limits.
 */
import { maskPhone, normalizePhone, type CountryCode } from "./phone";

export type Identifier = { kind: "phone"; value: string } | { kind: "email"; value: string };

// Deliberately simple: one @, a dot in the domain, no spaces. Deliverability is proven by the OTP, not by a regex.
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;

export function normalizeEmail(input: string): string | null {
	if (typeof input !== "string") return null;
	const email = input.trim().toLowerCase();
	return email.length <= 254 && EMAIL.test(email) ? email : null;
}

/** The identifier, normalised; null when it is neither a valid email nor a supported mobile number. */
export function parseIdentifier(input: string, defaultCountry: CountryCode): Identifier | null {
	if (typeof input !== "string") return null;
	if (input.includes("@")) {
		const email = normalizeEmail(input);
		return email ? { kind: "email", value: email } : null;
	}
	const phone = normalizePhone(input, defaultCountry);
	return phone.ok ? { kind: "phone", value: phone.e164 } : null;
}

/** "asha.mwinyi@mail.com" → "a•••••••••@mail.com". */
export function maskEmail(email: string): string {
	const at = email.lastIndexOf("@");
	const local = email.slice(0, at);
	return `${local[0]}${"•".repeat(Math.max(1, local.length - 1))}${email.slice(at)}`;
}

export function maskDestination(id: Identifier): string {
	return id.kind === "phone" ? maskPhone(id.value) : maskEmail(id.value);
}

export function channelOf(id: Identifier): "sms" | "email" {
	return id.kind === "phone" ? "sms" : "email";
}
