/**
 * "Find me by phone number": the profile keeps a SHA-256 of the E.164 number
 * as a lookup key, not the number itself. Phone numbers are few enough to
 * enumerate, so this keeps the number out of casual reads of the users schema;
 * it is not a secret. The number is normalised with auth's rules, so every
 * way of typing it finds the same key.
 */
import crypto from "node:crypto";
import { normalizePhone } from "../../auth/rules/phone";

export function phoneKey(e164: string): string {
	return crypto.createHash("sha256").update(`nexgate-users-phone:${e164}`).digest("hex");
}

/** The key of what someone typed, or null when it is not a supported mobile number. Local forms read as Tanzanian. */
export function phoneKeyOfInput(input: string): string | null {
	const phone = normalizePhone(input, "TZ");
	return phone.ok ? phoneKey(phone.e164) : null;
}
