/**
 * The other post lists: a user's posts, a tag's posts, my mentions, explore
 * (ranked, rules/ranking.ts) and trending tags. All apply visibility at read
 * through the one renderer; lists other than a user's own page also apply mutes.
 */
import { encodeCursor, readPage, type Page } from "../../../lib/pagination";
import { badRequest, ErrorType } from "../../../lib/errors";
import { SocialError } from "../errors";
import { rank } from "../rules/ranking";
import { normaliseTag } from "../rules/text";
import { authorPosts, exploreCandidates, mentionPosts, tagPosts, trendingTags } from "../store/lists";
import { db, type SocialRuntime } from "../runtime";
import { renderPosts, type PostView } from "../flows/render";
import { collectPage } from "./paging";

type PageParams = { cursor?: string; limit?: number };
const plain = { listing: true };

export async function userPosts(rt: SocialRuntime, viewerId: string, userId: string, params: PageParams): Promise<Page<PostView>> {
	const author = (await rt.peers.profiles([userId], viewerId)).get(userId);
	const rel = author && userId !== viewerId ? (await rt.peers.relationships(viewerId, [userId])).get(userId) : undefined;
	if (!author || rel?.blockedBy) throw SocialError.userNotFound();
	return collectPage(rt, viewerId, params, { fetch: (pos, n) => authorPosts(db(rt), userId, pos, n), options: { listing: false } });
}

export async function hashtagPosts(rt: SocialRuntime, viewerId: string, rawTag: string, params: PageParams): Promise<Page<PostView>> {
	const tag = normaliseTag(rawTag);
	if (!tag) throw SocialError.invalidTag();
	return collectPage(rt, viewerId, params, { fetch: (pos, n) => tagPosts(db(rt), tag, pos, n), options: plain });
}

export async function myMentions(rt: SocialRuntime, viewerId: string, params: PageParams): Promise<Page<PostView>> {
	return collectPage(rt, viewerId, params, { fetch: (pos, n) => mentionPosts(db(rt), viewerId, pos, n), options: plain });
}

/** How many candidates explore ranks (how long a ranking serves: SOCIAL_EXPLORE_REFRESH_SECONDS). */
const EXPLORE_CANDIDATES = 1000;

export class Rankings {
	private explore: { ids: string[]; until: number } | null = null;
	private trending: { items: Array<{ tag: string; authors: number; posts: number }>; until: number } | null = null;

	constructor(private readonly rt: SocialRuntime) {}

	async exploreIds(): Promise<string[]> {
		if (this.explore && this.explore.until > Date.now()) return this.explore.ids;
		const cfg = this.rt.cfg.explore;
		const ranked = rank(await exploreCandidates(db(this.rt), cfg.windowHours, EXPLORE_CANDIDATES), new Date(), cfg.halfLifeHours);
		this.explore = { ids: ranked.map(c => c.id), until: Date.now() + cfg.refreshMs };
		return this.explore.ids;
	}

	async trendingTags(limit: number) {
		if (!this.trending || this.trending.until <= Date.now()) {
			const rows = await trendingTags(db(this.rt), this.rt.cfg.trendingWindowHours, 50);
			this.trending = { items: rows.map(r => ({ tag: r.tag, authors: Number(r.authors), posts: Number(r.posts) })), until: Date.now() + this.rt.cfg.trendingRefreshMs };
		}
		return { items: this.trending.items.slice(0, limit), nextCursor: null };
	}

	/** Explore pages by offset into the current ranking (a ranked list has no stable keyset); mutes and visibility apply. */
	async explorePage(viewerId: string, params: PageParams): Promise<Page<PostView>> {
		const { limit, after } = readPage<number>(params);
		if (after !== null && !(Number.isInteger(after) && after >= 0)) throw badRequest("Invalid cursor", ErrorType.INVALID_CURSOR);
		const ids = await this.exploreIds();
		const items: PostView[] = [];
		let offset = after ?? 0;
		while (items.length < limit && offset < ids.length) {
			const slice = ids.slice(offset, offset + limit * 2);
			const views = new Map((await renderPosts(this.rt, slice, viewerId, { listing: true })).map(v => [v.id, v]));
			for (const id of slice) {
				if (items.length === limit) break;
				offset += 1;
				const v = views.get(id);
				if (v) items.push(v);
			}
		}
		return { items, nextCursor: offset < ids.length ? encodeCursor(offset) : null };
	}
}
