/**
 * What social does with durable events: fan-out of its own posts and
 * reposts (and removal of deleted posts), the follow graph projection
 * (users' follow events), and the posts other domains ask for when a
 * product or an event is published with postToFeed.
 */
import type { Transaction } from "sequelize";
import type { EventEnvelope } from "../../../lib/events/envelope";
import { newId } from "../../../lib/ids";
import { fanOut, fanOutRemoval } from "../feeds/fanout";
import { extractHashtags } from "../rules/text";
import { addFollow, removeFollow } from "../store/graph";
import { authorPosts } from "../store/lists";
import { findPost, insertPost, replaceTags, type EmbedType } from "../store/posts";
import { db, type SocialRuntime } from "../runtime";

/** How many recent posts of a newly followed author enter the follower's cached feed (Mastodon merges on follow too). */
const MERGE_ON_FOLLOW = 40;

export async function onPostCreated(rt: SocialRuntime, e: EventEnvelope<"social.post.created">): Promise<void> {
	if (e.data.visibility === "private") return;
	const post = await findPost(db(rt), e.data.postId);
	if (!post) return; // deleted before its fan-out ran
	const at = new Date(post.created_at);
	await fanOut(rt, e.data.authorId, { postId: post.id, score: at.getTime() }, at);
}

export async function onPostReposted(rt: SocialRuntime, e: EventEnvelope<"social.post.reposted">): Promise<void> {
	const at = new Date(e.data.repostedAt);
	await fanOut(rt, e.data.reposterId, { postId: e.data.postId, score: at.getTime() }, at);
}

export async function onPostDeleted(rt: SocialRuntime, e: EventEnvelope<"social.post.deleted">): Promise<void> {
	await fanOutRemoval(rt, e.data.authorId, e.data.postId);
}

export async function onFollowCreated(rt: SocialRuntime, t: Transaction, e: EventEnvelope<"users.follow.created">): Promise<boolean> {
	return addFollow(db(rt, t), e.data.followerId, e.data.followeeId);
}

/** After a follow committed: the author's recent posts enter the follower's feed if it is cached (an inactive feed gets them on rebuild). */
export async function mergeOnFollow(rt: SocialRuntime, followerId: string, followeeId: string): Promise<void> {
	const recent = await authorPosts(db(rt), followeeId, null, MERGE_ON_FOLLOW);
	for (const entry of recent) await rt.feeds.fanout([followerId], entry);
}

export async function onFollowRemoved(rt: SocialRuntime, t: Transaction, e: EventEnvelope<"users.follow.removed">): Promise<void> {
	await removeFollow(db(rt, t), e.data.followerId, e.data.followeeId);
}

/** A post embedding what another domain just published, in the consumer's transaction (one per entity: the unique index makes a redelivery a no-op). */
export async function domainPost(
	rt: SocialRuntime,
	t: Transaction,
	input: { source: "commerce" | "events"; authorId: string; embed: { type: EmbedType; id: string }; title: string }
): Promise<string | null> {
	const id = newId();
	const createdAt = new Date();
	const text = input.title.trim();
	const hashtags = extractHashtags(text);
	const d = db(rt, t);
	const inserted = await insertPost(d, {
		id,
		authorId: input.authorId,
		text,
		mediaFileIds: [],
		embed: input.embed,
		visibility: "public",
		quoteOf: null,
		mentions: [],
		hashtags,
		source: input.source,
		createdAt
	});
	if (!inserted) return null;
	await replaceTags(d, { id, authorId: input.authorId, isPublic: true, createdAt }, hashtags);
	await rt.raiseEvent(t, "social.post.created", { postId: id, authorId: input.authorId, visibility: "public" }, input.authorId);
	return id;
}
