/**
 * Feed entries and their one order. An entry is a post id with a score: the
 * epoch milliseconds of what put it in the feed (the post, or the latest
 * repost by someone followed). Order: score descending, then id descending —
 * the order a Redis sorted set gives with ZREVRANGEBYSCORE, and the one the
 * PostgreSQL fallbacks sort by, so pages from either source line up.
 */
export interface FeedEntry {
	postId: string;
	score: number;
}

/** A keyset position: the last entry a page returned. */
export type FeedPosition = [number, string];

export function compareEntries(a: FeedEntry, b: FeedEntry): number {
	if (a.score !== b.score) return b.score - a.score;
	return a.postId < b.postId ? 1 : a.postId > b.postId ? -1 : 0;
}

/** Whether `e` comes strictly after the position in feed order. */
export function isAfter(e: FeedEntry, pos: FeedPosition | null): boolean {
	if (!pos) return true;
	return e.score < pos[0] || (e.score === pos[0] && e.postId < pos[1]);
}

/** Several ordered sources as one: a post that appears more than once keeps its highest score. */
export function mergeEntries(...sources: FeedEntry[][]): FeedEntry[] {
	const best = new Map<string, number>();
	for (const list of sources) for (const e of list) best.set(e.postId, Math.max(best.get(e.postId) ?? -Infinity, e.score));
	return [...best].map(([postId, score]) => ({ postId, score })).sort(compareEntries);
}

export function isPosition(v: unknown): v is FeedPosition {
	return Array.isArray(v) && v.length === 2 && typeof v[0] === "number" && Number.isFinite(v[0]) && typeof v[1] === "string" && /^[0-9a-f-]{36}$/.test(v[1]);
}
