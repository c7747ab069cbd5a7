/**
 * Posts as API.md shows them, for one viewer, built in one batch per page:
 * one query for social's own rows (store/hydrate.ts) and one call per peer
 * (profiles, relationships, media, each card domain).
 * Visibility is decided here for every post (rules/visibility.ts): a post
 * the viewer may not see is dropped, a quote of one shows `quote: null`.
 */
import { canSee } from "../rules/visibility";
import type { FileView, FullRelationship, ProfileCard } from "../peers";
import { loadPosts, type LoadedPost } from "../store/hydrate";
import type { EmbedType, MentionRef, PostRow } from "../store/posts";
import { db, type SocialRuntime } from "../runtime";

export interface AuthorView {
	id: string;
	username: string;
	displayName: string;
	avatar: { url: string; blurhash: string | null } | null;
}

export interface PollView {
	options: Array<{ id: string; text: string; votes: number }>;
	multiple: boolean;
	expiresAt: string;
	expired: boolean;
	totalVotes: number;
	voters: number;
	viewerVotes: string[];
}

export interface PostView {
	id: string;
	author: AuthorView;
	text: string;
	media: FileView[];
	embed?: { type: EmbedType; id: string; card: Record<string, unknown> | null };
	visibility: string;
	mentions: MentionRef[];
	hashtags: string[];
	counts: { likes: number; comments: number; reposts: number; quotes: number };
	viewer: { liked: boolean; reposted: boolean };
	poll?: PollView;
	quoteOf: string | null;
	quote?: PostView | null;
	createdAt: string;
	editedAt: string | null;
	repostedBy?: AuthorView[];
}

export interface RenderOptions {
	/** A list (feeds, explore, tags, mentions): mutes hide posts. */
	listing: boolean;
	/** Feeds: show who among the people the viewer follows reposted each post (repostedBy). */
	feed?: boolean;
	/** Feeds: whether a visible post belongs in this list, given the viewer's relationship with its author. */
	member?(row: PostRow, rel: FullRelationship | undefined, view: PostView): boolean;
}

export interface RenderContext {
	profiles: Map<string, ProfileCard>;
	rels: Map<string, FullRelationship>;
}

const authorView = (p: ProfileCard): AuthorView => ({ id: p.id, username: p.username, displayName: p.displayName, avatar: p.avatar });

/** The API card: the contract's display fields, plus the ids a client needs to buy or book from the post. */
function cardView(card: Record<string, unknown> | undefined): Record<string, unknown> | null {
	if (!card) return null;
	const keys = ["title", "imageUrl", "blurhash", "price", "currency", "inStock", "startsAt", "ticketsLeft", "status", "shopId", "sellerId", "organizerId"];
	return Object.fromEntries(keys.filter(k => card[k] !== undefined).map(k => [k, card[k]]));
}

function pollView(row: NonNullable<LoadedPost["poll"]>, viewerVotes: string[] | null, now: Date): PollView {
	const options = row.options ?? [];
	return {
		options,
		multiple: row.multiple,
		expiresAt: new Date(row.expires_at).toISOString(),
		expired: now.getTime() >= new Date(row.expires_at).getTime(),
		totalVotes: options.reduce((sum, o) => sum + o.votes, 0),
		voters: row.voters_count,
		viewerVotes: viewerVotes ?? []
	};
}

/** Whether the viewer may see this post, given the page's profiles and relationships. */
export function visibleTo(viewerId: string | null, row: PostRow, ctx: RenderContext, listing: boolean): boolean {
	const author = ctx.profiles.get(row.author_id);
	if (!author) return false; // the account is gone
	const rel = ctx.rels.get(row.author_id) ?? { following: false, blocking: false, blockedBy: false, muting: false };
	return canSee({ viewerId, authorId: row.author_id, visibility: row.visibility, authorIsPrivate: author.isPrivate, rel, listing });
}

/** Views of the visible posts among `ids`, in their order (absent, deleted and hidden ones dropped). */
export async function renderPosts(rt: SocialRuntime, ids: readonly string[], viewerId: string | null, opts: RenderOptions): Promise<PostView[]> {
	const loaded = await loadPosts(db(rt), ids, viewerId, { reposters: Boolean(opts.feed && viewerId) });
	const rows = ids.map(id => loaded.get(id)).filter((r): r is LoadedPost => Boolean(r));
	return renderLoaded(rt, rows, loaded, viewerId, opts);
}

/** Views of `rows` (loaded with the posts they quote in `loaded`), visible ones only. */
export async function renderLoaded(rt: SocialRuntime, rows: LoadedPost[], loaded: Map<string, LoadedPost>, viewerId: string | null, opts: RenderOptions): Promise<PostView[]> {
	if (rows.length === 0) return [];
	const all = [...loaded.values()];
	const reposterIds = rows.flatMap(r => r.reposters ?? []);
	const userIds = [...new Set([...all.map(r => r.author_id), ...reposterIds])];
	const embeds = all.filter(r => r.embed_type && r.embed_id).map(r => ({ type: r.embed_type!, id: r.embed_id! }));

	const [profiles, rels, media, cards] = await Promise.all([
		rt.peers.profiles(userIds, viewerId),
		viewerId ? rt.peers.relationships(viewerId, userIds) : Promise.resolve(new Map<string, FullRelationship>()),
		rt.peers.mediaViews(all.flatMap(r => r.media_file_ids)),
		rt.peers.cardsFor(embeds)
	]);
	const ctx: RenderContext = { profiles, rels };
	const now = new Date();

	const view = (row: LoadedPost, withQuote: boolean): PostView => {
		const v: PostView = {
			id: row.id,
			author: authorView(profiles.get(row.author_id)!),
			text: row.text,
			media: row.media_file_ids.map(id => media.get(id)).filter((f): f is FileView => Boolean(f)),
			visibility: row.visibility,
			mentions: row.mentions,
			hashtags: row.hashtags,
			counts: { likes: row.likes_count, comments: row.comments_count, reposts: row.reposts_count, quotes: row.quotes_count },
			viewer: { liked: row.liked, reposted: row.reposted },
			quoteOf: row.quote_of,
			createdAt: new Date(row.created_at).toISOString(),
			editedAt: row.edited_at ? new Date(row.edited_at).toISOString() : null
		};
		if (row.embed_type && row.embed_id) v.embed = { type: row.embed_type, id: row.embed_id, card: cardView(cards.get(`${row.embed_type}:${row.embed_id}`) as Record<string, unknown> | undefined) };
		if (row.poll) v.poll = pollView(row.poll, row.viewer_votes, now);
		if (withQuote && row.quote_of) {
			const q = loaded.get(row.quote_of);
			v.quote = q && visibleTo(viewerId, q, ctx, false) ? view(q, false) : null;
		}
		return v;
	};

	const out: PostView[] = [];
	for (const row of rows) {
		if (!visibleTo(viewerId, row, ctx, opts.listing)) continue;
		const v = view(row, true);
		if (opts.feed) {
			v.repostedBy = (row.reposters ?? [])
				.filter(id => {
					const rel = rels.get(id);
					return profiles.has(id) && !(rel && (rel.blocking || rel.blockedBy || rel.muting));
				})
				.map(id => authorView(profiles.get(id)!));
		}
		if (opts.member && !opts.member(row, rels.get(row.author_id), v)) continue;
		out.push(v);
	}
	return out;
}
