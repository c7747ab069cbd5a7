/**
 * Mobile numbers of the markets we serve, normalised to E.164 (DESIGN.md §4).
 *
 * People type numbers the way they dial them: "0712 345 678", "712345678",
 * "255712345678", "+255 712-345-678", "00255712345678". All of these are the
 * same subscriber; we store one form so that a phone is unique and an OTP
 * reaches it. Only mobile ranges are accepted: an OTP sent to a landline never
 * arrives, and a landline number is almost always a typo.
 *
 * The ranges are the national numbering plans' mobile prefixes, kept broad
 * (whole leading digit where a plan reserves it for mobiles) so that a new
 * operator range does not lock its subscribers out.
 */

export type CountryCode = "TZ" | "KE" | "UG" | "RW" | "BI" | "CD";

interface NumberingPlan {
	dialCode: string;
	/** National significant number of a mobile line (no trunk 0). */
	mobile: RegExp;
}

export const NUMBERING_PLANS: Readonly<Record<CountryCode, NumberingPlan>> = {
	// Tanzania: 9 digits, mobiles 6x and 7x (Vodacom 74–76, Airtel 68/78, Tigo 65/71, Halotel 62…); landlines 2x.
	TZ: { dialCode: "255", mobile: /^[67]\d{8}$/ },
	// Kenya: 9 digits, mobiles 7xx and the newer 10x/11x ranges; landlines 20, 4x, 5x, 6x.
	KE: { dialCode: "254", mobile: /^(7\d{8}|1[01]\d{7})$/ },
	// Uganda: 9 digits, mobiles 7x; landlines 3x/4x.
	UG: { dialCode: "256", mobile: /^7\d{8}$/ },
	// Rwanda: 9 digits, mobiles 72/73 (Airtel), 78/79 (MTN); landlines 25x.
	RW: { dialCode: "250", mobile: /^7[2389]\d{7}$/ },
	// Burundi: 8 digits, mobiles 6x/7x; landlines 22.
	BI: { dialCode: "257", mobile: /^[67]\d{7}$/ },
	// DR Congo: 9 digits, mobiles 8x/9x; fixed lines are practically gone but start with 1–2.
	CD: { dialCode: "243", mobile: /^[89]\d{8}$/ }
};

export const SUPPORTED_COUNTRIES = Object.keys(NUMBERING_PLANS) as CountryCode[];

export type PhoneResult =
	| { ok: true; e164: string; country: CountryCode }
	| { ok: false; reason: "EMPTY" | "INVALID_CHARACTERS" | "UNSUPPORTED_COUNTRY" | "NOT_MOBILE" };

const byDialCode = new Map(SUPPORTED_COUNTRIES.map(c => [NUMBERING_PLANS[c].dialCode, c]));

/** Normalises a typed number; local forms are read in `defaultCountry`. */
export function normalizePhone(input: string, defaultCountry: CountryCode = "TZ"): PhoneResult {
	if (typeof input !== "string" || !input.trim()) return { ok: false, reason: "EMPTY" };
	const compact = input.trim().replace(/[\s\-().]/g, "");
	if (!/^\+?\d{6,16}$/.test(compact)) return { ok: false, reason: "INVALID_CHARACTERS" };

	let international: string | null = null;
	if (compact.startsWith("+")) international = compact.slice(1);
	else if (compact.startsWith("00")) international = compact.slice(2);

	if (international !== null) return withCountryCode(international);

	const plan = NUMBERING_PLANS[defaultCountry];
	// 0712… (trunk prefix) or 712… (what people type after seeing "+255" in a form).
	const national = compact.startsWith("0") ? compact.slice(1) : compact;
	if (plan.mobile.test(national)) return { ok: true, e164: `+${plan.dialCode}${national}`, country: defaultCountry };
	// 255712… typed without the plus.
	const withCode = withCountryCode(compact);
	if (withCode.ok) return withCode;
	return { ok: false, reason: withCode.reason === "UNSUPPORTED_COUNTRY" ? "NOT_MOBILE" : withCode.reason };
}

function withCountryCode(digits: string): PhoneResult {
	const country = byDialCode.get(digits.slice(0, 3));
	if (!country) return { ok: false, reason: "UNSUPPORTED_COUNTRY" };
	let national = digits.slice(3);
	// "+255 0712…" is a common mix of both forms.
	if (national.startsWith("0")) national = national.slice(1);
	if (!NUMBERING_PLANS[country].mobile.test(national)) return { ok: false, reason: "NOT_MOBILE" };
	return { ok: true, e164: `+${NUMBERING_PLANS[country].dialCode}${national}`, country };
}

/** "+255712345678" → "+255•••••5678": enough for the owner to recognise, useless to anyone else. */
export function maskPhone(e164: string): string {
	return `${e164.slice(0, 4)}${"•".repeat(Math.max(0, e164.length - 8))}${e164.slice(-4)}`;
}
