/** SQL for reviews and their reports (docs/commerce.md "Reviews"). */
import { execute, select, selectOne, type Db } from "./db";

export interface ReviewRow {
	id: string;
	product_id: string;
	shop_id: string;
	seller_id: string;
	order_id: string;
	author_id: string;
	rating: number;
	text: string | null;
	photo_file_ids: string[];
	reply_text: string | null;
	replied_at: Date | null;
	report_count: number;
	hidden: boolean;
	created_at: Date;
}

export async function insertReview(db: Db, r: Omit<ReviewRow, "reply_text" | "replied_at" | "report_count" | "hidden" | "created_at">): Promise<boolean> {
	const n = await execute(
		db,
		`INSERT INTO commerce.reviews (id, product_id, shop_id, seller_id, order_id, author_id, rating, text, photo_file_ids)
		 VALUES (:id, :product_id, :shop_id, :seller_id, :order_id, :author_id, :rating, :text, CAST(:photos AS uuid[]))
		 ON CONFLICT (author_id, product_id) DO NOTHING`,
		{ ...r, photos: `{${r.photo_file_ids.join(",")}}` }
	);
	return n === 1;
}

/** The product's and the shop's aggregates move with the review, in its transaction. */
export async function addToRatings(db: Db, productId: string, shopId: string, rating: number): Promise<void> {
	await execute(db, "UPDATE commerce.products SET rating_sum = rating_sum + :rating, rating_count = rating_count + 1 WHERE id = :productId", { productId, rating });
	await execute(db, "UPDATE commerce.shops SET rating_sum = rating_sum + :rating, rating_count = rating_count + 1 WHERE id = :shopId", { shopId, rating });
}

export async function findReview(db: Db, id: string, lock = false): Promise<ReviewRow | null> {
	return selectOne<ReviewRow>(db, `SELECT * FROM commerce.reviews WHERE id = :id${lock ? " FOR UPDATE" : ""}`, { id });
}

export async function reviewByAuthor(db: Db, authorId: string, productId: string): Promise<ReviewRow | null> {
	return selectOne<ReviewRow>(db, "SELECT * FROM commerce.reviews WHERE author_id = :authorId AND product_id = :productId", { authorId, productId });
}

export async function setReply(db: Db, id: string, text: string): Promise<void> {
	await execute(db, "UPDATE commerce.reviews SET reply_text = :text, replied_at = now() WHERE id = :id", { id, text });
}

/** One report per user and review; returns the new count, or null when this user had already reported it. */
export async function addReport(db: Db, reviewId: string, reporterId: string, reason: string, hideAt: number): Promise<number | null> {
	const n = await execute(
		db,
		"INSERT INTO commerce.review_reports (review_id, reporter_id, reason) VALUES (:reviewId, :reporterId, :reason) ON CONFLICT DO NOTHING",
		{ reviewId, reporterId, reason }
	);
	if (n !== 1) return null;
	const [row] = await select<{ report_count: number }>(
		db,
		`UPDATE commerce.reviews SET report_count = report_count + 1, hidden = hidden OR (:hideAt > 0 AND report_count + 1 >= :hideAt)
		  WHERE id = :reviewId RETURNING report_count`,
		{ reviewId, hideAt }
	);
	return Number(row.report_count);
}

/** Visible reviews of a product, newest first (keyset on created_at, id). */
export async function productReviews(db: Db, productId: string, after: [string, string] | null, limit: number): Promise<ReviewRow[]> {
	return select<ReviewRow>(
		db,
		`SELECT * FROM commerce.reviews WHERE product_id = :productId AND NOT hidden
		   ${after ? "AND (created_at, id) < (CAST(:afterAt AS timestamptz), CAST(:afterId AS uuid))" : ""}
		  ORDER BY created_at DESC, id DESC LIMIT :limit`,
		{ productId, afterAt: after?.[0] ?? null, afterId: after?.[1] ?? null, limit }
	);
}
