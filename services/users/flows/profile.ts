/**
 * PATCH /users/me and PATCH /users/me/privacy: one flow, so every change to a
 * profile is validated, locked, announced (users.profile.updated, which
 * carries the language notifications use) and cleared from caches the same way.
 *
 * Going from private to public approves the pending follow requests: the
 * account no longer asks, so keeping people waiting would be arbitrary.
 */
import type { Transaction } from "sequelize";
import type { Language } from "../../../lib/events/catalogue";
import { inTransaction } from "../../../lib/db/transaction";
import { graphPatterns, profilePatterns } from "../cache";
import { UsersError } from "../errors";
import type { WhoCanMessage } from "../rules/access";
import { cleanBio, cleanDisplayName, cleanLocation, cleanWebsite, type InputResult } from "../rules/profile-input";
import { deleteRequest, pendingRequesters } from "../store/graph";
import { findProfile, lockProfiles, updateProfile, type ProfileChanges, type ProfileRow } from "../store/profiles";
import type { UsersRuntime } from "../runtime";
import { approve } from "./follow";

export interface ProfilePatch {
	displayName?: string;
	bio?: string;
	avatarFileId?: string | null;
	location?: { country?: string | null; city?: string | null } | null;
	website?: string | null;
	language?: Language;
	isPrivate?: boolean;
	whoCanMessage?: WhoCanMessage;
	showFollowers?: boolean;
	discoverableByPhone?: boolean;
}

function valid<T>(r: InputResult<T>): T {
	if (!r.ok) throw UsersError.invalidField(r.field, r.message);
	return r.value;
}

/** The patch as column changes (only what differs from the row); API field names of what changed. */
export function diff(row: ProfileRow, patch: ProfilePatch): { changes: ProfileChanges; changed: string[] } {
	const changes: ProfileChanges = {};
	const changed: string[] = [];
	const set = <K extends keyof ProfileChanges>(field: string, column: K, value: ProfileChanges[K], current: unknown) => {
		if (value === current) return;
		changes[column] = value;
		if (!changed.includes(field)) changed.push(field);
	};
	if (patch.displayName !== undefined) set("displayName", "display_name", valid(cleanDisplayName(patch.displayName)), row.display_name);
	if (patch.bio !== undefined) set("bio", "bio", valid(cleanBio(patch.bio)), row.bio);
	if (patch.avatarFileId !== undefined) set("avatar", "avatar_file_id", patch.avatarFileId?.toLowerCase() ?? null, row.avatar_file_id);
	if (patch.location !== undefined) {
		const location = valid(cleanLocation(patch.location));
		set("location", "country", location?.country ?? null, row.country);
		set("location", "city", location?.city ?? null, row.city);
	}
	if (patch.website !== undefined) set("website", "website", valid(cleanWebsite(patch.website ?? "")), row.website);
	if (patch.language !== undefined) set("language", "language", patch.language, row.language);
	if (patch.isPrivate !== undefined) set("isPrivate", "is_private", patch.isPrivate, row.is_private);
	if (patch.whoCanMessage !== undefined) set("whoCanMessage", "who_can_message", patch.whoCanMessage, row.who_can_message);
	if (patch.showFollowers !== undefined) set("showFollowers", "show_followers", patch.showFollowers, row.show_followers);
	if (patch.discoverableByPhone !== undefined) set("discoverableByPhone", "discoverable_by_phone", patch.discoverableByPhone, row.discoverable_by_phone);
	return { changes, changed };
}

/** Fields other domains or notifications care about; privacy-only changes raise no event. */
const ANNOUNCED = new Set(["displayName", "bio", "avatar", "location", "website", "language", "isPrivate"]);

export async function updateMyProfile(rt: UsersRuntime, me: string, patch: ProfilePatch): Promise<void> {
	const current = await findProfile({ sequelize: rt.sequelize }, { kind: "id", value: me });
	if (!current) throw UsersError.profileNotReady();
	// Validate everything before touching files: a bad bio must not leave a claimed avatar behind.
	diff(current, patch);
	const newAvatar = patch.avatarFileId && patch.avatarFileId.toLowerCase() !== current.avatar_file_id ? patch.avatarFileId.toLowerCase() : null;
	if (newAvatar) await rt.avatars.claim(me, newAvatar);

	const result = await inTransaction(rt.sequelize, async t => {
		const db = { sequelize: rt.sequelize, t };
		const row = (await lockProfiles(db, [me])).get(me);
		// Deleted meanwhile (auth revokes the sessions, but a request may already be in flight).
		if (!row || row.deleted_at) throw UsersError.profileNotReady();
		const { changes, changed } = diff(row, patch);
		await updateProfile(db, me, changes);
		const approved: string[] = [];
		if (row.is_private && changes.is_private === false) approved.push(...(await approvePending(rt, t, { ...row, ...changes } as ProfileRow)));
		const announced = changed.filter(f => ANNOUNCED.has(f));
		if (announced.length) {
			const next = { ...row, ...changes } as ProfileRow;
			await rt.raiseEvent(
				t,
				"users.profile.updated",
				{ userId: me, username: next.username, displayName: next.display_name, avatarFileId: next.avatar_file_id, language: next.language, isPrivate: next.is_private, changed: announced },
				me
			);
		}
		return { previousAvatar: "avatar_file_id" in changes ? row.avatar_file_id : null, approved, changed };
	});
	if (result.previousAvatar) await rt.avatars.release(me, result.previousAvatar);
	if (result.changed.length) await rt.invalidate([...profilePatterns([me]), ...graphPatterns([me, ...result.approved])]);
}

/** Every pending request to this (now public) account becomes a follow, oldest first. */
async function approvePending(rt: UsersRuntime, t: Transaction, target: ProfileRow): Promise<string[]> {
	const db = { sequelize: rt.sequelize, t };
	const requesters = await pendingRequesters(db, target.id);
	const approved: string[] = [];
	for (const id of requesters) {
		// The target's own row is already locked by this transaction; lock each requester's too.
		const requester = (await lockProfiles(db, [id])).get(id);
		await deleteRequest(db, id, target.id);
		if (!requester || requester.deleted_at) continue;
		await approve(t, rt, target, requester);
		approved.push(id);
	}
	return approved;
}
