/** SQL for organizer ratings, and the check-in fact that entitles an attendee to rate (TIX's tables). */
import { select, type Db } from "./sql";

export interface RatingRow {
	id: string;
	event_id: string;
	organizer_id: string;
	author_id: string;
	rating: number;
	text: string;
	created_at: Date;
}

/** Whether `userId` entered the event: one of their tickets was scanned in with an `ok`. */
export async function checkedIn(db: Db, eventId: string, userId: string): Promise<boolean> {
	const rows = await select(
		db,
		`SELECT 1 FROM events.checkins c JOIN events.tickets t ON t.id = c.ticket_id
		 WHERE c.event_id = :eventId AND c.result = 'ok' AND t.holder_id = :userId LIMIT 1`,
		{ eventId, userId }
	);
	return rows.length > 0;
}

/** Inserts the rating; null when this author already rated this event. */
export async function insertRating(db: Db, r: { id: string; eventId: string; organizerId: string; authorId: string; rating: number; text: string }): Promise<RatingRow | null> {
	const [row] = await select<RatingRow>(
		db,
		`INSERT INTO events.ratings (id, event_id, organizer_id, author_id, rating, text) VALUES (:id, :eventId, :organizerId, :authorId, :rating, :text)
		 ON CONFLICT (event_id, author_id) DO NOTHING RETURNING id, event_id, organizer_id, author_id, rating, text, created_at`,
		r
	);
	return row ?? null;
}

export async function starCounts(db: Db, organizerId: string): Promise<{ counts: Map<number, number>; events: number }> {
	const rows = await select<{ rating: number; n: string; events: string }>(
		db,
		`SELECT rating, count(*) AS n, (SELECT count(DISTINCT event_id) FROM events.ratings WHERE organizer_id = :organizerId) AS events
		 FROM events.ratings WHERE organizer_id = :organizerId GROUP BY rating`,
		{ organizerId }
	);
	return { counts: new Map(rows.map(r => [Number(r.rating), Number(r.n)])), events: Number(rows[0]?.events ?? 0) };
}
