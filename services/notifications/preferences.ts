/**
 * The preferences resource (GET|PATCH /notifications/preferences): what the
 * client sees (every category × channel, effective values, quiet hours as
 * "HH:MM" in a zone) and how a patch applies to what is stored (overrides only,
 * so improved defaults still reach users who never changed a setting).
 */
import { badRequest, ErrorType } from "../../lib/errors";
import { CATEGORIES, CHANNELS, effectivePrefs, type Category, type Channel, type ChannelOverrides, type ChannelPrefs } from "./rules/channels";
import { formatClock, isValidTimeZone, parseClock } from "./rules/quiet-hours";
import type { StoredPreferences } from "./store/preferences";

export interface PreferencesView {
	channels: ChannelPrefs;
	quietHours: { enabled: boolean; start: string; end: string; timezone: string };
}

export interface PreferencesPatch {
	channels?: Partial<Record<Category, Partial<Record<Channel, boolean>>>>;
	quietHours?: { enabled?: boolean; start?: string; end?: string; timezone?: string };
}

export function preferencesView(p: StoredPreferences): PreferencesView {
	return {
		channels: effectivePrefs(p.overrides),
		quietHours: { enabled: p.quietHours.enabled, start: formatClock(p.quietHours.start), end: formatClock(p.quietHours.end), timezone: p.quietHours.timezone }
	};
}

function invalid(field: string, message: string): Error {
	return badRequest("Parameters validation error!", ErrorType.VALIDATION_ERROR, [{ field, type: "invalid", message }]);
}

export function applyPatch(current: StoredPreferences, patch: PreferencesPatch): StoredPreferences {
	const overrides: ChannelOverrides = structuredClone(current.overrides);
	for (const [category, flags] of Object.entries(patch.channels ?? {})) {
		if (!(CATEGORIES as readonly string[]).includes(category)) throw invalid(`channels.${category}`, `unknown category (known: ${CATEGORIES.join(", ")})`);
		for (const [channel, value] of Object.entries(flags ?? {})) {
			if (!(CHANNELS as readonly string[]).includes(channel)) throw invalid(`channels.${category}.${channel}`, `unknown channel (known: ${CHANNELS.join(", ")})`);
			(overrides[category as Category] ??= {})[channel as Channel] = value;
		}
	}
	const qh = { ...current.quietHours };
	const q = patch.quietHours ?? {};
	if (q.enabled !== undefined) qh.enabled = q.enabled;
	for (const field of ["start", "end"] as const) {
		if (q[field] === undefined) continue;
		const minutes = parseClock(q[field]!);
		if (minutes === null) throw invalid(`quietHours.${field}`, "must be a time HH:MM (00:00–23:59)");
		qh[field] = minutes;
	}
	if (q.timezone !== undefined) {
		if (!isValidTimeZone(q.timezone)) throw invalid("quietHours.timezone", "must be an IANA time zone such as Africa/Dar_es_Salaam");
		qh.timezone = q.timezone;
	}
	return { overrides, quietHours: qh };
}
