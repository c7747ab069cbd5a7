/**
 * Reviews, pure (issue 8 item 8): who may review, what a review holds, and
 * the aggregate kept on products and shops as (sum, count) so that adding a
 * review is one increment and the average is never recomputed from all rows.
 */

export const RATING_MIN = 1;
export const RATING_MAX = 5;
export const REVIEW_TEXT_MAX = 2000;
export const REVIEW_PHOTOS_MAX = 6;
export const REPLY_TEXT_MAX = 1000;
export const REPORT_REASON_MAX = 500;

export type ReviewRefusal = "ORDER_NOT_COMPLETED" | "PRODUCT_NOT_IN_ORDER";

/** Only the buyer of a completed order that contains the product (ownership is checked by the caller as a 404). */
export function reviewRefusal(order: { status: string; productIds: readonly string[] }, productId: string): ReviewRefusal | null {
	if (order.status !== "completed") return "ORDER_NOT_COMPLETED";
	if (!order.productIds.map(id => id.toLowerCase()).includes(productId.toLowerCase())) return "PRODUCT_NOT_IN_ORDER";
	return null;
}

export function validRating(v: unknown): v is number {
	return typeof v === "number" && Number.isInteger(v) && v >= RATING_MIN && v <= RATING_MAX;
}

/** Average to one decimal (4.25 → 4.3), null without reviews. */
export function averageRating(sum: number, count: number): number | null {
	if (count <= 0) return null;
	return Math.round((sum / count) * 10) / 10;
}

/** Review text as stored: trimmed, inner whitespace kept, empty → null. Null too when too long (the caller refuses). */
export function cleanReviewText(v: unknown, max: number): { ok: true; text: string | null } | { ok: false } {
	if (v === undefined || v === null) return { ok: true, text: null };
	if (typeof v !== "string") return { ok: false };
	const t = v.normalize("NFC").trim();
	if ([...t].length > max) return { ok: false };
	return { ok: true, text: t || null };
}

/** A review is hidden from lists once this many different users reported it (an admin can look again). */
export function hiddenByReports(reports: number, threshold: number): boolean {
	return threshold > 0 && reports >= threshold;
}
