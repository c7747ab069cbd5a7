/**
 * Everything that reads: profiles and lists for REST (built in one batch per
 * page: profiles, relationships and avatars are each one query or call), and
 * the internal reads other domains call (cached by the service, cache.ts).
 */
import { readPage, toPage, type Page } from "../../../lib/pagination";
import { badRequest, ErrorType } from "../../../lib/errors";
import { UsersError } from "../errors";
import { decideLists, decideMessage, decideView, NO_RELATIONSHIP, type Decision, type Relationship } from "../rules/access";
import type { ProfileKey } from "../rules/lookup";
import { phoneKeyOfInput } from "../rules/phone-key";
import { computeTrustScore, type TrustScore } from "../rules/trust-score";
import { followerIdsAfter, pageFollows, pageRequests, relationshipOf, relationshipsOf, type ListKind } from "../store/graph";
import { findProfile, findProfileFor, findProfiles, type ProfileRow } from "../store/profiles";
import { findByPhoneKey, searchProfiles } from "../store/search";
import { loadStats } from "../store/stats";
import { suggestFor } from "../store/suggestions";
import type { UsersRuntime } from "../runtime";
import { privacyView, profileCard, userView, type ProfileCard, type UserView } from "../view";

type PageParams = { cursor?: string; limit?: number };

const db = (rt: UsersRuntime) => ({ sequelize: rt.sequelize });

/** Users as API.md shows them, in the order of `rows`; `viewer` flags for everyone but the viewer. */
export async function renderUsers(rt: UsersRuntime, rows: ProfileRow[], viewerId: string | null, known?: Map<string, Relationship>): Promise<UserView[]> {
	const others = viewerId ? rows.map(r => r.id).filter(id => id !== viewerId) : [];
	const [avatars, rels] = await Promise.all([
		rt.avatars.resolve(rows.map(r => r.avatar_file_id), viewerId),
		known ?? (viewerId ? relationshipsOf(db(rt), viewerId, others) : Promise.resolve(new Map<string, Relationship>()))
	]);
	return rows.map(r => userView(r, avatars, viewerId && r.id !== viewerId ? rels.get(r.id) ?? NO_RELATIONSHIP : undefined));
}

/** Rows for ids, in the ids' order (gone accounts dropped). */
async function rowsInOrder(rt: UsersRuntime, ids: string[]): Promise<ProfileRow[]> {
	const byId = new Map((await findProfiles(db(rt), ids)).map(r => [r.id, r]));
	return ids.map(id => byId.get(id)).filter((r): r is ProfileRow => Boolean(r));
}

/** A profile the viewer may see: blocked by its owner means "not found". */
async function visibleProfile(rt: UsersRuntime, viewerId: string | null, key: ProfileKey): Promise<{ row: ProfileRow; rel: Relationship }> {
	const found = viewerId ? await findProfileFor(db(rt), key, viewerId) : await findProfile(db(rt), key).then(row => row && { row, rel: NO_RELATIONSHIP });
	if (!found) throw UsersError.userNotFound();
	// My own profile: no relationship with myself.
	const rel = found.row.id === viewerId ? NO_RELATIONSHIP : found.rel;
	if (rel.blockedBy) throw UsersError.userNotFound();
	return { row: found.row, rel };
}

export async function getProfile(rt: UsersRuntime, viewerId: string | null, key: ProfileKey): Promise<UserView> {
	const { row, rel } = await visibleProfile(rt, viewerId, key);
	return (await renderUsers(rt, [row], viewerId, new Map([[row.id, rel]])))[0];
}

export async function myProfile(rt: UsersRuntime, me: string): Promise<UserView> {
	const row = await findProfile(db(rt), { kind: "id", value: me });
	if (!row) throw UsersError.profileNotReady();
	return (await renderUsers(rt, [row], me))[0];
}

export async function myPrivacy(rt: UsersRuntime, me: string) {
	const row = await findProfile(db(rt), { kind: "id", value: me });
	if (!row) throw UsersError.profileNotReady();
	return privacyView(row);
}

function keyset(after: unknown): [string, string] | null {
	if (after === null) return null;
	if (Array.isArray(after) && after.length === 2 && after.every(v => typeof v === "string") && !Number.isNaN(Date.parse(after[0]))) return after as [string, string];
	throw badRequest("Invalid cursor", ErrorType.INVALID_CURSOR);
}

async function pageOfUsers(rt: UsersRuntime, viewerId: string, rows: Array<{ id: string; at: string }>, limit: number): Promise<Page<UserView>> {
	const page = toPage(rows, limit, r => [r.at, r.id]);
	const users = await renderUsers(rt, await rowsInOrder(rt, page.items.map(r => r.id)), viewerId);
	return { items: users, nextCursor: page.nextCursor };
}

/** GET /users/:id/followers|following: newest first; private and hidden lists only for their owner (and approved followers). */
export async function listFollows(rt: UsersRuntime, viewerId: string, userId: string, kind: ListKind, params: PageParams): Promise<Page<UserView>> {
	const { row, rel } = await visibleProfile(rt, viewerId, { kind: "id", value: userId });
	const decision = decideLists({ self: viewerId === row.id, rel, isPrivate: row.is_private, showFollowers: row.show_followers });
	if (!decision.allowed) throw decision.reason === "hidden" ? UsersError.listHidden() : decision.reason === "private" ? UsersError.listPrivate() : UsersError.userNotFound();
	const { limit, after } = readPage(params);
	return pageOfUsers(rt, viewerId, await pageFollows(db(rt), kind, row.id, limit + 1, keyset(after)), limit);
}

/** GET /users/me/follow-requests: who asks to follow me, newest first. */
export async function listRequests(rt: UsersRuntime, me: string, params: PageParams): Promise<Page<UserView & { requestedAt: string }>> {
	const { limit, after } = readPage(params);
	const rows = await pageRequests(db(rt), me, limit + 1, keyset(after));
	const page = await pageOfUsers(rt, me, rows, limit);
	const at = new Map(rows.map(r => [r.id, new Date(r.at).toISOString()]));
	return { items: page.items.map(u => ({ ...u, requestedAt: at.get(u.id)! })), nextCursor: page.nextCursor };
}

/** GET /users?q= (trigram, ranked) or ?phone= (exact, only people who allow it). */
export async function search(rt: UsersRuntime, me: string, params: PageParams & { q?: string; phone?: string }): Promise<Page<UserView>> {
	if (params.phone !== undefined) {
		const key = phoneKeyOfInput(params.phone);
		if (!key) throw UsersError.invalidField("phone", "must be a mobile number");
		const id = await findByPhoneKey(db(rt), me, key);
		return { items: id ? await renderUsers(rt, await rowsInOrder(rt, [id]), me) : [], nextCursor: null };
	}
	const q = (params.q ?? "").trim();
	if (!q) throw UsersError.invalidField("q", "must not be empty");
	const { limit, after } = readPage<[number, string]>(params);
	if (after !== null && !(Array.isArray(after) && typeof after[0] === "number" && typeof after[1] === "string"))
		throw badRequest("Invalid cursor", ErrorType.INVALID_CURSOR);
	const hits = await rt.sequelize.transaction(t => searchProfiles({ sequelize: rt.sequelize, t }, me, q, limit + 1, after));
	const page = toPage(hits, limit, h => [h.score, h.id]);
	return { items: await renderUsers(rt, await rowsInOrder(rt, page.items.map(h => h.id)), me), nextCursor: page.nextCursor };
}

export const SUGGESTIONS_MAX = 50;

export async function suggestions(rt: UsersRuntime, me: string, limit: number): Promise<{ items: Array<UserView & { suggestion: { reason: "mutual_follows" | "same_city"; mutuals: number } }>; nextCursor: null }> {
	const found = await suggestFor(db(rt), me, limit);
	const users = await renderUsers(rt, await rowsInOrder(rt, found.map(s => s.id)), me);
	const why = new Map(found.map(s => [s.id, s]));
	return {
		items: users.map(u => {
			const s = why.get(u.id)!;
			return { ...u, suggestion: { reason: s.mutuals > 0 ? ("mutual_follows" as const) : ("same_city" as const), mutuals: s.mutuals } };
		}),
		nextCursor: null
	};
}

export async function trust(rt: UsersRuntime, viewerId: string, userId: string): Promise<TrustScore & { userId: string }> {
	const { row } = await visibleProfile(rt, viewerId, { kind: "id", value: userId });
	const s = await loadStats(db(rt), row.id);
	const score = computeTrustScore({
		phoneVerified: s.phone_verified,
		emailVerified: s.email_verified,
		registeredAt: new Date(row.registered_at),
		ordersBought: s.orders_bought,
		ordersSold: s.orders_sold,
		ratingsCount: s.ratings_count,
		ratingsSum: s.ratings_sum,
		disputesLost: s.disputes_lost,
		refunds: s.refunds,
		reportsUpheld: s.reports_upheld
	});
	return { userId: row.id, ...score };
}

// ---- internal reads (users.profiles, relationships, canView, canMessage, followerIds) ----

export async function profileCards(rt: UsersRuntime, ids: string[], viewerId?: string): Promise<Record<string, ProfileCard>> {
	const rows = await findProfiles(db(rt), ids);
	const avatars = await rt.avatars.resolve(rows.map(r => r.avatar_file_id), viewerId);
	return Object.fromEntries(rows.map(r => [r.id, profileCard(r, avatars)]));
}

export async function relationships(rt: UsersRuntime, viewerId: string, userIds: string[]): Promise<Record<string, Relationship>> {
	const rels = await relationshipsOf(db(rt), viewerId, userIds);
	return Object.fromEntries(userIds.map(id => [id, rels.get(id.toLowerCase()) ?? NO_RELATIONSHIP]));
}

const decision = <R extends string>(d: Decision<R>) => (d.allowed ? { allowed: true } : { allowed: false, reason: d.reason });

export async function canView(rt: UsersRuntime, viewerId: string | null, authorId: string) {
	const author = await findProfile(db(rt), { kind: "id", value: authorId });
	// Content of an account that is gone is not shown to anyone.
	if (!author) return { allowed: false, reason: "blocked" as const };
	const rel = viewerId && viewerId !== author.id ? await relationshipOf(db(rt), viewerId, author.id) : NO_RELATIONSHIP;
	return decision(decideView({ self: viewerId === author.id, rel, isPrivate: author.is_private }));
}

export async function canMessage(rt: UsersRuntime, senderId: string, recipientId: string) {
	const recipient = await findProfile(db(rt), { kind: "id", value: recipientId });
	if (!recipient) return { allowed: false, reason: "nobody" as const };
	const rel = senderId !== recipient.id ? await relationshipOf(db(rt), senderId, recipient.id) : NO_RELATIONSHIP;
	return decision(decideMessage({ self: senderId === recipient.id, rel, whoCanMessage: recipient.who_can_message }));
}

export const FOLLOWER_IDS_DEFAULT = 1000;
export const FOLLOWER_IDS_MAX = 5000;

export async function followerIds(rt: UsersRuntime, userId: string, after: string | null, limit: number): Promise<{ ids: string[]; next: string | null }> {
	const ids = await followerIdsAfter(db(rt), userId, after, limit + 1);
	const more = ids.length > limit;
	const page = more ? ids.slice(0, limit) : ids;
	return { ids: page, next: more ? page[page.length - 1] : null };
}

