/**
 * "Did you mean to create this again?": an organizer's new event looks like
 * one they already have when the titles are nearly the same, they start
 * within a window of each other, and they are at the same place (venues
 * close together, or the same online link). A warning, never a refusal:
 * weekly events are legitimate.
 */
import type { Venue } from "./event-input";

/** Lower case, letters and digits only, single spaces: "Jazz Night!!" = "jazz  night". */
export function titleKey(title: string): string {
	return title
		.normalize("NFKC")
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]+/gu, " ")
		.trim();
}

function bigrams(s: string): Map<string, number> {
	const out = new Map<string, number>();
	const padded = ` ${s} `;
	const chars = [...padded];
	for (let i = 0; i < chars.length - 1; i++) {
		const g = chars[i] + chars[i + 1];
		out.set(g, (out.get(g) ?? 0) + 1);
	}
	return out;
}

/** Dice coefficient over character bigrams of the title keys, 0..1. */
export function titleSimilarity(a: string, b: string): number {
	const ka = titleKey(a);
	const kb = titleKey(b);
	if (ka === kb) return 1;
	const ga = bigrams(ka);
	const gb = bigrams(kb);
	let shared = 0;
	let total = 0;
	for (const n of ga.values()) total += n;
	for (const n of gb.values()) total += n;
	for (const [g, n] of ga) shared += Math.min(n, gb.get(g) ?? 0);
	return total === 0 ? 0 : (2 * shared) / total;
}

/** Great-circle distance in metres (haversine). */
export function distanceMetres(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
	const R = 6_371_000;
	const rad = (d: number) => (d * Math.PI) / 180;
	const dLat = rad(b.lat - a.lat);
	const dLng = rad(b.lng - a.lng);
	const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLng / 2) ** 2;
	return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface Comparable {
	title: string;
	startsAt: Date;
	venue: Venue | null;
	onlineUrl: string | null;
}

export const TITLE_SIMILARITY_MIN = 0.8;

export function looksLikeDuplicate(a: Comparable, b: Comparable, opts: { windowMs: number; distanceM: number }): boolean {
	if (Math.abs(a.startsAt.getTime() - b.startsAt.getTime()) > opts.windowMs) return false;
	if (titleSimilarity(a.title, b.title) < TITLE_SIMILARITY_MIN) return false;
	if (a.venue && b.venue) return distanceMetres(a.venue, b.venue) <= opts.distanceM;
	if (a.onlineUrl && b.onlineUrl) return a.onlineUrl === b.onlineUrl;
	return false;
}
