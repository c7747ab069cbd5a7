/**
 * Quiet hours: a daily window in the user's time zone during which
 * non-urgent push and SMS wait. Times are minutes after local midnight; a
 * window may cross midnight (22:00 → 07:00). Everything is computed from the
 * IANA zone, so a zone with daylight saving still ends the window at the
 * local wall-clock time the user chose.
 */

export interface QuietHours {
	enabled: boolean;
	/** Minutes after local midnight, 0–1439. */
	start: number;
	end: number;
	timezone: string;
}

export const DEFAULT_TIMEZONE = "Africa/Dar_es_Salaam";

const MINUTES_PER_DAY = 24 * 60;

/** "22:00" → 1320; anything else → null. */
export function parseClock(value: string): number | null {
	const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
	return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

export function formatClock(minutes: number): string {
	return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

export function isValidTimeZone(tz: string): boolean {
	try {
		new Intl.DateTimeFormat("en-US", { timeZone: tz });
		return true;
	} catch {
		return false;
	}
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClock(at: Date, tz: string) {
	let f = formatters.get(tz);
	if (!f) {
		f = new Intl.DateTimeFormat("en-US", {
			timeZone: tz,
			hourCycle: "h23",
			year: "numeric",
			month: "numeric",
			day: "numeric",
			hour: "numeric",
			minute: "numeric",
			second: "numeric"
		});
		formatters.set(tz, f);
	}
	const parts = Object.fromEntries(f.formatToParts(at).map(p => [p.type, p.value]));
	return {
		year: Number(parts.year),
		month: Number(parts.month),
		day: Number(parts.day),
		hour: Number(parts.hour),
		minute: Number(parts.minute),
		second: Number(parts.second)
	};
}

/** Minutes after local midnight at `at` in `tz`. */
export function localMinutes(at: Date, tz: string): number {
	const w = wallClock(at, tz);
	return w.hour * 60 + w.minute;
}

/** Local wall time minus UTC, in minutes (EAT: +180). */
export function utcOffsetMinutes(at: Date, tz: string): number {
	const w = wallClock(at, tz);
	const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
	return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

export function inQuietHours(at: Date, qh: QuietHours): boolean {
	if (!qh.enabled || qh.start === qh.end) return false;
	const m = localMinutes(at, qh.timezone);
	return qh.start < qh.end ? m >= qh.start && m < qh.end : m >= qh.start || m < qh.end;
}

/**
 * When the quiet window that contains `at` ends, or null when `at` is not in
 * one. The result is the first instant whose local wall time is `end`.
 */
export function quietHoursEnd(at: Date, qh: QuietHours): Date | null {
	if (!inQuietHours(at, qh)) return null;
	const w = wallClock(at, qh.timezone);
	const now = w.hour * 60 + w.minute;
	const minutesAhead = (qh.end - now + MINUTES_PER_DAY) % MINUTES_PER_DAY;
	// Start of the current local minute, then forward by wall-clock minutes…
	const minuteStart = at.getTime() - w.second * 1000 - (at.getTime() % 1000);
	let candidate = new Date(minuteStart + minutesAhead * 60_000);
	// …corrected when a daylight-saving change lies in between.
	const drift = utcOffsetMinutes(at, qh.timezone) - utcOffsetMinutes(candidate, qh.timezone);
	if (drift !== 0) candidate = new Date(candidate.getTime() + drift * 60_000);
	return candidate;
}
