/**
 * What a profile may hold (PATCH /users/me). The validator schema checks
 * types and lengths; these rules normalise what people type and refuse what
 * would render badly or mislead (control characters, non-web links).
 */

export const DISPLAY_NAME_MAX = 80;
export const BIO_MAX = 300;
export const CITY_MAX = 80;
export const WEBSITE_MAX = 200;

export type InputResult<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

// C0/C1 controls and the bidi overrides that can make a name read backwards.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Collapses runs of whitespace (a display name is one line). */
export function cleanDisplayName(input: string): InputResult<string> {
	const value = input.replace(/\s+/g, " ").trim();
	if (!value) return { ok: false, field: "displayName", message: "must not be empty" };
	if (FORBIDDEN.test(value)) return { ok: false, field: "displayName", message: "contains control characters" };
	if ([...value].length > DISPLAY_NAME_MAX) return { ok: false, field: "displayName", message: `at most ${DISPLAY_NAME_MAX} characters` };
	return { ok: true, value };
}

/** A bio keeps its line breaks (at most two in a row) but no other control characters. */
export function cleanBio(input: string): InputResult<string> {
	const value = input.replace(/\r\n?/g, "\n").replace(/\n{3,}/g, "\n\n").trim();
	if (FORBIDDEN.test(value.replace(/\n/g, ""))) return { ok: false, field: "bio", message: "contains control characters" };
	if ([...value].length > BIO_MAX) return { ok: false, field: "bio", message: `at most ${BIO_MAX} characters` };
	return { ok: true, value };
}

/** "shop.example.com/asha" → "https://shop.example.com/asha"; only http(s) links with a real host. */
export function cleanWebsite(input: string): InputResult<string | null> {
	const raw = input.trim();
	if (!raw) return { ok: true, value: null };
	const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(raw) ? raw : `https://${raw}`;
	let url: URL;
	try {
		url = new URL(withScheme);
	} catch {
		return { ok: false, field: "website", message: "must be a web address" };
	}
	if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, field: "website", message: "must be an http(s) address" };
	if (!url.hostname.includes(".") || url.username || url.password) return { ok: false, field: "website", message: "must be a web address" };
	const value = url.toString();
	if (value.length > WEBSITE_MAX) return { ok: false, field: "website", message: `at most ${WEBSITE_MAX} characters` };
	return { ok: true, value };
}

export interface Location {
	country: string;
	city: string | null;
}

/** Country as ISO 3166-1 alpha-2 ("tz" → "TZ"); the city is free text. */
export function cleanLocation(input: { country?: string | null; city?: string | null } | null): InputResult<Location | null> {
	if (input === null) return { ok: true, value: null };
	const country = (input.country ?? "").trim().toUpperCase();
	if (!/^[A-Z]{2}$/.test(country)) return { ok: false, field: "location.country", message: "must be a two-letter country code" };
	const city = (input.city ?? "").replace(/\s+/g, " ").trim();
	if (FORBIDDEN.test(city)) return { ok: false, field: "location.city", message: "contains control characters" };
	if ([...city].length > CITY_MAX) return { ok: false, field: "location.city", message: `at most ${CITY_MAX} characters` };
	return { ok: true, value: { country, city: city || null } };
}
