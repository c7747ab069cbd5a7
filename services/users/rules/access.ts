/**
 * Who may see and reach whom: the decisions behind users.canView,
 * users.canMessage and the follower lists, as pure functions of a
 * relationship (from the viewer's side) and the owner's privacy settings.
 * Blocks win over everything, in both directions.
 */

/** Flags from the viewer's side: `following` = the viewer follows the other user. */
export interface Relationship {
	following: boolean;
	followedBy: boolean;
	requested: boolean;
	blocking: boolean;
	blockedBy: boolean;
	muting: boolean;
}

export const NO_RELATIONSHIP: Relationship = Object.freeze({
	following: false,
	followedBy: false,
	requested: false,
	blocking: false,
	blockedBy: false,
	muting: false
});

export type WhoCanMessage = "everyone" | "followers" | "nobody";

export type Decision<R extends string> = { allowed: true } | { allowed: false; reason: R };

const ALLOWED = { allowed: true } as const;

/** Content of `author`: a private account's only to its approved followers and itself. */
export function decideView(input: { self: boolean; rel: Relationship; isPrivate: boolean }): Decision<"blocked" | "private"> {
	if (input.self) return ALLOWED;
	if (input.rel.blocking || input.rel.blockedBy) return { allowed: false, reason: "blocked" };
	if (input.isPrivate && !input.rel.following) return { allowed: false, reason: "private" };
	return ALLOWED;
}

/** A message from the viewer (sender) to the other user (recipient), by the recipient's setting. */
export function decideMessage(input: { self: boolean; rel: Relationship; whoCanMessage: WhoCanMessage }): Decision<"blocked" | "nobody" | "not_follower"> {
	if (input.rel.blocking || input.rel.blockedBy) return { allowed: false, reason: "blocked" };
	if (input.self) return ALLOWED;
	if (input.whoCanMessage === "nobody") return { allowed: false, reason: "nobody" };
	// "followers": people who follow the recipient may write to them.
	if (input.whoCanMessage === "followers" && !input.rel.following) return { allowed: false, reason: "not_follower" };
	return ALLOWED;
}

/** The follower and following lists of an account. */
export function decideLists(input: { self: boolean; rel: Relationship; isPrivate: boolean; showFollowers: boolean }): Decision<"blocked" | "private" | "hidden"> {
	if (input.self) return ALLOWED;
	const view = decideView(input);
	if (!view.allowed) return view;
	if (!input.showFollowers) return { allowed: false, reason: "hidden" };
	return ALLOWED;
}
