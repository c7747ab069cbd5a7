/** Comments: one level of replies (a reply's parent is always a top-level comment of the same post). */
import type { FeedPosition } from "../rules/feed-order";
import { execute, select, type Db } from "../../../lib/db/sql";
import { ms } from "./time";

export interface CommentRow {
	id: string;
	post_id: string;
	author_id: string;
	parent_id: string | null;
	text: string;
	replies_count: number;
	created_at: Date;
}

const COLUMNS = "id, post_id, author_id, parent_id, text, replies_count, created_at";

export async function insertComment(db: Db, c: { id: string; postId: string; authorId: string; parentId: string | null; text: string; createdAt: Date }) {
	await execute(
		db,
		"INSERT INTO social.comments (id, post_id, author_id, parent_id, text, created_at) VALUES (:id, :postId, :authorId, :parentId, :text, :createdAt)",
		c
	);
	if (c.parentId) await execute(db, "UPDATE social.comments SET replies_count = replies_count + 1 WHERE id = :parentId", { parentId: c.parentId });
}

export async function findComment(db: Db, id: string): Promise<CommentRow | null> {
	return (await select<CommentRow>(db, `SELECT ${COLUMNS} FROM social.comments WHERE id = :id`, { id }))[0] ?? null;
}

/** Deletes a comment (its replies go with it); returns how many comments were removed. */
export async function deleteComment(db: Db, c: CommentRow): Promise<number> {
	const removed = 1 + (c.parent_id ? 0 : c.replies_count);
	await execute(db, "DELETE FROM social.comments WHERE id = :id", { id: c.id });
	if (c.parent_id) await execute(db, "UPDATE social.comments SET replies_count = greatest(replies_count - 1, 0) WHERE id = :parentId", { parentId: c.parent_id });
	return removed;
}

/** Top-level comments (parentId null) or one comment's replies, oldest first (conversation order). */
export function pageComments(db: Db, postId: string, parentId: string | null, pos: FeedPosition | null, n: number): Promise<CommentRow[]> {
	return select<CommentRow>(
		db,
		`SELECT ${COLUMNS} FROM social.comments
		  WHERE post_id = :postId AND ${parentId ? "parent_id = :parentId" : "parent_id IS NULL"}
		  ${pos ? `AND (${ms("created_at")}, id) > (CAST(:posMs AS bigint), CAST(:posId AS uuid))` : ""}
		  ORDER BY created_at, id LIMIT :n`,
		{ postId, parentId, n, ...(pos ? { posMs: pos[0], posId: pos[1] } : {}) }
	);
}
