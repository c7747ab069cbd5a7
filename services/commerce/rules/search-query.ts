/**
 * Product search inputs (docs/commerce.md "Search"): the words of `q` become
 * a prefix full-text query ("kiten" finds "kitenge"); sorts and their keyset
 * cursors. Pure, unit tested.
 */
export const SORTS = ["relevance", "newest", "price_asc", "price_desc", "popular"] as const;
export type Sort = (typeof SORTS)[number];
export type Mode = "fulltext" | "similar";

/** At most this many words reach the query: a pasted paragraph is not a search. */
export const QUERY_WORDS_MAX = 8;

/** The words of a query, lowercased, letters and digits only (any script). */
export function queryWords(q: string): string[] {
	return (q.normalize("NFKC").toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, QUERY_WORDS_MAX);
}

/** "Kitenge  red!" → "kitenge:* & red:*" for to_tsquery('simple', …); null when no word is left. */
export function prefixTsQuery(q: string): string | null {
	const words = queryWords(q);
	return words.length ? words.map(w => `${w}:*`).join(" & ") : null;
}

/** Relevance needs a query; without one the default is newest. */
export function effectiveSort(sort: Sort | undefined, hasQuery: boolean): Sort {
	if (!sort) return hasQuery ? "relevance" : "newest";
	return sort === "relevance" && !hasQuery ? "newest" : sort;
}

/**
 * The cursor of a results page: the mode the first page used (a search that
 * fell back to similar titles keeps doing so), the sort, and the last row's
 * key. Keys: relevance [score, id] (score a decimal string), newest
 * [publishedAt, id], price [price, id], popular [soldCount, id].
 */
export interface SearchCursor {
	m: Mode;
	s: Sort;
	k: [string | number, string];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isSearchCursor(c: unknown, sort: Sort): c is SearchCursor {
	if (!c || typeof c !== "object") return false;
	const { m, s, k } = c as SearchCursor;
	if ((m !== "fulltext" && m !== "similar") || s !== sort || !Array.isArray(k) || k.length !== 2 || typeof k[1] !== "string" || !UUID.test(k[1])) return false;
	switch (sort) {
		case "relevance":
			return typeof k[0] === "string" && /^\d+(\.\d+)?$/.test(k[0]);
		case "newest":
			return typeof k[0] === "string" && !Number.isNaN(Date.parse(k[0]));
		default:
			return typeof k[0] === "number" && Number.isSafeInteger(k[0]) && k[0] >= 0;
	}
}

/** Price bounds in minor units; a reversed range is the client's mistake, not an empty page. */
export function checkPriceRange(min?: number, max?: number): { ok: true } | { ok: false; message: string } {
	if (min !== undefined && max !== undefined && min > max) return { ok: false, message: "minPrice must not exceed maxPrice" };
	return { ok: true };
}
