/** The User shape of API.md, built from profile rows (lists build it in one batch). */
import type { Language } from "../../lib/events/catalogue";
import type { Avatar } from "./avatars";
import type { Relationship } from "./rules/access";
import type { ProfileRow } from "./store/profiles";

export interface ViewerFlags {
	following: boolean;
	followedBy: boolean;
	requested: boolean;
	blocked: boolean;
	muted: boolean;
}

export interface UserView {
	id: string;
	username: string;
	displayName: string;
	bio: string;
	avatar: Avatar | null;
	location: { country: string; city: string | null } | null;
	website: string | null;
	language: Language;
	isPrivate: boolean;
	counts: { followers: number; following: number; posts: number };
	/** How the caller relates to this user; absent on the caller's own profile and for anonymous callers. */
	viewer?: ViewerFlags;
}

/** The card other domains render next to content (users.profiles). */
export interface ProfileCard {
	id: string;
	username: string;
	displayName: string;
	avatar: Avatar | null;
	isPrivate: boolean;
}

export function viewerFlags(rel: Relationship): ViewerFlags {
	return { following: rel.following, followedBy: rel.followedBy, requested: rel.requested, blocked: rel.blocking, muted: rel.muting };
}

export function userView(row: ProfileRow, avatars: Map<string, Avatar>, rel?: Relationship): UserView {
	return {
		id: row.id,
		username: row.username,
		displayName: row.display_name,
		bio: row.bio,
		avatar: (row.avatar_file_id && avatars.get(row.avatar_file_id)) || null,
		location: row.country ? { country: row.country, city: row.city } : null,
		website: row.website,
		language: row.language,
		isPrivate: row.is_private,
		counts: { followers: row.followers_count, following: row.following_count, posts: Number(row.posts) },
		...(rel ? { viewer: viewerFlags(rel) } : {})
	};
}

export function profileCard(row: ProfileRow, avatars: Map<string, Avatar>): ProfileCard {
	return {
		id: row.id,
		username: row.username,
		displayName: row.display_name,
		avatar: (row.avatar_file_id && avatars.get(row.avatar_file_id)) || null,
		isPrivate: row.is_private
	};
}

export function privacyView(row: ProfileRow) {
	return {
		isPrivate: row.is_private,
		whoCanMessage: row.who_can_message,
		showFollowers: row.show_followers,
		discoverableByPhone: row.discoverable_by_phone
	};
}
