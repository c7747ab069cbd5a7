/**
 * Comments with one level of replies. The post row is locked while a
 * comment is added or removed, so comments_count always equals the rows.
 * A comment is deleted by its author or by the post's author; a top-level
 * comment takes its replies with it.
 */
import { newId } from "../../../lib/ids";
import { inTransaction } from "../../../lib/db/transaction";
import { readPage, toPage, type Page } from "../../../lib/pagination";
import { badRequest, ErrorType } from "../../../lib/errors";
import { SocialError } from "../errors";
import { isPosition, type FeedPosition } from "../rules/feed-order";
import { codePoints, COMMENT_MAX } from "../rules/text";
import { deleteComment, findComment, insertComment, pageComments, type CommentRow } from "../store/comments";
import { bump, lockPost } from "../store/posts";
import { db, type SocialRuntime } from "../runtime";
import { userRef, visiblePost } from "./posts";
import type { AuthorView } from "./render";

export interface CommentView {
	id: string;
	postId: string;
	parentId: string | null;
	author: AuthorView;
	text: string;
	repliesCount: number;
	createdAt: string;
}

export async function addComment(rt: SocialRuntime, userId: string, postId: string, input: { text: string; parentId?: string }): Promise<CommentView> {
	const text = input.text.trim();
	if (!text || codePoints(text) > COMMENT_MAX) throw SocialError.invalid("text", `1 to ${COMMENT_MAX} characters`);
	const { row: post } = await visiblePost(rt, userId, postId);
	const parentId = input.parentId?.toLowerCase() ?? null;
	let parent: CommentRow | null = null;
	if (parentId) {
		parent = await findComment(db(rt), parentId);
		if (!parent || parent.post_id !== post.id) throw SocialError.commentNotFound();
		if (parent.parent_id) throw SocialError.invalidParent();
	}
	const { card, ref } = await userRef(rt, userId);
	const id = newId();
	const createdAt = new Date();
	await inTransaction(rt.sequelize, async t => {
		const d = db(rt, t);
		if (!(await lockPost(d, post.id))) throw SocialError.postNotFound();
		if (parent && !(await findComment(d, parent.id))) throw SocialError.commentNotFound();
		await insertComment(d, { id, postId: post.id, authorId: userId, parentId, text, createdAt });
		await bump(d, post.id, "comments_count", 1);
		const base = { commentId: id, postId: post.id, postAuthorId: post.author_id, authorId: userId, author: ref };
		await rt.raiseEvent(t, "social.comment.created", { ...base, parentId, parentAuthorId: parent?.author_id ?? null }, userId);
		if (parent) await rt.raiseEvent(t, "social.comment.replied", { ...base, parentId: parent.id, parentAuthorId: parent.author_id }, userId);
	});
	return {
		id,
		postId: post.id,
		parentId,
		author: { id: card.id, username: card.username, displayName: card.displayName, avatar: card.avatar },
		text,
		repliesCount: 0,
		createdAt: createdAt.toISOString()
	};
}

/** Top-level comments, or one comment's replies (?parentId=), oldest first; comments across a block are left out. */
export async function listComments(rt: SocialRuntime, viewerId: string, postId: string, params: { parentId?: string; cursor?: string; limit?: number }): Promise<Page<CommentView>> {
	const { row: post } = await visiblePost(rt, viewerId, postId);
	const { limit, after } = readPage<FeedPosition>(params);
	if (after !== null && !isPosition(after)) throw badRequest("Invalid cursor", ErrorType.INVALID_CURSOR);
	const rows = await pageComments(db(rt), post.id, params.parentId?.toLowerCase() ?? null, after, limit + 1);
	const page = toPage(rows, limit, r => [new Date(r.created_at).getTime(), r.id]);
	const authors = [...new Set(page.items.map(r => r.author_id))];
	const [profiles, rels] = await Promise.all([rt.peers.profiles(authors, viewerId), rt.peers.relationships(viewerId, authors)]);
	const items = page.items
		.filter(r => {
			const rel = rels.get(r.author_id);
			return profiles.has(r.author_id) && !(rel && (rel.blocking || rel.blockedBy));
		})
		.map(r => {
			const p = profiles.get(r.author_id)!;
			return {
				id: r.id,
				postId: r.post_id,
				parentId: r.parent_id,
				author: { id: p.id, username: p.username, displayName: p.displayName, avatar: p.avatar },
				text: r.text,
				repliesCount: r.replies_count,
				createdAt: new Date(r.created_at).toISOString()
			};
		});
	return { items, nextCursor: page.nextCursor };
}

export async function removeComment(rt: SocialRuntime, userId: string, commentId: string): Promise<void> {
	const comment = await findComment(db(rt), commentId);
	if (!comment) throw SocialError.commentNotFound();
	let post;
	try {
		post = (await visiblePost(rt, userId, comment.post_id)).row;
	} catch {
		throw SocialError.commentNotFound();
	}
	if (comment.author_id !== userId && post.author_id !== userId) throw SocialError.cannotDeleteComment();
	await inTransaction(rt.sequelize, async t => {
		const d = db(rt, t);
		if (!(await lockPost(d, post.id))) throw SocialError.commentNotFound();
		const current = await findComment(d, commentId);
		if (!current) throw SocialError.commentNotFound();
		const removed = await deleteComment(d, current);
		await bump(d, post.id, "comments_count", -removed);
	});
}
