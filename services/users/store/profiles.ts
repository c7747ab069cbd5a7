/** Profile rows: reads (with the posts count from stats), locks and writes. */
import type { Language } from "../../../lib/events/catalogue";
import type { Relationship, WhoCanMessage } from "../rules/access";
import type { ProfileKey } from "../rules/lookup";
import { execute, select, uuidArray, type Db } from "../../../lib/db/sql";

export interface ProfileRow {
	id: string;
	username: string;
	display_name: string;
	bio: string;
	avatar_file_id: string | null;
	country: string | null;
	city: string | null;
	website: string | null;
	language: Language;
	is_private: boolean;
	who_can_message: WhoCanMessage;
	show_followers: boolean;
	discoverable_by_phone: boolean;
	followers_count: number;
	following_count: number;
	posts: number;
	registered_at: Date;
	deleted_at: Date | null;
}

const COLUMNS = `p.id, p.username, p.display_name, p.bio, p.avatar_file_id, p.country, p.city, p.website, p.language, p.is_private,
	p.who_can_message, p.show_followers, p.discoverable_by_phone, p.followers_count, p.following_count,
	COALESCE(s.posts, 0) AS posts, p.registered_at, p.deleted_at`;

export const PROFILE_SELECT = `SELECT ${COLUMNS} FROM users.profiles p LEFT JOIN users.stats s ON s.user_id = p.id`;

/** A live profile by id or username (tombstones of deleted accounts are not found). */
export async function findProfile(db: Db, key: ProfileKey): Promise<ProfileRow | null> {
	const where = key.kind === "id" ? "p.id = :value" : "p.username = :value";
	const [row] = await select<ProfileRow>(db, `${PROFILE_SELECT} WHERE ${where} AND p.deleted_at IS NULL`, { value: key.value });
	return row ?? null;
}

/**
 * A live profile and the viewer's relationship to it in one round trip (the
 * hot path of GET /users/:id): users.profile_for (migration 0002), whose plans
 * PostgreSQL keeps per connection; the same six probes as graph.relationshipsOf.
 */
export async function findProfileFor(db: Db, key: ProfileKey, viewerId: string): Promise<{ row: ProfileRow; rel: Relationship } | null> {
	const [row] = await select<ProfileRow & { r_following: boolean; r_followed_by: boolean; r_requested: boolean; r_blocking: boolean; r_blocked_by: boolean; r_muting: boolean }>(
		db,
		"SELECT * FROM users.profile_for(CAST(:id AS uuid), CAST(:username AS text), CAST(:viewer AS uuid))",
		{ id: key.kind === "id" ? key.value : null, username: key.kind === "username" ? key.value : null, viewer: viewerId }
	);
	if (!row) return null;
	const rel: Relationship = {
		following: row.r_following,
		followedBy: row.r_followed_by,
		requested: row.r_requested,
		blocking: row.r_blocking,
		blockedBy: row.r_blocked_by,
		muting: row.r_muting
	};
	return { row, rel };
}

export async function findProfiles(db: Db, ids: readonly string[]): Promise<ProfileRow[]> {
	if (ids.length === 0) return [];
	return select<ProfileRow>(db, `${PROFILE_SELECT} WHERE p.id = ANY(CAST(:ids AS uuid[])) AND p.deleted_at IS NULL`, { ids: uuidArray(ids) });
}

/**
 * Locks the profiles (tombstones included) in id order, the one order every
 * flow uses, so two users following each other at once wait instead of deadlocking.
 */
export async function lockProfiles(db: Db, ids: readonly string[]): Promise<Map<string, ProfileRow>> {
	const rows = await select<ProfileRow>(
		db,
		`SELECT ${COLUMNS} FROM users.profiles p LEFT JOIN users.stats s ON s.user_id = p.id
		  WHERE p.id = ANY(CAST(:ids AS uuid[])) ORDER BY p.id FOR UPDATE OF p`,
		{ ids: uuidArray([...new Set(ids)]) }
	);
	return new Map(rows.map(r => [r.id, r]));
}

/** Moves the follower counters of both ends of one follows row (inserted: +1, deleted: -1). */
export async function moveFollowCounters(db: Db, followerId: string, followeeId: string, delta: 1 | -1): Promise<void> {
	await execute(db, "UPDATE users.profiles SET followers_count = followers_count + :delta WHERE id = :id", { id: followeeId, delta });
	await execute(db, "UPDATE users.profiles SET following_count = following_count + :delta WHERE id = :id", { id: followerId, delta });
}

export interface ProfileChanges {
	display_name?: string;
	bio?: string;
	avatar_file_id?: string | null;
	country?: string | null;
	city?: string | null;
	website?: string | null;
	language?: Language;
	is_private?: boolean;
	who_can_message?: WhoCanMessage;
	show_followers?: boolean;
	discoverable_by_phone?: boolean;
}

export async function updateProfile(db: Db, id: string, changes: ProfileChanges): Promise<void> {
	const columns = Object.keys(changes);
	if (columns.length === 0) return;
	const sets = columns.map(c => `${c} = :${c}`).join(", ");
	await execute(db, `UPDATE users.profiles SET ${sets}, updated_at = now() WHERE id = :id`, { ...changes, id });
}
