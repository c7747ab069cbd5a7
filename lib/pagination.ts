/**
 * Cursor pagination, the one way every list in the API pages (DESIGN.md §4):
 * `?cursor=&limit=` in, `{ items, nextCursor }` out.
 *
 * The cursor is the position after the last item of the page (typically the
 * keyset `[createdAt, id]`), JSON in base64url. It is opaque to clients, not
 * secret: each query still applies its own visibility rules, so a hand-made
 * cursor can only move the starting point. Keyset cursors, unlike offsets, do
 * not skip or repeat rows when new ones are inserted while a client pages.
 *
 * Usage in an action:
 *   params: { ...paginationParams, q: "string|optional" }
 *   const { limit, after } = readPage<[string, string]>(ctx.params);
 *   const rows = await query({ after, limit: limit + 1 });   // one extra row tells whether there is a next page
 *   return toPage(rows, limit, row => [row.createdAt, row.id]);
 */
import { badRequest, ErrorType } from "./errors";

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;
/** Longer cursors are refused before decoding: no legitimate position is this large. */
const MAX_CURSOR_LENGTH = 512;

export interface Page<T> {
	items: T[];
	nextCursor: string | null;
}

/** fastest-validator rules for the two query params; spread them into an action's params. */
export const paginationParams = {
	cursor: { type: "string", optional: true, max: MAX_CURSOR_LENGTH },
	limit: { type: "number", integer: true, min: 1, optional: true, convert: true }
} as const;

export function encodeCursor(position: unknown): string {
	return Buffer.from(JSON.stringify(position), "utf8").toString("base64url");
}

/** Decodes a cursor made by encodeCursor; anything else is a 400 INVALID_CURSOR. */
export function decodeCursor<T = unknown>(cursor: string): T {
	const invalid = () => badRequest("Invalid cursor", ErrorType.INVALID_CURSOR);
	if (typeof cursor !== "string" || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) throw invalid();
	if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
	try {
		return JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as T;
	} catch {
		throw invalid();
	}
}

/** The page size: default 20, at most 100 (a larger request is capped, not refused). */
export function pageLimit(raw: unknown): number {
	if (raw === undefined || raw === null || raw === "") return DEFAULT_PAGE_LIMIT;
	const n = typeof raw === "number" ? raw : Number(raw);
	if (!Number.isInteger(n) || n < 1) throw badRequest("limit must be a positive integer", ErrorType.VALIDATION_ERROR, { field: "limit" });
	return Math.min(n, MAX_PAGE_LIMIT);
}

/** Reads `cursor` and `limit` from action params; `after` is the decoded position or null. */
export function readPage<P = unknown>(params: { cursor?: unknown; limit?: unknown }): { limit: number; after: P | null } {
	const limit = pageLimit(params.limit);
	const cursor = params.cursor;
	if (cursor === undefined || cursor === null || cursor === "") return { limit, after: null };
	if (typeof cursor !== "string") throw badRequest("Invalid cursor", ErrorType.INVALID_CURSOR);
	return { limit, after: decodeCursor<P>(cursor) };
}

/**
 * Builds the response from rows fetched with `limit + 1`: the extra row, when
 * present, only proves that a next page exists and is not returned.
 */
export function toPage<T>(rows: T[], limit: number, positionOf: (last: T) => unknown): Page<T> {
	const hasMore = rows.length > limit;
	const items = hasMore ? rows.slice(0, limit) : rows;
	return {
		items,
		nextCursor: hasMore && items.length > 0 ? encodeCursor(positionOf(items[items.length - 1])) : null
	};
}
