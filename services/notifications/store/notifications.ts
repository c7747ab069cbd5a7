/** In-app notifications: create, group, page, count, mark read. */
import { newId } from "../../../lib/ids";
import type { Actor } from "../rules/grouping";
import { execute, select, type Db } from "../../../lib/db/sql";

export interface StoredNotification {
	id: string;
	userId: string;
	type: string;
	title: string;
	body: string;
	data: Record<string, string>;
	groupKey: string | null;
	actors: Actor[] | null;
	actorCount: number;
	readAt: Date | null;
	createdAt: Date;
}

interface Row {
	id: string;
	user_id: string;
	type: string;
	title: string;
	body: string;
	data: Record<string, string>;
	group_key: string | null;
	actors: Actor[] | null;
	actor_count: number;
	read_at: Date | null;
	created_at: Date;
}

// Milliseconds, as JavaScript dates and the page cursors carry them: a microsecond
// timestamp would not compare equal to its own cursor and repeat a row on the next page.
const NOW_MS = "date_trunc('milliseconds', now())";

const COLUMNS = "id, user_id, type, title, body, data, group_key, actors, actor_count, read_at, created_at";

const fromRow = (r: Row): StoredNotification => ({
	id: r.id,
	userId: r.user_id,
	type: r.type,
	title: r.title,
	body: r.body,
	data: r.data ?? {},
	groupKey: r.group_key,
	actors: r.actors,
	actorCount: r.actor_count,
	readAt: r.read_at,
	createdAt: new Date(r.created_at)
});

export interface NewNotification {
	userId: string;
	type: string;
	title: string;
	body: string;
	data: Record<string, string>;
	groupKey?: string | null;
	actors?: Actor[] | null;
	actorCount?: number;
}

export async function insertNotification(db: Db, n: NewNotification): Promise<StoredNotification> {
	const [r] = await select<Row>(
		db,
		`INSERT INTO notifications.notifications (id, user_id, type, title, body, data, group_key, actors, actor_count, created_at)
		 VALUES (:id, :userId, :type, :title, :body, CAST(:data AS jsonb), :groupKey, CAST(:actors AS jsonb), :actorCount, ${NOW_MS})
		 RETURNING ${COLUMNS}`,
		{
			id: newId(),
			userId: n.userId,
			type: n.type,
			title: n.title,
			body: n.body,
			data: JSON.stringify(n.data),
			groupKey: n.groupKey ?? null,
			actors: n.actors ? JSON.stringify(n.actors) : null,
			actorCount: n.actorCount ?? 1
		}
	);
	return fromRow(r);
}

/** The unread notification still taking actors for this group, locked until the transaction ends. */
export async function openGroup(db: Db, userId: string, groupKey: string, since: Date): Promise<StoredNotification | null> {
	const [r] = await select<Row>(
		db,
		`SELECT ${COLUMNS} FROM notifications.notifications
		  WHERE user_id = :userId AND group_key = :groupKey AND read_at IS NULL AND created_at > :since
		  ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
		{ userId, groupKey, since }
	);
	return r ? fromRow(r) : null;
}

/** New texts and actors for a group; it moves to the top of the list, where the newest activity belongs. */
export async function updateGroup(db: Db, id: string, u: { title: string; body: string; actors: Actor[]; actorCount: number }): Promise<StoredNotification> {
	const [r] = await select<Row>(
		db,
		`UPDATE notifications.notifications SET title = :title, body = :body, actors = CAST(:actors AS jsonb), actor_count = :actorCount,
		        created_at = ${NOW_MS}, updated_at = now()
		  WHERE id = :id RETURNING ${COLUMNS}`,
		{ id, title: u.title, body: u.body, actors: JSON.stringify(u.actors), actorCount: u.actorCount }
	);
	return fromRow(r);
}

/** One page, newest first; `after` is the [createdAt, id] of the last item of the previous page. */
export async function pageNotifications(db: Db, userId: string, limit: number, after: [string, string] | null, unreadOnly: boolean): Promise<StoredNotification[]> {
	const rows = await select<Row>(
		db,
		`SELECT ${COLUMNS} FROM notifications.notifications
		  WHERE user_id = :userId ${unreadOnly ? "AND read_at IS NULL" : ""}
		    ${after ? "AND (created_at, id) < (CAST(:afterAt AS timestamptz), CAST(:afterId AS uuid))" : ""}
		  ORDER BY created_at DESC, id DESC LIMIT :limit`,
		{ userId, limit, afterAt: after?.[0] ?? null, afterId: after?.[1] ?? null }
	);
	return rows.map(fromRow);
}

export async function unreadCount(db: Db, userId: string): Promise<number> {
	const [r] = await select<{ n: string }>(db, "SELECT count(*) AS n FROM notifications.notifications WHERE user_id = :userId AND read_at IS NULL", { userId });
	return Number(r.n);
}

/** Ids among `ids` that are not this user's notifications. */
export async function foreignIds(db: Db, userId: string, ids: string[]): Promise<string[]> {
	const own = await select<{ id: string }>(db, "SELECT id FROM notifications.notifications WHERE user_id = :userId AND id IN (:ids)", { userId, ids });
	const mine = new Set(own.map(r => r.id));
	return ids.filter(id => !mine.has(id));
}

export async function markRead(db: Db, userId: string, ids: string[] | "all"): Promise<number> {
	if (ids === "all") return execute(db, "UPDATE notifications.notifications SET read_at = now(), updated_at = now() WHERE user_id = :userId AND read_at IS NULL", { userId });
	return execute(
		db,
		"UPDATE notifications.notifications SET read_at = now(), updated_at = now() WHERE user_id = :userId AND id IN (:ids) AND read_at IS NULL",
		{ userId, ids }
	);
}

export async function deleteNotifications(db: Db, userId: string): Promise<void> {
	await execute(db, "DELETE FROM notifications.notifications WHERE user_id = :userId", { userId });
}
