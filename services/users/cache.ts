/**
 * Cache keys of the internal reads other domains call on every feed page and
 * message (users.relationships, canView, canMessage, profiles), and the
 * patterns that clear them. Keys name the users they are about, so a change
 * clears exactly the entries that mention its users: after every follow,
 * request, block, mute, privacy or profile change (after its commit) the
 * flows call `invalidate` with the users involved.
 *
 * The TTLs only bound the one race clearing cannot close (a read that started
 * before the commit and stores its answer after the clear).
 */
import crypto from "node:crypto";
import type { Context } from "moleculer";

/** Relationship answers: short, a safety net behind the explicit clears. */
export const RELATIONSHIP_TTL_S = 60;
/** Profile cards: also carry avatar URLs from files, which may be presigned. */
export const PROFILES_TTL_S = 30;

type Params = Record<string, unknown>;
// The action's full name ("users.relationships"), as moleculer's cacher passes it.
type KeyGen = (action: { name?: string }, opts: unknown, ctx: Context<unknown, object>) => string;
const params = (ctx: Context<unknown, object>) => ctx.params as Params;

const sortedIds = (ids: unknown) => [...new Set((ids as string[]).map(id => id.toLowerCase()))].sort();
const digest = (ids: string[]) => crypto.createHash("sha1").update(ids.join(",")).digest("hex");

/** users.relationships:<viewer>:<digest of the ids> */
export const relationshipsKey: KeyGen = (action, _o, ctx) => `${action.name}:${String(params(ctx).viewerId).toLowerCase()}:${digest(sortedIds(params(ctx).userIds))}`;

/** users.canView:<viewer or anon>:<author> */
export const canViewKey: KeyGen = (action, _o, ctx) => `${action.name}:${params(ctx).viewerId ? String(params(ctx).viewerId).toLowerCase() : "anon"}:${String(params(ctx).authorId).toLowerCase()}`;

/** users.canMessage:<sender>:<recipient> */
export const canMessageKey: KeyGen = (action, _o, ctx) => `${action.name}:${String(params(ctx).senderId).toLowerCase()}:${String(params(ctx).recipientId).toLowerCase()}`;

/** users.profiles:<id>,<id>,… (ids in full, so a change to one profile finds every batch that holds it). */
export const profilesKey: KeyGen = (action, _o, ctx) => `${action.name}:${sortedIds(params(ctx).ids).join(",")}`;

/** What to clear when the graph or privacy of these users changed. */
export function graphPatterns(userIds: readonly string[]): string[] {
	return [...new Set(userIds.map(id => id.toLowerCase()))].flatMap(id => [
		`users.relationships:${id}:*`,
		`users.canView:*${id}*`,
		`users.canMessage:*${id}*`
	]);
}

/** What to clear when these users' profile cards changed (name, avatar, privacy, deletion). */
export function profilePatterns(userIds: readonly string[]): string[] {
	return [...new Set(userIds.map(id => id.toLowerCase()))].map(id => `users.profiles:*${id}*`);
}
