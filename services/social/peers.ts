/**
 * Everything social asks other domains (their internal actions, DESIGN.md §2):
 * users for profiles, relationships, followers and username lookups; files for
 * media; commerce and events for the live cards of embeds. Reads that recur
 * on every feed page are batched per page; users caches its answers itself
 * (its actions declare `cache`), media views and cards are kept briefly here.
 */
import { BoundedCache } from "../../lib/bounded-cache";
import type { ServiceBroker } from "moleculer";
import type { FileView } from "../../lib/files/file-view";

export type { FileView };
import type { EmbedType } from "./store/posts";
import { SocialError } from "./errors";
import { NO_RELATIONSHIP, type Relationship } from "./rules/visibility";

export interface ProfileCard {
	id: string;
	username: string;
	displayName: string;
	avatar: { url: string; blurhash: string | null } | null;
	isPrivate: boolean;
}

export interface FullRelationship extends Relationship {
	followedBy: boolean;
	requested: boolean;
}

/** The union of the card contracts of commerce (products, shops) and events. */
export interface EntityCard {
	title: string;
	imageUrl?: string | null;
	blurhash?: string | null;
	price?: number;
	currency?: string;
	inStock?: boolean;
	startsAt?: string;
	ticketsLeft?: number;
	shopId?: string;
	sellerId?: string;
	organizerId?: string;
	status?: string;
}

const CARD_ACTIONS: Record<EmbedType, string> = { product: "commerce.productCards", shop: "commerce.shopCards", event: "events.eventCards" };
/** Statuses under which an entity may be embedded in a new post. */
const EMBEDDABLE = new Set(["active", "published"]);
const BATCH = 500;
/** Cards are live data (price, stock, tickets left): kept only this long. */
export const CARD_CACHE_MS = 2_000;
/** Media URLs of public posts' files (presigned for days): the same files recur on every page. */
export const MEDIA_CACHE_MS = 30_000;
const CACHE_MAX = 20_000;

type Logger = { warn(...a: unknown[]): void };

function chunks<T>(xs: readonly T[], n: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
	return out;
}

const isMissingService = (err: unknown) => ["SERVICE_NOT_FOUND", "SERVICE_NOT_AVAILABLE"].includes((err as { type?: string }).type ?? "");

export class Peers {
	private media = new BoundedCache<FileView | null>({ max: CACHE_MAX, ttlMs: MEDIA_CACHE_MS });
	private cards = new BoundedCache<EntityCard | null>({ max: CACHE_MAX, ttlMs: CARD_CACHE_MS });

	constructor(private readonly broker: ServiceBroker, private readonly logger: Logger) {}

	async profiles(ids: readonly string[], viewerId: string | null): Promise<Map<string, ProfileCard>> {
		const out = new Map<string, ProfileCard>();
		const unique = [...new Set(ids)];
		await Promise.all(
			chunks(unique, BATCH).map(async batch => {
				const res = await this.broker.call<Record<string, ProfileCard>, object>("users.profiles", { ids: batch, ...(viewerId ? { viewerId } : {}) });
				for (const [id, card] of Object.entries(res ?? {})) out.set(id, card);
			})
		);
		return out;
	}

	async relationships(viewerId: string, ids: readonly string[]): Promise<Map<string, FullRelationship>> {
		const out = new Map<string, FullRelationship>();
		const others = [...new Set(ids)].filter(id => id !== viewerId);
		await Promise.all(
			chunks(others, BATCH).map(async batch => {
				const res = await this.broker.call<Record<string, FullRelationship>, object>("users.relationships", { viewerId, userIds: batch });
				for (const [id, rel] of Object.entries(res ?? {})) out.set(id, rel);
			})
		);
		return out;
	}

	relationshipOf(rels: Map<string, FullRelationship>, id: string): Relationship {
		return rels.get(id) ?? NO_RELATIONSHIP;
	}

	followerIds(userId: string, after: string | null, limit: number): Promise<{ ids: string[]; next: string | null }> {
		return this.broker.call("users.followerIds", { userId, limit, ...(after ? { after } : {}) });
	}

	/** A user by username as `asUserId` may see them (null: unknown, or they blocked the asker). */
	async userByUsername(username: string, asUserId: string): Promise<{ id: string; username: string } | null> {
		try {
			const user = await this.broker.call<{ id: string; username: string }, object>(
				"users.profile",
				{ idOrUsername: username },
				{ meta: { user: { userId: asUserId, sessionId: "", roles: [] } } }
			);
			return user?.id ? { id: user.id, username: user.username } : null;
		} catch (err) {
			if ((err as { code?: number }).code === 404) return null;
			throw err;
		}
	}

	/** Attaches the files to the post (files checks owner, purpose and state: 422 FILE_NOT_USABLE otherwise). */
	async claimMedia(ownerId: string, fileIds: string[], postId: string): Promise<void> {
		if (fileIds.length === 0) return;
		await this.broker.call("files.claim", { ownerId, fileIds, purpose: "post", ref: postRef(postId) });
		for (const id of fileIds) this.media.delete(id);
	}

	/** Detaches files a post no longer shows; a failure is logged (the daily cleanup never removes attached files, so nothing is lost). */
	async releaseMedia(fileIds: string[], postId: string): Promise<void> {
		if (fileIds.length === 0) return;
		for (const id of fileIds) this.media.delete(id);
		try {
			await this.broker.call("files.release", { fileIds, ref: postRef(postId) });
		} catch (err) {
			this.logger.warn(`Could not release files of post ${postId}:`, (err as Error).message);
		}
	}

	/** Media views by file id; files that are gone or unreadable are absent, and files being down shows posts without media rather than no posts. */
	async mediaViews(ids: readonly string[]): Promise<Map<string, FileView>> {
		const out = new Map<string, FileView>();
		const missing: string[] = [];
		for (const id of new Set(ids)) {
			const hit = this.media.get(id);
			if (hit) out.set(id, hit);
			else if (hit === undefined) missing.push(id);
		}
		if (missing.length === 0) return out;
		try {
			for (const batch of chunks(missing, BATCH)) {
				const res = await this.broker.call<Record<string, FileView>, object>("files.views", { ids: batch });
				for (const id of batch) {
					const file = res?.[id];
					// A file still processing is not remembered: its URLs appear once it is ready.
					if (file && file.status === "ready") this.media.set(id, file);
					if (file) out.set(id, file);
				}
			}
		} catch (err) {
			this.logger.warn("Post media unavailable (files.views failed):", (err as Error).message);
		}
		return out;
	}

	/** Live cards by `type:id`; an entity that does not exist, or a domain that is not running, has none. */
	async cardsFor(embeds: ReadonlyArray<{ type: EmbedType; id: string }>): Promise<Map<string, EntityCard>> {
		const out = new Map<string, EntityCard>();
		const byType = new Map<EmbedType, string[]>();
		for (const e of embeds) {
			const key = `${e.type}:${e.id}`;
			const hit = this.cards.get(key);
			if (hit) out.set(key, hit);
			else if (hit === undefined) byType.set(e.type, [...new Set([...(byType.get(e.type) ?? []), e.id])]);
		}
		await Promise.all(
			[...byType].map(async ([type, ids]) => {
				let res: Record<string, EntityCard>;
				try {
					res = await this.broker.call(CARD_ACTIONS[type], { ids });
				} catch (err) {
					if (!isMissingService(err)) this.logger.warn(`Cards unavailable (${CARD_ACTIONS[type]}):`, (err as Error).message);
					return;
				}
				for (const id of ids) {
					const card = res?.[id] ?? null;
					this.cards.set(`${type}:${id}`, card);
					if (card) out.set(`${type}:${id}`, card);
				}
			})
		);
		return out;
	}

	/** A new embed must name an entity its domain says exists and is live; the domain not running is a 422 EMBED_UNAVAILABLE. */
	async checkEmbed(type: EmbedType, id: string): Promise<void> {
		let res: Record<string, EntityCard>;
		try {
			res = await this.broker.call(CARD_ACTIONS[type], { ids: [id] });
		} catch (err) {
			if (isMissingService(err) || (err as { code?: number }).code === 503 || (err as { code?: number }).code === 504) throw SocialError.embedUnavailable(type);
			throw err;
		}
		const card = res?.[id];
		if (!card || (card.status && !EMBEDDABLE.has(card.status))) throw SocialError.embedNotFound(type, id);
	}
}

export const postRef = (postId: string) => `social:post:${postId}`;
