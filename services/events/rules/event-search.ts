/** Turns a search box's text into a prefix tsquery: "jazz nig" → "jazz:* & nig:*". Pure. */
export const QUERY_MAX_WORDS = 8;

export function prefixQuery(q: string): string | null {
	const words = q
		.normalize("NFKC")
		.toLowerCase()
		.split(/[^\p{L}\p{N}]+/u)
		.filter(w => w.length > 0)
		.slice(0, QUERY_MAX_WORDS);
	if (words.length === 0) return null;
	return words.map(w => `${w}:*`).join(" & ");
}

/** "lat,lng" → coordinates, or null when it is not a valid pair. */
export function parseNear(raw: string): { lat: number; lng: number } | null {
	const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(raw);
	if (!m) return null;
	const lat = Number(m[1]);
	const lng = Number(m[2]);
	if (lat < -90 || lat > 90 || lng < -180 || lng > 180) return null;
	return { lat, lng };
}
