/**
 * One way every post list pages: fetch entries after the cursor in feed
 * order, render them for the viewer (which drops what they may not see), and
 * go on until the page is full or the source ends. The cursor is the last
 * entry examined, so posts filtered out are never examined twice and a page
 * never repeats or skips a visible post.
 */
import { badRequest, ErrorType } from "../../../lib/errors";
import { encodeCursor, readPage, type Page } from "../../../lib/pagination";
import { isPosition, type FeedEntry, type FeedPosition } from "../rules/feed-order";
import type { SocialRuntime } from "../runtime";
import { renderPosts, type PostView, type RenderOptions } from "../flows/render";

/** Rounds of fetching per page: a page of mostly hidden posts ends early with a cursor rather than scanning on. */
const MAX_ROUNDS = 5;

export interface ListSource {
	/** Entries strictly after the position, in feed order, at most n. */
	fetch(pos: FeedPosition | null, n: number): Promise<FeedEntry[]>;
	/** How to render (feeds add who reposted and who belongs). */
	options: RenderOptions;
}

export function readPosition(params: { cursor?: string; limit?: number }): { limit: number; after: FeedPosition | null } {
	const { limit, after } = readPage<FeedPosition>(params);
	if (after !== null && !isPosition(after)) throw badRequest("Invalid cursor", ErrorType.INVALID_CURSOR);
	return { limit, after };
}

export async function collectPage(rt: SocialRuntime, viewerId: string | null, params: { cursor?: string; limit?: number }, source: ListSource): Promise<Page<PostView>> {
	const { limit, after } = readPosition(params);
	const out: Array<{ entry: FeedEntry; view: PostView }> = [];
	let pos = after;
	let exhausted = false;
	for (let round = 0; round < MAX_ROUNDS && out.length <= limit; round++) {
		const n = limit + 1 - out.length;
		const entries = await source.fetch(pos, n);
		if (entries.length < n) exhausted = true;
		if (entries.length === 0) break;
		const views = new Map((await renderPosts(rt, entries.map(e => e.postId), viewerId, source.options)).map(v => [v.id, v]));
		for (const entry of entries) {
			const view = views.get(entry.postId);
			if (view) out.push({ entry, view });
		}
		pos = [entries[entries.length - 1].score, entries[entries.length - 1].postId];
		if (exhausted) break;
	}
	const items = out.slice(0, limit);
	let nextCursor: string | null = null;
	if (out.length > limit) {
		const last = items[items.length - 1].entry;
		nextCursor = encodeCursor([last.score, last.postId]);
	} else if (!exhausted && pos) {
		// The rounds ran out on hidden posts: continue from the last one examined.
		nextCursor = encodeCursor(pos);
	}
	return { items: items.map(i => i.view), nextCursor };
}
