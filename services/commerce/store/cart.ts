/**
 * Carts (docs/commerce.md "Cart"): one per user, a row per variant. Lines are
 * read joined with the live catalog so the cart and checkout see the same
 * prices, stock and availability.
 */
import { execute, select, selectOne, type Db } from "./db";

/** bigint columns arrive as strings; amounts and counts stay far below 2^53. */
const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export interface CartLineRow {
	itemId: string;
	productId: string;
	variantId: string;
	shopId: string;
	sellerId: string;
	shopName: string;
	title: string;
	sku: string | null;
	options: Record<string, string>;
	imageFileId: string | null;
	quantity: number;
	seenPrice: number;
	price: number;
	currency: string;
	stock: number;
	purchasable: boolean;
	deliveryFee: number;
	addedAt: Date;
}

const LINE_SQL = `
	SELECT ci.id AS "itemId", ci.product_id AS "productId", ci.variant_id AS "variantId", p.shop_id AS "shopId", p.seller_id AS "sellerId",
	       s.name AS "shopName", p.title, v.sku, v.options, ci.quantity, ci.seen_price AS "seenPrice", v.price, p.currency, v.stock,
	       (p.status = 'active' AND p.deleted_at IS NULL AND v.deleted_at IS NULL AND s.status = 'active') AS purchasable,
	       s.delivery_fee AS "deliveryFee", ci.created_at AS "addedAt",
	       (SELECT file_id FROM commerce.product_images i WHERE i.product_id = p.id ORDER BY position LIMIT 1) AS "imageFileId"
	  FROM commerce.cart_items ci
	  JOIN commerce.product_variants v ON v.id = ci.variant_id
	  JOIN commerce.products p ON p.id = ci.product_id
	  JOIN commerce.shops s ON s.id = p.shop_id`;

function toLine(r: CartLineRow): CartLineRow {
	return { ...r, quantity: n(r.quantity), seenPrice: n(r.seenPrice), price: n(r.price), stock: n(r.stock), deliveryFee: n(r.deliveryFee) };
}

export async function cartLines(db: Db, userId: string): Promise<CartLineRow[]> {
	const rows = await select<CartLineRow>(db, `${LINE_SQL} WHERE ci.user_id = :userId ORDER BY ci.created_at, ci.id`, { userId });
	return rows.map(toLine);
}

export async function cartLine(db: Db, userId: string, itemId: string): Promise<CartLineRow | null> {
	const row = await selectOne<CartLineRow>(db, `${LINE_SQL} WHERE ci.user_id = :userId AND ci.id = :itemId`, { userId, itemId });
	return row && toLine(row);
}

export async function ensureCart(db: Db, userId: string): Promise<void> {
	await execute(db, "INSERT INTO commerce.carts (user_id) VALUES (:userId) ON CONFLICT (user_id) DO NOTHING", { userId });
}

/** Holds the cart until the transaction ends: checkouts of one cart run one at a time. */
export async function lockCart(db: Db, userId: string): Promise<void> {
	await ensureCart(db, userId);
	await select(db, "SELECT user_id FROM commerce.carts WHERE user_id = :userId FOR UPDATE", { userId });
}

export async function countItems(db: Db, userId: string): Promise<number> {
	const row = await selectOne<{ c: string }>(db, "SELECT count(*) AS c FROM commerce.cart_items WHERE user_id = :userId", { userId });
	return n(row?.c);
}

export async function itemByVariant(db: Db, userId: string, variantId: string): Promise<{ id: string; quantity: number } | null> {
	const row = await selectOne<{ id: string; quantity: number }>(db, "SELECT id, quantity FROM commerce.cart_items WHERE user_id = :userId AND variant_id = :variantId FOR UPDATE", {
		userId,
		variantId
	});
	return row && { id: row.id, quantity: n(row.quantity) };
}

export async function insertItem(db: Db, item: { id: string; userId: string; productId: string; variantId: string; quantity: number; seenPrice: number }): Promise<void> {
	await execute(
		db,
		`INSERT INTO commerce.cart_items (id, user_id, product_id, variant_id, quantity, seen_price)
		 VALUES (:id, :userId, :productId, :variantId, :quantity, :seenPrice)`,
		item
	);
}

export async function setQuantity(db: Db, itemId: string, quantity: number, seenPrice: number): Promise<void> {
	await execute(db, "UPDATE commerce.cart_items SET quantity = :quantity, seen_price = :seenPrice, updated_at = now() WHERE id = :itemId", { itemId, quantity, seenPrice });
}

export async function deleteItem(db: Db, userId: string, itemId: string): Promise<boolean> {
	return (await execute(db, "DELETE FROM commerce.cart_items WHERE user_id = :userId AND id = :itemId", { userId, itemId })) > 0;
}

export async function deleteItems(db: Db, userId: string, itemIds: readonly string[]): Promise<void> {
	if (!itemIds.length) return;
	await execute(db, "DELETE FROM commerce.cart_items WHERE user_id = :userId AND id IN (:itemIds)", { userId, itemIds });
}

/** The buyer has now seen the live prices: a checkout after this read charges them. */
export async function markPricesSeen(db: Db, userId: string): Promise<void> {
	await execute(
		db,
		`UPDATE commerce.cart_items ci SET seen_price = v.price, updated_at = now()
		   FROM commerce.product_variants v WHERE v.id = ci.variant_id AND ci.user_id = :userId AND ci.seen_price <> v.price`,
		{ userId }
	);
}

/**
 * Puts an order's items back (a failed or expired payment): added to what is
 * already there for the same variant, at the price the buyer had agreed to,
 * so the next checkout tells them if it changed since.
 */
export async function restoreItems(
	db: Db,
	userId: string,
	items: ReadonlyArray<{ id: string; productId: string; variantId: string; quantity: number; unitPrice: number }>,
	maxPerLine: number
): Promise<void> {
	await ensureCart(db, userId);
	for (const it of items)
		await execute(
			db,
			`INSERT INTO commerce.cart_items (id, user_id, product_id, variant_id, quantity, seen_price)
			 VALUES (:id, :userId, :productId, :variantId, LEAST(:quantity, :max), :unitPrice)
			 ON CONFLICT (user_id, variant_id) DO UPDATE SET quantity = LEAST(commerce.cart_items.quantity + EXCLUDED.quantity, :max), updated_at = now()`,
			{ ...it, userId, max: maxPerLine }
		);
}
