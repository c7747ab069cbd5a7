/**
 * Per-user factors reported by other domains' events (trust score, posts
 * count). Upserts: an event may arrive before the user's registration does
 * (each event type has its own queue), and the row then waits for it.
 */
import { execute, select, type Db } from "../../../lib/db/sql";

export type Counter = "posts" | "orders_bought" | "orders_sold" | "disputes_lost" | "refunds" | "reports_upheld";

export interface StatsRow {
	phone_verified: boolean;
	email_verified: boolean;
	posts: number;
	orders_bought: number;
	orders_sold: number;
	ratings_count: number;
	ratings_sum: number;
	disputes_lost: number;
	refunds: number;
	reports_upheld: number;
}

const EMPTY: StatsRow = {
	phone_verified: false,
	email_verified: false,
	posts: 0,
	orders_bought: 0,
	orders_sold: 0,
	ratings_count: 0,
	ratings_sum: 0,
	disputes_lost: 0,
	refunds: 0,
	reports_upheld: 0
};

export async function loadStats(db: Db, userId: string): Promise<StatsRow> {
	const [row] = await select<StatsRow>(db, "SELECT * FROM users.stats WHERE user_id = :userId", { userId });
	return row ?? EMPTY;
}

/** Adds `delta` to one counter; a decrement never goes below zero (a deletion seen twice, or before its creation). */
export async function bump(db: Db, userId: string, counter: Counter, delta: number): Promise<void> {
	await execute(
		db,
		`INSERT INTO users.stats (user_id, ${counter}) VALUES (:userId, GREATEST(0, :delta))
		 ON CONFLICT (user_id) DO UPDATE SET ${counter} = GREATEST(0, stats.${counter} + :delta), updated_at = now()`,
		{ userId, delta }
	);
}

export async function addRating(db: Db, userId: string, rating: number): Promise<void> {
	await execute(
		db,
		`INSERT INTO users.stats (user_id, ratings_count, ratings_sum) VALUES (:userId, 1, :rating)
		 ON CONFLICT (user_id) DO UPDATE SET ratings_count = stats.ratings_count + 1, ratings_sum = stats.ratings_sum + :rating, updated_at = now()`,
		{ userId, rating }
	);
}

export async function markVerified(db: Db, userId: string, channel: "sms" | "email"): Promise<void> {
	const column = channel === "sms" ? "phone_verified" : "email_verified";
	await execute(
		db,
		`INSERT INTO users.stats (user_id, ${column}) VALUES (:userId, true)
		 ON CONFLICT (user_id) DO UPDATE SET ${column} = true, updated_at = now()`,
		{ userId }
	);
}

export async function deleteStats(db: Db, userId: string): Promise<void> {
	await execute(db, "DELETE FROM users.stats WHERE user_id = :userId", { userId });
}
