/**
 * What an event may say about itself: lengths, categories, times with a
 * real IANA zone, and exactly one place (a venue with coordinates, or an
 * online link). Pure: the flows call it before touching the database.
 */
export const TITLE_MIN = 3;
export const TITLE_MAX = 140;
export const DESCRIPTION_MAX = 5000;
/** An event lasts at most this long (a festival, not a season). */
export const MAX_DURATION_MS = 31 * 86_400_000;
export const CATEGORIES = ["music", "arts", "business", "education", "food", "sports", "tech", "community", "religion", "health", "nightlife", "other"] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Venue {
	name: string;
	address: string;
	city: string;
	region?: string;
	country?: string;
	lat: number;
	lng: number;
}

export interface EventFields {
	title: string;
	description: string;
	category: Category;
	startsAt: Date;
	endsAt: Date;
	timezone: string;
	venue: Venue | null;
	onlineUrl: string | null;
}

export interface EventInput {
	title?: string;
	description?: string;
	category?: string;
	startsAt?: string;
	endsAt?: string;
	timezone?: string;
	venue?: Partial<Venue> | null;
	online?: { url?: string } | null;
}

export type Problem = { field: string; message: string };

const codePoints = (s: string) => [...s].length;

export function isTimeZone(tz: string): boolean {
	try {
		new Intl.DateTimeFormat("en", { timeZone: tz });
		return tz.length > 0;
	} catch {
		return false;
	}
}

/** ISO 8601 with an explicit offset or Z: a bare local time would be read in the server's zone. */
export function parseInstant(raw: string): Date | null {
	if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw)) return null;
	const d = new Date(raw);
	return Number.isNaN(d.getTime()) ? null : d;
}

function checkVenue(v: Partial<Venue>): Problem | Venue {
	const text = (k: "name" | "address" | "city" | "region" | "country", required: boolean): string | undefined | Problem => {
		const value = v[k];
		if (value === undefined || value === null || value === "") return required ? { field: `venue.${k}`, message: "required" } : undefined;
		if (typeof value !== "string" || codePoints(value.trim()) === 0 || codePoints(value) > 200) return { field: `venue.${k}`, message: "1–200 characters" };
		return value.trim();
	};
	const out: Record<string, unknown> = {};
	for (const [k, required] of [["name", true], ["address", true], ["city", true], ["region", false], ["country", false]] as const) {
		const r = text(k, required);
		if (r && typeof r === "object") return r;
		if (r !== undefined) out[k] = r;
	}
	if (typeof v.lat !== "number" || !Number.isFinite(v.lat) || v.lat < -90 || v.lat > 90) return { field: "venue.lat", message: "a latitude between -90 and 90" };
	if (typeof v.lng !== "number" || !Number.isFinite(v.lng) || v.lng < -180 || v.lng > 180) return { field: "venue.lng", message: "a longitude between -180 and 180" };
	return { ...(out as Omit<Venue, "lat" | "lng">), lat: v.lat, lng: v.lng };
}

function checkUrl(raw: unknown): string | Problem {
	if (typeof raw !== "string" || raw.length > 2000) return { field: "online.url", message: "an https URL" };
	try {
		const u = new URL(raw);
		if (u.protocol !== "https:") return { field: "online.url", message: "an https URL" };
		return u.toString();
	} catch {
		return { field: "online.url", message: "an https URL" };
	}
}

/**
 * The fields an event ends up with after applying `input` on `current`
 * (null for a new event), or the first problem. `now` guards against
 * creating or moving an event into the past.
 */
export function resolveEventFields(input: EventInput, current: EventFields | null, now: Date): EventFields | Problem {
	const title = input.title !== undefined ? input.title.trim() : current?.title;
	if (title === undefined) return { field: "title", message: "required" };
	if (codePoints(title) < TITLE_MIN || codePoints(title) > TITLE_MAX) return { field: "title", message: `${TITLE_MIN}–${TITLE_MAX} characters` };
	const description = input.description !== undefined ? input.description.trim() : current?.description ?? "";
	if (codePoints(description) > DESCRIPTION_MAX) return { field: "description", message: `at most ${DESCRIPTION_MAX} characters` };
	const category = input.category ?? current?.category;
	if (category === undefined) return { field: "category", message: "required" };
	if (!(CATEGORIES as readonly string[]).includes(category)) return { field: "category", message: `one of ${CATEGORIES.join(", ")}` };
	const timezone = input.timezone ?? current?.timezone;
	if (timezone === undefined) return { field: "timezone", message: "required" };
	if (!isTimeZone(timezone)) return { field: "timezone", message: "an IANA time zone such as Africa/Dar_es_Salaam" };

	let startsAt = current?.startsAt;
	if (input.startsAt !== undefined) {
		const d = parseInstant(input.startsAt);
		if (!d) return { field: "startsAt", message: "an ISO 8601 time with an offset" };
		startsAt = d;
	}
	let endsAt = current?.endsAt;
	if (input.endsAt !== undefined) {
		const d = parseInstant(input.endsAt);
		if (!d) return { field: "endsAt", message: "an ISO 8601 time with an offset" };
		endsAt = d;
	}
	if (!startsAt) return { field: "startsAt", message: "required" };
	if (!endsAt) return { field: "endsAt", message: "required" };
	if ((input.startsAt !== undefined || !current) && startsAt.getTime() <= now.getTime()) return { field: "startsAt", message: "must be in the future" };
	if (endsAt.getTime() <= startsAt.getTime()) return { field: "endsAt", message: "must be after startsAt" };
	if (endsAt.getTime() - startsAt.getTime() > MAX_DURATION_MS) return { field: "endsAt", message: "an event lasts at most 31 days" };

	let venue = current?.venue ?? null;
	let onlineUrl = current?.onlineUrl ?? null;
	const givesVenue = input.venue !== undefined && input.venue !== null;
	const givesOnline = input.online !== undefined && input.online !== null;
	if (givesVenue && givesOnline) return { field: "venue", message: "give a venue or an online link, not both" };
	if (givesVenue) {
		const v = checkVenue(input.venue as Partial<Venue>);
		if ("field" in v) return v;
		venue = v;
		onlineUrl = null;
	} else if (givesOnline) {
		const u = checkUrl((input.online as { url?: string }).url);
		if (typeof u !== "string") return u;
		onlineUrl = u;
		venue = null;
	}
	if (!venue && !onlineUrl) return { field: "venue", message: "a venue or an online link is required" };
	return { title, description, category: category as Category, startsAt, endsAt, timezone, venue, onlineUrl };
}
