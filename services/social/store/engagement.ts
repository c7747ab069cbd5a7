/** Likes and reposts: each insert or delete says whether it changed anything, so counters follow real changes only. */
import { execute, type Db } from "../../../lib/db/sql";

export async function insertLike(db: Db, postId: string, userId: string): Promise<boolean> {
	return (await execute(db, "INSERT INTO social.likes (post_id, user_id) VALUES (:postId, :userId) ON CONFLICT DO NOTHING", { postId, userId })) === 1;
}

export async function deleteLike(db: Db, postId: string, userId: string): Promise<boolean> {
	return (await execute(db, "DELETE FROM social.likes WHERE post_id = :postId AND user_id = :userId", { postId, userId })) === 1;
}

export async function insertRepost(db: Db, postId: string, userId: string, at: Date): Promise<boolean> {
	return (await execute(db, "INSERT INTO social.reposts (post_id, user_id, created_at) VALUES (:postId, :userId, :at) ON CONFLICT DO NOTHING", { postId, userId, at })) === 1;
}

export async function deleteRepost(db: Db, postId: string, userId: string): Promise<boolean> {
	return (await execute(db, "DELETE FROM social.reposts WHERE post_id = :postId AND user_id = :userId", { postId, userId })) === 1;
}
