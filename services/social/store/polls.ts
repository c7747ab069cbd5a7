/** Polls, their options and ballots. Option vote counters change in the ballot's transaction. */
import { execute, select, uuidArray, type Db } from "../../../lib/db/sql";

export interface PollRow {
	post_id: string;
	multiple: boolean;
	expires_at: Date;
	voters_count: number;
	options: Array<{ id: string; text: string; votes: number }>;
}

export async function insertPoll(db: Db, p: { postId: string; multiple: boolean; expiresAt: Date; options: Array<{ id: string; text: string }> }) {
	await execute(db, "INSERT INTO social.polls (post_id, multiple, expires_at) VALUES (:postId, :multiple, :expiresAt)", p);
	for (const [position, o] of p.options.entries())
		await execute(db, "INSERT INTO social.poll_options (id, post_id, position, text) VALUES (:id, :postId, :position, :text)", { id: o.id, postId: p.postId, position, text: o.text });
}

export async function findPolls(db: Db, postIds: readonly string[]): Promise<Map<string, PollRow>> {
	const out = new Map<string, PollRow>();
	if (postIds.length === 0) return out;
	const rows = await select<PollRow>(
		db,
		`SELECT p.post_id, p.multiple, p.expires_at, p.voters_count,
		        (SELECT json_agg(json_build_object('id', o.id, 'text', o.text, 'votes', o.votes) ORDER BY o.position) FROM social.poll_options o WHERE o.post_id = p.post_id) AS options
		   FROM social.polls p WHERE p.post_id = ANY(CAST(:ids AS uuid[]))`,
		{ ids: uuidArray([...new Set(postIds)]) }
	);
	for (const r of rows) out.set(r.post_id, r);
	return out;
}

/** Records a ballot; false when this user already voted on this poll. */
export async function insertBallot(db: Db, postId: string, userId: string, optionIds: string[]): Promise<boolean> {
	const fresh = (await execute(db, "INSERT INTO social.poll_voters (post_id, user_id) VALUES (:postId, :userId) ON CONFLICT DO NOTHING", { postId, userId })) === 1;
	if (!fresh) return false;
	await execute(db, "INSERT INTO social.poll_votes (post_id, user_id, option_id) SELECT :postId, :userId, o FROM unnest(CAST(:ids AS uuid[])) AS o", {
		postId,
		userId,
		ids: uuidArray(optionIds)
	});
	await execute(db, "UPDATE social.poll_options SET votes = votes + 1 WHERE id = ANY(CAST(:ids AS uuid[]))", { ids: uuidArray(optionIds) });
	await execute(db, "UPDATE social.polls SET voters_count = voters_count + 1 WHERE post_id = :postId", { postId });
	return true;
}
