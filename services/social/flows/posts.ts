/**
 * Posts: create (text, media, embed, poll, quote), read, edit with history,
 * delete. Every write raises its durable events in its own transaction; the
 * author's own feed takes a new post at once (read-your-writes), followers'
 * feeds through the fan-out that consumes social.post.created (feeds/fanout.ts).
 */
import { newId } from "../../../lib/ids";
import { inTransaction } from "../../../lib/db/transaction";
import { SocialError } from "../errors";
import { checkPoll, type PollInput } from "../rules/poll";
import { checkPostShape } from "../rules/post-input";
import { extractHashtags, extractMentions } from "../rules/text";
import type { Visibility } from "../rules/visibility";
import { findPolls, insertPoll } from "../store/polls";
import { bump, findPost, insertEdit, insertPost, listEdits, lockPost, markDeleted, replaceMentions, replaceTags, updatePost, type EmbedType, type PostRow } from "../store/posts";
import { db, type SocialRuntime } from "../runtime";
import { resolveMentions } from "./mentions";
import { renderLoaded, type PostView } from "./render";
import { loadPosts } from "../store/hydrate";

export interface CreatePostInput {
	text?: string;
	mediaFileIds?: string[];
	embed?: { type: EmbedType; id: string };
	visibility: Visibility;
	poll?: PollInput;
	quoteOf?: string;
}

const lower = (ids: string[] | undefined) => (ids ?? []).map(id => id.toLowerCase());

/** The author as other domains' events name them. */
export async function userRef(rt: SocialRuntime, userId: string) {
	const card = (await rt.peers.profiles([userId], userId)).get(userId);
	if (!card) throw SocialError.userNotFound();
	return { card, ref: { username: card.username, displayName: card.displayName } };
}

/** A post the viewer can see, as a row and a view (404 otherwise: hidden posts are indistinguishable from absent ones). */
export async function visiblePost(rt: SocialRuntime, viewerId: string | null, postId: string): Promise<{ row: PostRow; view: PostView }> {
	const loaded = await loadPosts(db(rt), [postId], viewerId, { reposters: false });
	const row = loaded.get(postId);
	if (!row) throw SocialError.postNotFound();
	const [view] = await renderLoaded(rt, [row], loaded, viewerId, { listing: false });
	if (!view) throw SocialError.postNotFound();
	return { row, view };
}

export async function createPost(rt: SocialRuntime, authorId: string, input: CreatePostInput): Promise<PostView> {
	const problem = checkPostShape(input);
	if (problem) throw SocialError.invalid(problem.field, problem.message);
	const now = new Date();
	const poll = input.poll ? checkPoll(input.poll, now) : null;
	if (poll && !poll.ok) throw SocialError.invalid(poll.problem.field, poll.problem.message);
	const text = (input.text ?? "").trim();
	const media = lower(input.mediaFileIds);
	const quoteOf = input.quoteOf?.toLowerCase() ?? null;
	const embed = input.embed ? { type: input.embed.type, id: input.embed.id.toLowerCase() } : null;

	const { card, ref } = await userRef(rt, authorId);
	let quoted: PostRow | null = null;
	if (quoteOf) {
		quoted = (await visiblePost(rt, authorId, quoteOf)).row;
		if (quoted.visibility !== "public") throw SocialError.notRepostable();
	}
	if (embed) await rt.peers.checkEmbed(embed.type, embed.id);
	const mentions = await resolveMentions(rt, { id: authorId, isPrivate: card.isPrivate }, extractMentions(text), input.visibility);
	const hashtags = extractHashtags(text);

	const id = newId();
	await rt.peers.claimMedia(authorId, media, id);
	try {
		await inTransaction(rt.sequelize, async t => {
			const d = db(rt, t);
			await insertPost(d, { id, authorId, text, mediaFileIds: media, embed, visibility: input.visibility, quoteOf, mentions, hashtags, source: "user", createdAt: now });
			if (poll?.ok) await insertPoll(d, { postId: id, multiple: input.poll!.multiple, expiresAt: poll.expiresAt, options: poll.options.map(o => ({ id: newId(), text: o })) });
			await replaceTags(d, { id, authorId, isPublic: input.visibility === "public", createdAt: now }, hashtags);
			await replaceMentions(d, { id, createdAt: now }, mentions.map(m => m.id));
			await rt.raiseEvent(t, "social.post.created", { postId: id, authorId, visibility: input.visibility }, authorId);
			if (mentions.length) await rt.raiseEvent(t, "social.mention.created", { postId: id, authorId, author: ref, mentionedIds: mentions.map(m => m.id) }, authorId);
			if (quoted) {
				await bump(d, quoted.id, "quotes_count", 1);
				await rt.raiseEvent(t, "social.post.quoted", { postId: id, quotedPostId: quoted.id, quotedAuthorId: quoted.author_id, authorId, author: ref }, authorId);
			}
		});
	} catch (err) {
		await rt.peers.releaseMedia(media, id);
		throw err;
	}
	await rt.feeds.fanout([authorId], { postId: id, score: now.getTime() });
	return (await visiblePost(rt, authorId, id)).view;
}

export interface EditPostInput {
	text?: string;
	mediaFileIds?: string[];
	visibility?: Visibility;
}

/** Edits text, media or visibility; the replaced version goes to the history. Newly mentioned users are notified. */
export async function editPost(rt: SocialRuntime, userId: string, postId: string, patch: EditPostInput): Promise<PostView> {
	const current = await findPost(db(rt), postId);
	if (!current) throw SocialError.postNotFound();
	if (current.author_id !== userId) {
		await visiblePost(rt, userId, postId); // 404 for a post they cannot see, 403 for one they can
		throw SocialError.notAuthor();
	}
	const text = patch.text !== undefined ? patch.text.trim() : current.text;
	const media = patch.mediaFileIds !== undefined ? lower(patch.mediaFileIds) : current.media_file_ids;
	const visibility = patch.visibility ?? current.visibility;
	const hasPoll = (await findPolls(db(rt), [postId])).size > 0;
	const problem = checkPostShape({ text, mediaFileIds: media, embed: current.embed_id ? { type: current.embed_type!, id: current.embed_id } : undefined, poll: hasPoll || undefined, quoteOf: current.quote_of ?? undefined });
	if (problem) throw SocialError.invalid(problem.field, problem.message);

	const { card, ref } = await userRef(rt, userId);
	const mentions = await resolveMentions(rt, { id: userId, isPrivate: card.isPrivate }, extractMentions(text), visibility);
	const hashtags = extractHashtags(text);
	const added = media.filter(id => !current.media_file_ids.includes(id));
	const removed = current.media_file_ids.filter(id => !media.includes(id));
	await rt.peers.claimMedia(userId, added, postId);
	const now = new Date();
	try {
		await inTransaction(rt.sequelize, async t => {
			const d = db(rt, t);
			const row = await lockPost(d, postId);
			if (!row) throw SocialError.postNotFound();
			await insertEdit(d, { id: newId(), postId, text: row.text, mediaFileIds: row.media_file_ids, visibility: row.visibility, replacedAt: now });
			await updatePost(d, postId, { text, mediaFileIds: media, visibility, mentions, hashtags, editedAt: now });
			await replaceTags(d, { id: postId, authorId: userId, isPublic: visibility === "public", createdAt: row.created_at }, hashtags);
			await replaceMentions(d, { id: postId, createdAt: row.created_at }, mentions.map(m => m.id));
			const before = new Set(row.mentions.map(m => m.id));
			const fresh = mentions.filter(m => !before.has(m.id)).map(m => m.id);
			if (fresh.length) await rt.raiseEvent(t, "social.mention.created", { postId, authorId: userId, author: ref, mentionedIds: fresh }, userId);
		});
	} catch (err) {
		await rt.peers.releaseMedia(added, postId);
		throw err;
	}
	await rt.peers.releaseMedia(removed, postId);
	return (await visiblePost(rt, userId, postId)).view;
}

/** The versions an edit replaced, newest first (only for those who can see the post). */
export async function postHistory(rt: SocialRuntime, viewerId: string, postId: string) {
	await visiblePost(rt, viewerId, postId);
	const edits = await listEdits(db(rt), postId);
	return {
		items: edits.map(e => ({ text: e.text, mediaFileIds: e.media_file_ids, visibility: e.visibility, replacedAt: new Date(e.replaced_at).toISOString() })),
		nextCursor: null
	};
}

/** Deletes a post (author only): gone from every list and feed at once; fan-out removes the cached entries. */
export async function deletePost(rt: SocialRuntime, userId: string, postId: string): Promise<void> {
	const current = await findPost(db(rt), postId);
	if (!current) throw SocialError.postNotFound();
	if (current.author_id !== userId) {
		await visiblePost(rt, userId, postId);
		throw SocialError.notAuthor();
	}
	const deleted = await inTransaction(rt.sequelize, async t => {
		const d = db(rt, t);
		const row = await lockPost(d, postId);
		if (!row) return null;
		await markDeleted(d, postId, new Date());
		if (row.quote_of) await bump(d, row.quote_of, "quotes_count", -1);
		await rt.raiseEvent(t, "social.post.deleted", { postId, authorId: userId }, userId);
		return row;
	});
	if (!deleted) throw SocialError.postNotFound();
	await rt.feeds.remove([userId], postId);
	await rt.peers.releaseMedia(deleted.media_file_ids, postId);
}
