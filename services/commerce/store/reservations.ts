/**
 * Stock reservations (docs/commerce.md "Checkout"): stock leaves
 * `product_variants.stock` with a guarded decrement when reserved; the
 * reservation row records it so that a release gives back exactly what was
 * taken, once, and a payment commits it as sold.
 */
import type { Want } from "../rules/inventory";
import { execute, select, type Db } from "./db";

/** Takes `quantity` from the variant's stock if that much is left; false when it is not (nothing changed). */
export async function takeStock(db: Db, want: Want): Promise<boolean> {
	const n = await execute(
		db,
		"UPDATE commerce.product_variants SET stock = stock - :quantity WHERE id = :variantId AND stock >= :quantity AND deleted_at IS NULL",
		{ ...want }
	);
	return n === 1;
}

/** What is left of each variant (to tell the buyer). */
export async function stockOf(db: Db, variantIds: readonly string[]): Promise<Map<string, number>> {
	if (!variantIds.length) return new Map();
	const rows = await select<{ id: string; stock: number }>(db, "SELECT id, stock FROM commerce.product_variants WHERE id IN (:variantIds)", { variantIds });
	return new Map(rows.map(r => [r.id, Number(r.stock)]));
}

export async function insertReservations(db: Db, orderId: string, wants: readonly Want[], expiresAt: Date, newId: () => string): Promise<void> {
	for (const w of wants)
		await execute(
			db,
			"INSERT INTO commerce.stock_reservations (id, order_id, variant_id, quantity, status, expires_at) VALUES (:id, :orderId, :variantId, :quantity, 'held', :expiresAt)",
			{ id: newId(), orderId, variantId: w.variantId, quantity: w.quantity, expiresAt }
		);
}

/** Paid: the held stock is sold; products count their sales. */
export async function commitReservations(db: Db, orderId: string): Promise<void> {
	const n = await execute(db, "UPDATE commerce.stock_reservations SET status = 'committed' WHERE order_id = :orderId AND status = 'held'", { orderId });
	if (n > 0)
		await execute(
			db,
			`UPDATE commerce.products p SET sold_count = p.sold_count + s.q
			   FROM (SELECT product_id, CAST(sum(quantity) AS int) AS q FROM commerce.order_items WHERE order_id = :orderId GROUP BY product_id) s
			  WHERE p.id = s.product_id`,
			{ orderId }
		);
}

/**
 * Gives the order's stock back, held or sold (a cancellation before
 * shipping); a sale given back leaves the products' sales count too. The
 * caller holds the order's row lock, and released rows are never released
 * again, so a repeat gives nothing twice.
 */
export async function releaseReservations(db: Db, orderId: string): Promise<number> {
	const rows = await select<{ id: string; variant_id: string; quantity: number; status: string }>(
		db,
		"SELECT id, variant_id, quantity, status FROM commerce.stock_reservations WHERE order_id = :orderId AND status IN ('held', 'committed') ORDER BY variant_id FOR UPDATE",
		{ orderId }
	);
	for (const r of rows) await execute(db, "UPDATE commerce.product_variants SET stock = stock + :quantity WHERE id = :variantId", { quantity: Number(r.quantity), variantId: r.variant_id });
	if (!rows.length) return 0;
	await execute(db, "UPDATE commerce.stock_reservations SET status = 'released' WHERE order_id = :orderId AND status IN ('held', 'committed')", { orderId });
	if (rows.some(r => r.status === "committed"))
		await execute(
			db,
			`UPDATE commerce.products p SET sold_count = GREATEST(p.sold_count - s.q, 0)
			   FROM (SELECT product_id, CAST(sum(quantity) AS int) AS q FROM commerce.order_items WHERE order_id = :orderId GROUP BY product_id) s
			  WHERE p.id = s.product_id`,
			{ orderId }
		);
	return rows.length;
}
