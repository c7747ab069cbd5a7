/**
 * The cart (docs/commerce.md "Cart"): one per user, items from any number of
 * shops, grouped by shop with each shop's delivery fee. Reading the cart
 * tells the buyer what changed since they last looked (prices, stock,
 * availability) and from then on the new prices are the ones they agreed to.
 */
import { inTransaction } from "../../../lib/db/transaction";
import { newId } from "../../../lib/ids";
import { CommerceError } from "../errors";
import { mergedQuantity } from "../rules/inventory";
import { cartChanges, lineTotal, splitByShop, type CartChange } from "../rules/pricing";
import type { CommerceRuntime } from "../runtime";
import { cartLine, cartLines, countItems, deleteItem, insertItem, itemByVariant, lockCart, markPricesSeen, setQuantity, type CartLineRow } from "../store/cart";
import { select, selectOne } from "../store/db";
import { dbOf } from "./orders";

interface ImageView {
	url: string;
	blurhash: string | null;
}

/** Thumbnails for the lines (best effort: without files the cart still answers, without images). */
async function images(rt: CommerceRuntime, fileIds: string[]): Promise<Record<string, ImageView>> {
	const ids = [...new Set(fileIds.filter(Boolean))];
	if (!ids.length) return {};
	try {
		const files = await rt.broker.call<Record<string, { url: string; blurhash?: string | null; variants?: { thumb?: string } }>, unknown>("files.views", { ids });
		return Object.fromEntries(Object.entries(files).map(([id, f]) => [id, { url: f.variants?.thumb ?? f.url, blurhash: f.blurhash ?? null }]));
	} catch (err) {
		rt.logger.warn(`commerce: cart images unavailable: ${(err as Error).message}`);
		return {};
	}
}

function lineView(r: CartLineRow, image: ImageView | null) {
	const available = r.purchasable && r.stock > 0;
	return {
		id: r.itemId,
		productId: r.productId,
		variantId: r.variantId,
		shopId: r.shopId,
		title: r.title,
		sku: r.sku,
		options: r.options ?? {},
		image,
		quantity: r.quantity,
		unitPrice: r.price,
		currency: r.currency.trim(),
		lineTotal: lineTotal(r.price, r.quantity),
		available,
		/** How many can be bought now (never more than the stock). */
		maxQuantity: available ? r.stock : 0,
		addedAt: new Date(r.addedAt).toISOString()
	};
}

export type CartItemView = ReturnType<typeof lineView>;

export async function getCart(rt: CommerceRuntime, userId: string) {
	const db = dbOf(rt);
	const rows = await cartLines(db, userId);
	const lines = rows.map(r => ({ ...r, currency: r.currency.trim() }));
	const changes: CartChange[] = cartChanges(lines);
	if (changes.some(c => c.kind === "price_changed")) await markPricesSeen(db, userId);
	const pics = await images(
		rt,
		rows.map(r => r.imageFileId ?? "")
	);
	// Only what can be bought counts towards the totals.
	const buyable = lines.filter(l => l.purchasable && l.stock >= l.quantity);
	const groups = splitByShop(buyable, new Map(rows.map(r => [r.shopId, r.deliveryFee])));
	const names = new Map(rows.map(r => [r.shopId, r.shopName]));
	const currencies = [...new Set(groups.map(g => g.currency))];
	return {
		items: rows.map(r => lineView(r, r.imageFileId ? (pics[r.imageFileId] ?? null) : null)),
		shops: groups.map(g => ({ shopId: g.shopId, name: names.get(g.shopId) ?? null, currency: g.currency, subtotal: g.subtotal, deliveryFee: g.deliveryFee, total: g.total, itemIds: g.lines.map(l => l.itemId) })),
		currency: currencies.length === 1 ? currencies[0] : null,
		/** Null when the cart mixes currencies (checkout refuses that). */
		total: currencies.length === 1 ? groups.reduce((s, g) => s + g.total, 0) : null,
		/** What changed since the buyer last looked; the prices shown are now the agreed ones. */
		changes
	};
}

interface ProductRow {
	id: string;
	seller_id: string;
	status: string;
	shop_status: string;
}

/** Adds a product (one of its variants) to the cart; the same variant again adds to its line. */
export async function addItem(rt: CommerceRuntime, userId: string, p: { productId: string; variantId?: string; quantity: number }): Promise<CartItemView> {
	const limits = rt.cfg.orders;
	if (p.quantity > limits.cartMaxQuantity) throw CommerceError.quantityTooLarge(limits.cartMaxQuantity);
	const itemId = await inTransaction(rt.sequelize, async t => {
		const db = dbOf(rt, t);
		const product = await selectOne<ProductRow>(
			db,
			`SELECT p.id, p.seller_id, p.status, s.status AS shop_status FROM commerce.products p JOIN commerce.shops s ON s.id = p.shop_id
			  WHERE p.id = :productId AND p.deleted_at IS NULL`,
			{ productId: p.productId }
		);
		// A draft is its seller's only: to anyone else it does not exist.
		if (!product || (product.status === "draft" && product.seller_id !== userId)) throw CommerceError.productNotFound();
		if (product.seller_id === userId) throw CommerceError.ownProduct();
		if (product.status !== "active" || product.shop_status !== "active") throw CommerceError.productUnavailable();
		const variants = await select<{ id: string; price: string; stock: number }>(
			db,
			"SELECT id, price, stock FROM commerce.product_variants WHERE product_id = :productId AND deleted_at IS NULL ORDER BY position, id",
			{ productId: p.productId }
		);
		let variant = variants[0];
		const wanted = p.variantId?.toLowerCase();
		if (wanted) {
			variant = variants.find(v => v.id === wanted)!;
			if (!variant) throw CommerceError.variantNotFound(wanted);
		} else if (variants.length !== 1) {
			if (!variants.length) throw CommerceError.productUnavailable();
			throw CommerceError.variantRequired();
		}
		await lockCart(db, userId);
		const existing = await itemByVariant(db, userId, variant.id);
		const quantity = existing ? mergedQuantity(existing.quantity, p.quantity, limits.cartMaxQuantity) : p.quantity;
		if (quantity === null) throw CommerceError.quantityTooLarge(limits.cartMaxQuantity);
		if (Number(variant.stock) < quantity) throw CommerceError.insufficientStock(Number(variant.stock));
		if (existing) {
			await setQuantity(db, existing.id, quantity, Number(variant.price));
			return existing.id;
		}
		if ((await countItems(db, userId)) >= limits.cartMaxItems) throw CommerceError.cartFull(limits.cartMaxItems);
		const id = newId();
		await insertItem(db, { id, userId, productId: product.id, variantId: variant.id, quantity, seenPrice: Number(variant.price) });
		return id;
	});
	return itemView(rt, userId, itemId);
}

async function itemView(rt: CommerceRuntime, userId: string, itemId: string): Promise<CartItemView> {
	const row = await cartLine(dbOf(rt), userId, itemId);
	if (!row) throw CommerceError.cartItemNotFound();
	const pics = await images(rt, row.imageFileId ? [row.imageFileId] : []);
	return lineView(row, row.imageFileId ? (pics[row.imageFileId] ?? null) : null);
}

/** Sets a line's quantity (the buyer sees, and so agrees to, the live price). */
export async function updateItem(rt: CommerceRuntime, userId: string, itemId: string, quantity: number): Promise<CartItemView> {
	const max = rt.cfg.orders.cartMaxQuantity;
	if (quantity > max) throw CommerceError.quantityTooLarge(max);
	await inTransaction(rt.sequelize, async t => {
		const db = dbOf(rt, t);
		await lockCart(db, userId);
		const line = await cartLine(db, userId, itemId);
		if (!line) throw CommerceError.cartItemNotFound();
		if (!line.purchasable) throw CommerceError.productUnavailable();
		if (line.stock < quantity) throw CommerceError.insufficientStock(line.stock);
		await setQuantity(db, itemId, quantity, line.price);
	});
	return itemView(rt, userId, itemId);
}

export async function removeItem(rt: CommerceRuntime, userId: string, itemId: string): Promise<void> {
	if (!(await deleteItem(dbOf(rt), userId, itemId))) throw CommerceError.cartItemNotFound();
}
