/**
 * Who may see a post, decided in one place at read time (Mastodon's lesson:
 * filter on read, so a block, an unfollow or a privacy switch takes effect on
 * every feed at once, whatever Redis holds).
 *
 *   - the author always sees their own posts;
 *   - a block in either direction hides everything;
 *   - a private account's posts are for its approved followers only;
 *   - `followers` posts are for followers, `private` posts for the author alone;
 *   - mutes hide posts from lists (feeds, explore, tags, mentions) but not
 *     from a post opened directly or the author's own page.
 */
export type Visibility = "public" | "followers" | "private";
export const VISIBILITIES: readonly Visibility[] = ["public", "followers", "private"];

/** Flags from the viewer's side (users.relationships). */
export interface Relationship {
	following: boolean;
	blocking: boolean;
	blockedBy: boolean;
	muting: boolean;
}

export const NO_RELATIONSHIP: Relationship = Object.freeze({ following: false, blocking: false, blockedBy: false, muting: false });

export interface ViewInput {
	viewerId: string | null;
	authorId: string;
	visibility: Visibility;
	authorIsPrivate: boolean;
	rel: Relationship;
	/** A list (feed, explore, tag, mentions): mutes apply. */
	listing: boolean;
}

export function canSee(input: ViewInput): boolean {
	if (input.viewerId && input.viewerId === input.authorId) return true;
	if (input.visibility === "private") return false;
	if (!input.viewerId) return input.visibility === "public" && !input.authorIsPrivate;
	if (input.rel.blocking || input.rel.blockedBy) return false;
	if (input.listing && input.rel.muting) return false;
	if ((input.authorIsPrivate || input.visibility === "followers") && !input.rel.following) return false;
	return true;
}

/** The author's side of a relationship with a mentioned user (users.relationships from the author). */
export interface AuthorSide {
	followedBy: boolean;
	blocking: boolean;
	blockedBy: boolean;
}

/**
 * Whether the author may mention `mentionedId` and have them notified: never
 * across a block (either way), and only when the mentioned user can see the post.
 */
export function mentionAllowed(input: { authorId: string; mentionedId: string; visibility: Visibility; authorIsPrivate: boolean; author: AuthorSide }): boolean {
	if (input.mentionedId === input.authorId) return false;
	if (input.author.blocking || input.author.blockedBy) return false;
	const rel: Relationship = { following: input.author.followedBy, blocking: false, blockedBy: false, muting: false };
	return canSee({ viewerId: input.mentionedId, authorId: input.authorId, visibility: input.visibility, authorIsPrivate: input.authorIsPrivate, rel, listing: false });
}
