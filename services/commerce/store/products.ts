/** SQL for products and their images. */
import { execute, select, selectOne, uuidArray, type Db } from "../../../lib/db/sql";
import type { ProductStatus } from "../rules/product-input";

export interface ProductRow {
	id: string;
	shop_id: string;
	seller_id: string;
	title: string;
	description: string;
	category_id: string | null;
	currency: string;
	status: ProductStatus;
	price_min: string;
	rating_sum: string;
	rating_count: number;
	sold_count: number;
	post_to_feed: boolean;
	deleted_at: Date | null;
	published_at: Date | null;
	created_at: Date;
	updated_at: Date;
}

/** A product with the shop facts that decide who sees it. */
export interface ProductWithShop extends ProductRow {
	shop_status: string;
	shop_owner_id: string;
	shop_name: string;
	shop_slug: string;
	shop_city: string;
	shop_region: string;
}

const COLUMNS = `p.id, p.shop_id, p.seller_id, p.title, p.description, p.category_id, p.currency, p.status, p.price_min, p.rating_sum, p.rating_count,
	p.sold_count, p.post_to_feed, p.deleted_at, p.published_at, p.created_at, p.updated_at`;
const WITH_SHOP = `${COLUMNS}, s.status AS shop_status, s.owner_id AS shop_owner_id, s.name AS shop_name, s.slug AS shop_slug, s.city AS shop_city, s.region AS shop_region`;

export interface NewProduct {
	id: string;
	shopId: string;
	sellerId: string;
	title: string;
	description: string;
	categoryId: string | null;
	currency: string;
	status: ProductStatus;
	priceMin: number;
	postToFeed: boolean;
}

export function insertProduct(db: Db, p: NewProduct): Promise<ProductRow | null> {
	return selectOne<ProductRow>(
		db,
		`INSERT INTO commerce.products (id, shop_id, seller_id, title, description, category_id, currency, status, price_min, post_to_feed, published_at)
		 VALUES (:id, :shopId, :sellerId, :title, :description, :categoryId, :currency, :status, :priceMin, :postToFeed, CASE WHEN :status = 'active' THEN now() END)
		 RETURNING ${COLUMNS.replace(/p\./g, "")}`,
		{ ...p }
	);
}

export function productsWithShop(db: Db, ids: readonly string[], opts: { lock?: boolean; includeDeleted?: boolean } = {}): Promise<ProductWithShop[]> {
	return select<ProductWithShop>(
		db,
		`SELECT ${WITH_SHOP} FROM commerce.products p JOIN commerce.shops s ON s.id = p.shop_id
		  WHERE p.id = ANY(:ids::uuid[])${opts.includeDeleted ? "" : " AND p.deleted_at IS NULL"}${opts.lock ? " FOR UPDATE OF p" : ""}`,
		{ ids: uuidArray(ids) }
	);
}

export async function productWithShop(db: Db, id: string, lock = false): Promise<ProductWithShop | null> {
	return (await productsWithShop(db, [id], { lock }))[0] ?? null;
}

const EDITABLE: Record<string, string> = { title: "title", description: "description", categoryId: "category_id", status: "status", priceMin: "price_min", postToFeed: "post_to_feed" };

/** Applies the changes; `publish` stamps published_at (the first time the product becomes active). */
export function updateProduct(db: Db, id: string, changes: Record<string, unknown>, publish: boolean): Promise<ProductRow | null> {
	const keys = Object.keys(changes).filter(k => EDITABLE[k]);
	const sets = [...keys.map(k => `${EDITABLE[k]} = :${k}`), "updated_at = now()", ...(publish ? ["published_at = now()"] : [])];
	return selectOne<ProductRow>(db, `UPDATE commerce.products SET ${sets.join(", ")} WHERE id = :id RETURNING ${COLUMNS.replace(/p\./g, "")}`, { ...changes, id });
}

export function softDeleteProduct(db: Db, id: string): Promise<number> {
	return execute(db, `UPDATE commerce.products SET deleted_at = now(), status = 'archived', updated_at = now() WHERE id = :id AND deleted_at IS NULL`, { id });
}

// ---- images ----

export interface ImageRow {
	product_id: string;
	file_id: string;
	position: number;
}

export function imagesOf(db: Db, productIds: readonly string[]): Promise<ImageRow[]> {
	return select<ImageRow>(db, `SELECT product_id, file_id, position FROM commerce.product_images WHERE product_id = ANY(:ids::uuid[]) ORDER BY product_id, position`, {
		ids: uuidArray(productIds)
	});
}

export async function replaceImages(db: Db, productId: string, fileIds: readonly string[]): Promise<void> {
	await execute(db, `DELETE FROM commerce.product_images WHERE product_id = :productId`, { productId });
	if (fileIds.length === 0) return;
	await execute(
		db,
		`INSERT INTO commerce.product_images (product_id, file_id, position) SELECT :productId, f, o - 1 FROM unnest(:ids::uuid[]) WITH ORDINALITY AS t(f, o)`,
		{ productId, ids: uuidArray(fileIds) }
	);
}
