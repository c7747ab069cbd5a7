/**
 * Reviews (docs/commerce.md "Reviews"): only the buyer of a completed order,
 * one per product (whatever the number of orders), rating 1–5 with text and
 * photos; the product's and shop's (sum, count) move in the review's
 * transaction; the seller replies once; users report, and a review reported
 * by COMMERCE_REVIEW_HIDE_REPORTS different users leaves the lists.
 */
import { inTransaction } from "../../../lib/db/transaction";
import { newId } from "../../../lib/ids";
import { readPage, toPage } from "../../../lib/pagination";
import { CommerceError } from "../errors";
import { averageRating, cleanReviewText, REPLY_TEXT_MAX, REPORT_REASON_MAX, REVIEW_TEXT_MAX, reviewRefusal, validRating } from "../rules/review";
import type { CommerceRuntime } from "../runtime";
import { selectOne } from "../store/db";
import { findOrder, productIdsOfOrder } from "../store/orders";
import { addReport, addToRatings, findReview, insertReview, productReviews, reviewByAuthor, setReply, type ReviewRow } from "../store/reviews";
import { dbOf } from "./orders";

const REFUSALS = {
	ORDER_NOT_COMPLETED: "Only a completed order can be reviewed",
	PRODUCT_NOT_IN_ORDER: "This product is not in that order"
} as const;

type Profiles = Record<string, { id: string; username: string; displayName: string; avatar: { url: string; blurhash: string | null } | null }>;
type Files = Record<string, { url: string; blurhash?: string | null; variants?: { medium?: string; thumb?: string } }>;

async function call<T>(rt: CommerceRuntime, action: string, params: unknown, fallback: T): Promise<T> {
	try {
		return await rt.broker.call<T, unknown>(action, params);
	} catch (err) {
		rt.logger.warn(`commerce: ${action} unavailable for reviews: ${(err as Error).message}`);
		return fallback;
	}
}

async function views(rt: CommerceRuntime, rows: ReviewRow[], viewerId: string | null) {
	const authorIds = [...new Set(rows.map(r => r.author_id))];
	const photoIds = [...new Set(rows.flatMap(r => r.photo_file_ids ?? []))];
	const [profiles, files] = await Promise.all([
		authorIds.length ? call<Profiles>(rt, "users.profiles", { ids: authorIds, viewerId: viewerId ?? undefined }, {}) : ({} as Profiles),
		photoIds.length ? call<Files>(rt, "files.views", { ids: photoIds }, {}) : ({} as Files)
	]);
	return rows.map(r => {
		const a = profiles[r.author_id];
		return {
			id: r.id,
			productId: r.product_id,
			shopId: r.shop_id,
			orderId: r.order_id,
			rating: r.rating,
			text: r.text,
			photos: (r.photo_file_ids ?? []).filter(id => files[id]).map(id => ({ id, url: files[id].variants?.medium ?? files[id].url, blurhash: files[id].blurhash ?? null })),
			author: a ? { id: a.id, username: a.username, displayName: a.displayName, avatar: a.avatar } : { id: r.author_id, username: null, displayName: null, avatar: null },
			reply: r.reply_text ? { text: r.reply_text, at: new Date(r.replied_at!).toISOString() } : null,
			createdAt: new Date(r.created_at).toISOString()
		};
	});
}

export async function createReview(
	rt: CommerceRuntime,
	authorId: string,
	productId: string,
	p: { orderId: string; rating: number; text?: string | null; photoFileIds?: string[] }
) {
	if (!validRating(p.rating)) throw CommerceError.invalid("rating", "a whole number from 1 to 5");
	const text = cleanReviewText(p.text, REVIEW_TEXT_MAX);
	if (!text.ok) throw CommerceError.invalid("text", `at most ${REVIEW_TEXT_MAX} characters`);
	const photoIds = [...new Set((p.photoFileIds ?? []).map(id => id.toLowerCase()))];
	const id = newId();
	const db = dbOf(rt);
	// Cheap refusals before claiming photos.
	const order = await findOrder(db, p.orderId);
	if (!order || order.buyer_id !== authorId) throw CommerceError.orderNotFound();
	const refusal = reviewRefusal({ status: order.status, productIds: await productIdsOfOrder(db, order.id) }, productId);
	if (refusal) throw CommerceError.reviewRefused(refusal, REFUSALS[refusal]);
	if (await reviewByAuthor(db, authorId, productId)) throw CommerceError.alreadyReviewed();
	const ref = `commerce:review:${id}`;
	if (photoIds.length) await rt.broker.call("files.claim", { ownerId: authorId, fileIds: photoIds, purpose: "product", ref });
	try {
		await inTransaction(rt.sequelize, async t => {
			const tdb = dbOf(rt, t);
			const product = await selectOne<{ shop_id: string; seller_id: string }>(tdb, "SELECT shop_id, seller_id FROM commerce.products WHERE id = :productId", { productId });
			if (!product) throw CommerceError.productNotFound();
			const inserted = await insertReview(tdb, {
				id,
				product_id: productId,
				shop_id: product.shop_id,
				seller_id: product.seller_id,
				order_id: order.id,
				author_id: authorId,
				rating: p.rating,
				text: text.text,
				photo_file_ids: photoIds
			});
			if (!inserted) throw CommerceError.alreadyReviewed();
			await addToRatings(tdb, productId, product.shop_id, p.rating);
			await rt.raiseEvent(t, "commerce.review.created", { reviewId: id, productId, sellerId: product.seller_id, authorId, rating: p.rating }, authorId);
		});
	} catch (err) {
		if (photoIds.length) await call(rt, "files.release", { fileIds: photoIds, ref }, null);
		throw err;
	}
	return (await views(rt, [(await findReview(db, id))!], authorId))[0];
}

/** A product's visible reviews, newest first, with its average. */
export async function listReviews(rt: CommerceRuntime, viewerId: string | null, productId: string, params: { cursor?: string; limit?: number }) {
	const db = dbOf(rt);
	const product = await selectOne<{ rating_sum: string; rating_count: number; status: string }>(
		db,
		"SELECT rating_sum, rating_count, status FROM commerce.products WHERE id = :productId AND deleted_at IS NULL",
		{ productId }
	);
	if (!product || product.status === "draft") throw CommerceError.productNotFound();
	const { limit, after } = readPage<[string, string]>(params);
	const rows = await productReviews(db, productId, after, limit + 1);
	const page = toPage(rows, limit, r => [new Date(r.created_at).toISOString(), r.id]);
	return {
		items: await views(rt, page.items, viewerId),
		nextCursor: page.nextCursor,
		rating: { average: averageRating(Number(product.rating_sum), Number(product.rating_count)), count: Number(product.rating_count) }
	};
}

export async function replyToReview(rt: CommerceRuntime, sellerId: string, reviewId: string, text: string) {
	const clean = cleanReviewText(text, REPLY_TEXT_MAX);
	if (!clean.ok || !clean.text) throw CommerceError.invalid("text", `1–${REPLY_TEXT_MAX} characters`);
	await inTransaction(rt.sequelize, async t => {
		const db = dbOf(rt, t);
		const r = await findReview(db, reviewId, true);
		if (!r) throw CommerceError.reviewNotFound();
		if (r.seller_id !== sellerId) throw CommerceError.notReviewSeller();
		if (r.reply_text) throw CommerceError.alreadyReplied();
		await setReply(db, reviewId, clean.text!);
	});
	return (await views(rt, [(await findReview(dbOf(rt), reviewId))!], sellerId))[0];
}

export async function reportReview(rt: CommerceRuntime, reporterId: string, reviewId: string, reason: string) {
	const clean = cleanReviewText(reason, REPORT_REASON_MAX);
	if (!clean.ok || !clean.text) throw CommerceError.invalid("reason", `1–${REPORT_REASON_MAX} characters`);
	return inTransaction(rt.sequelize, async t => {
		const db = dbOf(rt, t);
		const r = await findReview(db, reviewId, true);
		if (!r || r.hidden) throw CommerceError.reviewNotFound();
		if (r.author_id === reporterId) throw CommerceError.ownReview();
		const count = await addReport(db, reviewId, reporterId, clean.text!, rt.cfg.orders.reviewHideReports);
		return { reviewId, reported: true, alreadyReported: count === null };
	});
}
