/**
 * SQL for product variants. Stock is only ever changed relatively or under the
 * row lock (docs/commerce.md "Stock"): checkout's guarded decrement runs
 * beside these statements without losing units.
 */
import { execute, select, selectOne, uuidArray, type Db } from "../../../lib/db/sql";
import type { CleanVariant } from "../rules/product-input";

export interface VariantRow {
	id: string;
	product_id: string;
	sku: string | null;
	options: Record<string, string>;
	price: string;
	stock: number;
	position: number;
	deleted_at: Date | null;
}

export async function insertVariants(db: Db, productId: string, variants: ReadonlyArray<CleanVariant & { id: string; position: number }>): Promise<void> {
	if (variants.length === 0) return;
	const values = variants.map((_, i) => `(:id${i}, :productId, :sku${i}, :options${i}::jsonb, :price${i}, :stock${i}, :position${i})`);
	const params: Record<string, unknown> = { productId };
	variants.forEach((v, i) => {
		params[`id${i}`] = v.id;
		params[`sku${i}`] = v.sku;
		params[`options${i}`] = JSON.stringify(v.options);
		params[`price${i}`] = v.price;
		params[`stock${i}`] = v.stock;
		params[`position${i}`] = v.position;
	});
	await execute(db, `INSERT INTO commerce.product_variants (id, product_id, sku, options, price, stock, position) VALUES ${values.join(", ")}`, params);
}

export function liveVariants(db: Db, productIds: readonly string[]): Promise<VariantRow[]> {
	return select<VariantRow>(
		db,
		`SELECT id, product_id, sku, options, price, stock, position, deleted_at FROM commerce.product_variants
		  WHERE product_id = ANY(:ids::uuid[]) AND deleted_at IS NULL ORDER BY product_id, position, id`,
		{ ids: uuidArray(productIds) }
	);
}

/** The product's live variants, locked for this transaction (in id order, as checkout locks them). */
export function lockVariants(db: Db, productId: string): Promise<VariantRow[]> {
	return select<VariantRow>(
		db,
		`SELECT id, product_id, sku, options, price, stock, position, deleted_at FROM commerce.product_variants
		  WHERE product_id = :productId AND deleted_at IS NULL ORDER BY id FOR UPDATE`,
		{ productId }
	);
}

/**
 * Units of a variant held by orders waiting for payment (ORD's
 * stock_reservations, same schema); 0 while that table does not exist yet.
 */
export async function heldUnits(db: Db, variantId: string): Promise<number> {
	const exists = await selectOne<{ t: string | null }>(db, `SELECT to_regclass('commerce.stock_reservations')::text AS t`);
	if (!exists?.t) return 0;
	const row = await selectOne<{ n: string }>(db, `SELECT coalesce(sum(quantity), 0) AS n FROM commerce.stock_reservations WHERE variant_id = :variantId AND status = 'held'`, {
		variantId
	});
	return Number(row?.n ?? 0);
}

export function updateVariant(db: Db, id: string, v: { sku: string | null; options: Record<string, string>; price: number; stock: number; position: number }): Promise<number> {
	return execute(db, `UPDATE commerce.product_variants SET sku = :sku, options = :options::jsonb, price = :price, stock = :stock, position = :position WHERE id = :id`, {
		...v,
		options: JSON.stringify(v.options),
		id
	});
}

export function softDeleteVariants(db: Db, ids: readonly string[]): Promise<number> {
	if (ids.length === 0) return Promise.resolve(0);
	return execute(db, `UPDATE commerce.product_variants SET deleted_at = now() WHERE id = ANY(:ids::uuid[]) AND deleted_at IS NULL`, { ids: uuidArray(ids) });
}

export function softDeleteAllVariants(db: Db, productId: string): Promise<number> {
	return execute(db, `UPDATE commerce.product_variants SET deleted_at = now() WHERE product_id = :productId AND deleted_at IS NULL`, { productId });
}
