/**
 * Phone numbers at the edge of the SMS providers (PROVIDERS.md §5.5, §6.1).
 * The platform stores E.164 ("+2557…"); each provider wants its own form, so
 * the conversion happens here and nowhere else.
 */

/** E.164: "+", a country code that does not start with 0, 8 to 15 digits in all. */
export function isE164(value: string): boolean {
	return /^\+[1-9]\d{7,14}$/.test(value);
}

/** Africa's Talking takes E.164 with the plus: "+255712345678". */
export function forAfricasTalking(e164: string): string {
	return e164;
}

/** Beem takes digits only: "255712345678". */
export function forBeem(e164: string): string {
	return e164.replace(/^\+/, "");
}

/** Masks all but the last three digits, for logs and operators' listings. */
export function maskPhone(e164: string): string {
	return e164.length <= 5 ? "***" : `${e164.slice(0, 4)}${"*".repeat(e164.length - 7)}${e164.slice(-3)}`;
}
