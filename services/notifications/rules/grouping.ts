/**
 * Grouping of repeated activity on one object ("Asha and 3 others liked your
 * post"), as Mastodon's grouped notifications do: while an unread
 * notification for the same group key is recent, new actors join it instead
 * of creating another notification.
 */

export interface Actor {
	id: string;
	name: string;
}

export interface Group {
	/** Most recent first; only the first few are kept, enough to name them. */
	actors: Actor[];
	/** Distinct actors in all. */
	count: number;
}

/** How many actors a group remembers by name. */
export const KEPT_ACTORS = 5;

/** Adds an actor; an actor already in the group moves to the front without being counted twice. */
export function addActor(group: Group | null, actor: Actor): { group: Group; added: boolean } {
	if (!group) return { group: { actors: [actor], count: 1 }, added: true };
	const known = group.actors.some(a => a.id === actor.id);
	const actors = [actor, ...group.actors.filter(a => a.id !== actor.id)].slice(0, KEPT_ACTORS);
	// An actor pushed out of the kept list is no longer recognisable: counted again if it returns (rare, harmless).
	return { group: { actors, count: known ? group.count : group.count + 1 }, added: !known };
}

export type GroupVariant = "one" | "two" | "many";

/** Which text to use and its variables: {{actor}}, {{other}} (two), {{others}} (a number, many). */
export function describeGroup(group: Group): { variant: GroupVariant; params: Record<string, string> } {
	const [first, second] = group.actors;
	if (group.count <= 1) return { variant: "one", params: { actor: first.name } };
	if (group.count === 2 && second) return { variant: "two", params: { actor: first.name, other: second.name } };
	return { variant: "many", params: { actor: first.name, others: String(group.count - 1) } };
}

/** Whether a notification created at `createdAt` still takes new actors at `now`. */
export function groupOpen(createdAt: Date, now: Date, windowMs: number): boolean {
	return now.getTime() - createdAt.getTime() < windowMs;
}
