/**
 * What a "new conversation" request means. One other person and no title is
 * a direct (1:1) conversation, identified by the pair so it is reused rather
 * than duplicated; anything else is a group of at most MAX_GROUP_MEMBERS
 * people (the creator included).
 */
export const MAX_GROUP_MEMBERS = 100;
export const TITLE_MAX = 100;

export type ConversationPlan =
	| { kind: "direct"; otherId: string; pairKey: string }
	| { kind: "group"; memberIds: string[]; title: string | null };

export type PlanError = "no_members" | "too_many_members";

/** The key of a pair, the same whichever of the two asks. */
export function pairKey(a: string, b: string): string {
	const [x, y] = [a.toLowerCase(), b.toLowerCase()].sort();
	return `${x}:${y}`;
}

/** Blank titles count as none; whitespace runs collapse so titles display on one line. */
export function normalizeTitle(title: string | null | undefined): string | null {
	const t = (title ?? "").replace(/\s+/g, " ").trim();
	return t === "" ? null : t;
}

/** The other members: deduplicated, lower-cased, without the creator. */
export function otherMembers(creatorId: string, memberIds: readonly string[]): string[] {
	const me = creatorId.toLowerCase();
	return [...new Set(memberIds.map(id => id.toLowerCase()))].filter(id => id !== me);
}

export function planConversation(creatorId: string, memberIds: readonly string[], title?: string | null): ConversationPlan | { error: PlanError } {
	const others = otherMembers(creatorId, memberIds);
	const cleanTitle = normalizeTitle(title);
	if (others.length === 0) return { error: "no_members" };
	if (others.length + 1 > MAX_GROUP_MEMBERS) return { error: "too_many_members" };
	if (others.length === 1 && cleanTitle === null) return { kind: "direct", otherId: others[0], pairKey: pairKey(creatorId, others[0]) };
	return { kind: "group", memberIds: others, title: cleanTitle };
}
