/**
 * Paging a conversation by seq. Pages are always in ascending seq:
 *   after=N        the `limit` messages after N (catching up from a last seen seq)
 *   before=N       the `limit` messages just before N (scrolling back)
 *   after + before the messages between the two, from the oldest
 *   neither        the latest `limit` messages
 * Messages up to the member's `joined_seq` are outside every page.
 * Paging forward continues with `after` = the last seq of a page; scrolling
 * back with `before` = the first.
 */
export const HISTORY_DEFAULT_LIMIT = 50;
export const HISTORY_MAX_LIMIT = 200;

export interface HistoryQuery {
	/** Exclusive lower bound. */
	after: number;
	/** Exclusive upper bound, null: none. */
	before: number | null;
	/** Which end the page is taken from: the oldest ("asc") or the newest ("desc") matching messages. */
	from: "oldest" | "newest";
	limit: number;
}

export function historyQuery(input: { after?: number; before?: number; limit?: number }, joinedSeq: number): HistoryQuery {
	const limit = Math.min(Math.max(1, input.limit ?? HISTORY_DEFAULT_LIMIT), HISTORY_MAX_LIMIT);
	const after = Math.max(input.after ?? 0, joinedSeq);
	const before = input.before ?? null;
	// Only `before` (or nothing) asks for the page nearest the upper end.
	const from = input.after === undefined ? "newest" : "oldest";
	return { after, before, from, limit };
}

/** Rows fetched with limit + 1 in the query's order → the ascending page and whether more lie beyond it. */
export function toHistoryPage<T extends { seq: number }>(rows: T[], q: HistoryQuery): { items: T[]; hasMore: boolean } {
	const hasMore = rows.length > q.limit;
	const page = rows.slice(0, q.limit);
	if (q.from === "newest") page.reverse();
	return { items: page, hasMore };
}
