/**
 * Profiles follow auth's account events (consumed once each, handleOnce):
 *   auth.user.registered → the profile (username, display name, language from auth)
 *   auth.user.verified   → the verified phone/email factors of the trust score
 *   auth.user.deleted    → the profile is anonymised to a tombstone and its graph removed
 * Each event type has its own queue, so they may arrive in any order: a
 * deletion seen first leaves a tombstone the late registration cannot revive.
 */
import type { Transaction } from "sequelize";
import type { EventEnvelope } from "../../../lib/events/envelope";
import { graphPatterns, profilePatterns } from "../cache";
import { phoneKey } from "../rules/phone-key";
import { deleteAllEdgesOf, deleteAllFollowsOf } from "../store/graph";
import { lockProfiles } from "../store/profiles";
import { execute, type Db } from "../../../lib/db/sql";
import { deleteStats, markVerified } from "../store/stats";
import type { UsersRuntime } from "../runtime";

/** The username a deleted account leaves behind: unique, never a valid choice (auth refuses deleted_…). */
const tombstoneName = (userId: string) => `deleted_${userId.replace(/-/g, "")}`;

export async function onRegistered(db: Required<Db>, envelope: EventEnvelope<"auth.user.registered">): Promise<void> {
	const d = envelope.data;
	// auth guarantees the username is free now; a profile still holding it belongs to an account
	// whose deletion is on its way (auth recycles stale unverified registrations).
	await execute(db, "UPDATE users.profiles SET username = 'deleted_' || replace(CAST(id AS text), '-', '') WHERE username = :username AND id <> :userId", {
		username: d.username,
		userId: d.userId
	});
	await execute(
		db,
		`INSERT INTO users.profiles (id, username, display_name, language, phone_key, registered_at)
		 VALUES (:userId, :username, :displayName, :language, :phoneKey, :registeredAt)
		 ON CONFLICT (id) DO NOTHING`,
		{
			userId: d.userId,
			username: d.username,
			displayName: d.displayName,
			language: d.language,
			phoneKey: d.phone ? phoneKey(d.phone) : null,
			registeredAt: envelope.occurredAt
		}
	);
}

export async function onVerified(db: Required<Db>, envelope: EventEnvelope<"auth.user.verified">): Promise<void> {
	await markVerified(db, envelope.data.userId, envelope.data.channel);
}

/**
 * Removes the user from the graph (the other ends' counters move by exactly
 * the rows removed), forgets everything personal, and releases the avatar.
 * Returns the users whose cached relationships must be cleared after commit.
 */
export async function onDeleted(rt: UsersRuntime, t: Transaction, envelope: EventEnvelope<"auth.user.deleted">): Promise<string[]> {
	const db = { sequelize: rt.sequelize, t };
	const userId = envelope.data.userId;
	const row = (await lockProfiles(db, [userId])).get(userId);
	if (!row) {
		await execute(
			db,
			`INSERT INTO users.profiles (id, username, display_name, registered_at, deleted_at) VALUES (:userId, :name, '', now(), now())
			 ON CONFLICT (id) DO NOTHING`,
			{ userId, name: tombstoneName(userId) }
		);
		await deleteStats(db, userId);
		return [userId];
	}
	const others = new Set<string>();
	for (const f of await deleteAllFollowsOf(db, userId)) {
		const other = f.follower_id === userId ? f.followee_id : f.follower_id;
		others.add(other);
		const column = f.follower_id === userId ? "followers_count" : "following_count";
		await execute(db, `UPDATE users.profiles SET ${column} = ${column} - 1 WHERE id = :other`, { other });
	}
	for (const other of await deleteAllEdgesOf(db, userId)) others.add(other);
	// Released inside the transaction: if it fails the event is retried, so the file is never left attached.
	if (row.avatar_file_id) await rt.avatars.release(userId, row.avatar_file_id, { strict: true });
	await execute(
		db,
		`UPDATE users.profiles SET username = :name, display_name = '', bio = '', avatar_file_id = NULL, country = NULL, city = NULL,
		        website = NULL, phone_key = NULL, is_private = false, followers_count = 0, following_count = 0,
		        deleted_at = now(), updated_at = now()
		  WHERE id = :userId`,
		{ userId, name: tombstoneName(userId) }
	);
	await deleteStats(db, userId);
	return [userId, ...others];
}

export function deletionPatterns(userIds: string[]): string[] {
	return [...profilePatterns(userIds.slice(0, 1)), ...graphPatterns(userIds)];
}
