/**
 * Likes, reposts and poll ballots. Each counter moves in the same
 * transaction as the row it counts, and only when the row really changed
 * (an insert that found the like already there adds nothing), so counts stay
 * equal to the rows however many requests race.
 */
import { inTransaction } from "../../../lib/db/transaction";
import { SocialError } from "../errors";
import { checkBallot } from "../rules/poll";
import { deleteLike, deleteRepost, insertLike, insertRepost } from "../store/engagement";
import { findPolls, insertBallot } from "../store/polls";
import { bump, findPost } from "../store/posts";
import { db, type SocialRuntime } from "../runtime";
import { userRef, visiblePost } from "./posts";

export interface LikeState {
	postId: string;
	liked: boolean;
	likes: number;
}

export interface RepostState {
	postId: string;
	reposted: boolean;
	reposts: number;
}

async function count(rt: SocialRuntime, postId: string, field: "likes_count" | "reposts_count"): Promise<number> {
	return (await findPost(db(rt), postId))?.[field] ?? 0;
}

export async function like(rt: SocialRuntime, userId: string, postId: string): Promise<LikeState> {
	const { row } = await visiblePost(rt, userId, postId);
	const { ref } = await userRef(rt, userId);
	await inTransaction(rt.sequelize, async t => {
		if (!(await insertLike(db(rt, t), row.id, userId))) return;
		await bump(db(rt, t), row.id, "likes_count", 1);
		await rt.raiseEvent(t, "social.post.liked", { postId: row.id, authorId: row.author_id, likerId: userId, liker: ref }, userId);
	});
	return { postId: row.id, liked: true, likes: await count(rt, row.id, "likes_count") };
}

export async function unlike(rt: SocialRuntime, userId: string, postId: string): Promise<LikeState> {
	const { row } = await visiblePost(rt, userId, postId);
	await inTransaction(rt.sequelize, async t => {
		if (await deleteLike(db(rt, t), row.id, userId)) await bump(db(rt, t), row.id, "likes_count", -1);
	});
	return { postId: row.id, liked: false, likes: await count(rt, row.id, "likes_count") };
}

/** Reposts share public posts only (a followers-only post must not travel to the reposter's followers). */
export async function repost(rt: SocialRuntime, userId: string, postId: string): Promise<RepostState> {
	const { row } = await visiblePost(rt, userId, postId);
	if (row.visibility !== "public") throw SocialError.notRepostable();
	const { ref } = await userRef(rt, userId);
	const at = new Date();
	const added = await inTransaction(rt.sequelize, async t => {
		if (!(await insertRepost(db(rt, t), row.id, userId, at))) return false;
		await bump(db(rt, t), row.id, "reposts_count", 1);
		await rt.raiseEvent(t, "social.post.reposted", { postId: row.id, authorId: row.author_id, reposterId: userId, reposter: ref, repostedAt: at.toISOString() }, userId);
		return true;
	});
	if (added) await rt.feeds.fanout([userId], { postId: row.id, score: at.getTime() });
	return { postId: row.id, reposted: true, reposts: await count(rt, row.id, "reposts_count") };
}

/** Undoes a repost. Feeds keep the entry, but a post neither by someone followed nor reposted by one is dropped at read. */
export async function unrepost(rt: SocialRuntime, userId: string, postId: string): Promise<RepostState> {
	const { row } = await visiblePost(rt, userId, postId);
	await inTransaction(rt.sequelize, async t => {
		if (await deleteRepost(db(rt, t), row.id, userId)) await bump(db(rt, t), row.id, "reposts_count", -1);
	});
	return { postId: row.id, reposted: false, reposts: await count(rt, row.id, "reposts_count") };
}

/** One ballot per user and poll; answers the post's poll as the voter now sees it. */
export async function vote(rt: SocialRuntime, userId: string, postId: string, optionIds: string[]) {
	const { row } = await visiblePost(rt, userId, postId);
	const poll = (await findPolls(db(rt), [row.id])).get(row.id);
	if (!poll) throw SocialError.noPoll();
	const choice = optionIds.map(id => id.toLowerCase());
	const problem = checkBallot({ multiple: poll.multiple, expiresAt: new Date(poll.expires_at), optionIds: poll.options.map(o => o.id) }, choice, new Date());
	if (problem === "POLL_EXPIRED") throw SocialError.pollExpired();
	if (problem) throw SocialError.invalidChoice();
	const fresh = await inTransaction(rt.sequelize, t => insertBallot(db(rt, t), row.id, userId, choice));
	if (!fresh) throw SocialError.alreadyVoted();
	return (await visiblePost(rt, userId, row.id)).view.poll;
}
