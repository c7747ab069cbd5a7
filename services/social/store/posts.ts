/**
 * Posts and their edit history. Reads take ids in batches (a feed page is
 * one query); writes run inside the flows' transactions.
 */
import type { Visibility } from "../rules/visibility";
import { execute, select, textArray, uuidArray, type Db } from "../../../lib/db/sql";

export type EmbedType = "product" | "event" | "shop";
export interface MentionRef {
	id: string;
	username: string;
}

export interface PostRow {
	id: string;
	author_id: string;
	text: string;
	media_file_ids: string[];
	embed_type: EmbedType | null;
	embed_id: string | null;
	visibility: Visibility;
	quote_of: string | null;
	mentions: MentionRef[];
	hashtags: string[];
	source: string;
	likes_count: number;
	comments_count: number;
	reposts_count: number;
	quotes_count: number;
	created_at: Date;
	edited_at: Date | null;
	deleted_at: Date | null;
}

export interface NewPost {
	id: string;
	authorId: string;
	text: string;
	mediaFileIds: string[];
	embed: { type: EmbedType; id: string } | null;
	visibility: Visibility;
	quoteOf: string | null;
	mentions: MentionRef[];
	hashtags: string[];
	source: string;
	createdAt: Date;
}

const COLUMNS = `id, author_id, text, media_file_ids, embed_type, embed_id, visibility, quote_of, mentions, hashtags, source,
	likes_count, comments_count, reposts_count, quotes_count, created_at, edited_at, deleted_at`;

/** Inserts a post; false when a domain post for the same embed already exists (redelivered event). */
export async function insertPost(db: Db, p: NewPost): Promise<boolean> {
	const n = await execute(
		db,
		`INSERT INTO social.posts (id, author_id, text, media_file_ids, embed_type, embed_id, visibility, quote_of, mentions, hashtags, source, created_at)
		 VALUES (:id, :authorId, :text, CAST(:media AS uuid[]), :embedType, :embedId, :visibility, :quoteOf, CAST(:mentions AS jsonb), CAST(:tags AS text[]), :source, :createdAt)
		 ON CONFLICT (source, embed_id) WHERE source <> 'user' DO NOTHING`,
		{
			id: p.id,
			authorId: p.authorId,
			text: p.text,
			media: uuidArray(p.mediaFileIds),
			embedType: p.embed?.type ?? null,
			embedId: p.embed?.id ?? null,
			visibility: p.visibility,
			quoteOf: p.quoteOf,
			mentions: JSON.stringify(p.mentions),
			tags: textArray(p.hashtags),
			source: p.source,
			createdAt: p.createdAt
		}
	);
	return n === 1;
}

/** The live post (null when absent or deleted). */
export async function findPost(db: Db, id: string): Promise<PostRow | null> {
	return (await select<PostRow>(db, `SELECT ${COLUMNS} FROM social.posts WHERE id = :id AND deleted_at IS NULL`, { id }))[0] ?? null;
}

/** The live post, row-locked until the transaction ends (counters, edits, deletion). */
export async function lockPost(db: Db, id: string): Promise<PostRow | null> {
	const rows = await select<PostRow>(db, `SELECT ${COLUMNS} FROM social.posts WHERE id = :id AND deleted_at IS NULL FOR UPDATE`, { id });
	return rows[0] ?? null;
}

export async function updatePost(db: Db, id: string, patch: { text: string; mediaFileIds: string[]; visibility: Visibility; mentions: MentionRef[]; hashtags: string[]; editedAt: Date }) {
	await execute(
		db,
		`UPDATE social.posts SET text = :text, media_file_ids = CAST(:media AS uuid[]), visibility = :visibility,
		        mentions = CAST(:mentions AS jsonb), hashtags = CAST(:tags AS text[]), edited_at = :editedAt WHERE id = :id`,
		{ id, text: patch.text, media: uuidArray(patch.mediaFileIds), visibility: patch.visibility, mentions: JSON.stringify(patch.mentions), tags: textArray(patch.hashtags), editedAt: patch.editedAt }
	);
}

export async function insertEdit(db: Db, e: { id: string; postId: string; text: string; mediaFileIds: string[]; visibility: Visibility; replacedAt: Date }) {
	await execute(
		db,
		`INSERT INTO social.post_edits (id, post_id, text, media_file_ids, visibility, replaced_at) VALUES (:id, :postId, :text, CAST(:media AS uuid[]), :visibility, :replacedAt)`,
		{ ...e, media: uuidArray(e.mediaFileIds) }
	);
}

export function listEdits(db: Db, postId: string) {
	return select<{ text: string; media_file_ids: string[]; visibility: Visibility; replaced_at: Date }>(
		db,
		"SELECT text, media_file_ids, visibility, replaced_at FROM social.post_edits WHERE post_id = :postId ORDER BY replaced_at DESC, id DESC",
		{ postId }
	);
}

/** Soft delete: the row stays for counters and history; every list and feed skips it from now on. */
export async function markDeleted(db: Db, id: string, at: Date) {
	await execute(db, "UPDATE social.posts SET deleted_at = :at WHERE id = :id", { id, at });
	await execute(db, "DELETE FROM social.post_tags WHERE post_id = :id", { id });
	await execute(db, "DELETE FROM social.post_mentions WHERE post_id = :id", { id });
}

export type Counter = "likes_count" | "comments_count" | "reposts_count" | "quotes_count";

export async function bump(db: Db, id: string, counter: Counter, by: number) {
	await execute(db, `UPDATE social.posts SET ${counter} = ${counter} + :by WHERE id = :id`, { id, by });
}

export async function replaceTags(db: Db, post: { id: string; authorId: string; isPublic: boolean; createdAt: Date }, tags: string[]) {
	await execute(db, "DELETE FROM social.post_tags WHERE post_id = :id", { id: post.id });
	if (tags.length === 0) return;
	await execute(
		db,
		`INSERT INTO social.post_tags (tag, post_id, author_id, is_public, created_at)
		 SELECT t, :id, :authorId, :isPublic, :createdAt FROM unnest(CAST(:tags AS text[])) AS t`,
		{ ...post, tags: textArray(tags) }
	);
}

export async function replaceMentions(db: Db, post: { id: string; createdAt: Date }, userIds: string[]) {
	await execute(db, "DELETE FROM social.post_mentions WHERE post_id = :id", { id: post.id });
	if (userIds.length === 0) return;
	await execute(
		db,
		`INSERT INTO social.post_mentions (user_id, post_id, created_at) SELECT u, :id, :createdAt FROM unnest(CAST(:ids AS uuid[])) AS u ON CONFLICT DO NOTHING`,
		{ id: post.id, createdAt: post.createdAt, ids: uuidArray(userIds) }
	);
}
