/**
 * Products (docs/commerce.md "Catalog"): create with variants and images,
 * read, edit (fields, status, images, variants, stock), soft delete. Only an
 * active shop publishes; the first time a product becomes active it raises
 * `commerce.product.published` (with the seller's postToFeed) in the same
 * transaction. Images are files of purpose "product" attached to
 * `commerce:product:<id>`: claimed before the transaction and released again
 * if it fails; images a product no longer shows are released after commit.
 * A deleted product keeps its images: orders placed earlier still show them.
 */
import type { Transaction } from "sequelize";
import { forbidden } from "../../../lib/errors";
import { inTransaction } from "../../../lib/db/transaction";
import { newId } from "../../../lib/ids";
import { CommerceError } from "../errors";
import type { ServableFileView } from "../../../lib/files/file-view";
import { productRef } from "../peers";
import {
	checkEdit,
	checkNewProduct,
	checkDistinct,
	checkPrice,
	checkStock,
	cleanDescription,
	cleanOptions,
	cleanSku,
	cleanTitle,
	priceMin,
	PRODUCT_LIMITS,
	productProblem,
	stockAfterEdit,
	type ProductInput,
	type ProductStatus
} from "../rules/product-input";
import { sells } from "../rules/shop-status";
import type { CommerceRuntime } from "../runtime";
import { imagesOf, insertProduct, productWithShop, replaceImages, softDeleteProduct, updateProduct, type ProductRow, type ProductWithShop } from "../store/products";
import { heldUnits, insertVariants, liveVariants, lockVariants, softDeleteAllVariants, softDeleteVariants, updateVariant, type VariantRow } from "../store/variants";
import { shopById } from "../store/shops";
import { categoryRef, categoryRows } from "./catalog";
import { ownedShop, ratingOf, type Viewer } from "./shops";

export interface VariantView {
	id: string;
	sku: string | null;
	options: Record<string, string>;
	price: number;
	stock: number;
	inStock: boolean;
}

export interface ProductView {
	id: string;
	shopId: string;
	sellerId: string;
	title: string;
	description: string;
	category: { id: string; slug: string; name: string; nameSw: string } | null;
	currency: string;
	status: ProductStatus;
	price: number;
	variants: VariantView[];
	stock: number;
	inStock: boolean;
	images: Array<{ fileId: string; url: string; blurhash: string | null; width: number | null; height: number | null }>;
	rating: { average: number | null; count: number };
	soldCount: number;
	shop: { id: string; name: string; slug: string; city: string; region: string; status: string };
	publishedAt: string | null;
	createdAt: string;
	updatedAt: string;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export async function productViews(rt: CommerceRuntime, rows: ProductWithShop[]): Promise<ProductView[]> {
	if (rows.length === 0) return [];
	const d = { sequelize: rt.sequelize };
	const ids = rows.map(r => r.id);
	const [variants, images] = await Promise.all([liveVariants(d, ids), imagesOf(d, ids)]);
	const views = await rt.peers.views(images.map(i => i.file_id));
	const out: ProductView[] = [];
	for (const r of rows) {
		const vs = variants.filter(v => v.product_id === r.id).map(variantView);
		out.push({
			id: r.id,
			shopId: r.shop_id,
			sellerId: r.seller_id,
			title: r.title,
			description: r.description,
			category: await categoryRef(rt, r.category_id),
			currency: r.currency,
			status: r.status,
			price: Number(r.price_min),
			variants: vs,
			stock: vs.reduce((s, v) => s + v.stock, 0),
			inStock: vs.some(v => v.inStock),
			images: images
				.filter(i => i.product_id === r.id)
				.flatMap(i => {
					const v: ServableFileView | undefined = views.get(i.file_id);
					return v ? [{ fileId: i.file_id, url: v.url, blurhash: v.blurhash ?? null, width: v.width ?? null, height: v.height ?? null }] : [];
				}),
			rating: ratingOf(r.rating_sum, r.rating_count),
			soldCount: r.sold_count,
			shop: { id: r.shop_id, name: r.shop_name, slug: r.shop_slug, city: r.shop_city, region: r.shop_region, status: r.shop_status },
			publishedAt: iso(r.published_at),
			createdAt: iso(r.created_at)!,
			updatedAt: iso(r.updated_at)!
		});
	}
	return out;
}

const variantView = (v: VariantRow): VariantView => ({ id: v.id, sku: v.sku, options: v.options, price: Number(v.price), stock: v.stock, inStock: v.stock > 0 });

const isOwner = (p: ProductWithShop, viewer: Viewer) => viewer.userId !== null && p.shop_owner_id === viewer.userId;
/** Everyone sees an active product of an active shop; drafts, archives and products of shops that are not active: the owner and administrators. */
export const productVisible = (p: ProductWithShop, viewer: Viewer) => (p.status === "active" && sells(p.shop_status as never)) || viewer.admin || isOwner(p, viewer);

export async function visibleProduct(rt: CommerceRuntime, viewer: Viewer, id: string): Promise<ProductView> {
	const row = await productWithShop({ sequelize: rt.sequelize }, id);
	if (!row || !productVisible(row, viewer)) throw CommerceError.productNotFound();
	return (await productViews(rt, [row]))[0];
}

export interface CreateProductInput extends ProductInput {
	currency?: string;
	imageFileIds?: string[];
	categoryId?: string | null;
	status?: "draft" | "active";
	postToFeed?: boolean;
}

function checked<T>(res: { ok: true; value: T } | { ok: false; field: string; message: string }): T {
	if (!res.ok) throw CommerceError.invalid(res.field, res.message);
	return res.value;
}

function checkImages(ids: string[] | undefined): string[] {
	const list = (ids ?? []).map(id => id.toLowerCase());
	if (list.length > PRODUCT_LIMITS.images) throw CommerceError.invalid("imageFileIds", `at most ${PRODUCT_LIMITS.images}`);
	if (new Set(list).size !== list.length) throw CommerceError.invalid("imageFileIds", "an image is listed twice");
	return list;
}

async function checkCategory(rt: CommerceRuntime, id: string | null | undefined): Promise<string | null> {
	if (!id) return null;
	const lower = id.toLowerCase();
	if (!(await categoryRows(rt)).some(c => c.id === lower)) throw CommerceError.categoryNotFound();
	return lower;
}

async function published(rt: CommerceRuntime, t: Transaction, p: ProductRow, postToFeed: boolean): Promise<void> {
	await rt.raiseEvent(t, "commerce.product.published", { productId: p.id, shopId: p.shop_id, sellerId: p.seller_id, postToFeed, title: p.title }, p.seller_id);
}

export async function createProduct(rt: CommerceRuntime, viewer: Viewer, shopId: string, input: CreateProductInput): Promise<ProductView> {
	const shop = await ownedShop(rt, shopId, viewer);
	const clean = checked(checkNewProduct(input, rt.cfg.variantsMax));
	const status = input.status ?? "draft";
	if (input.currency !== undefined && input.currency !== shop.currency) throw CommerceError.currencyMismatch(shop.currency);
	const categoryId = await checkCategory(rt, input.categoryId);
	const images = checkImages(input.imageFileIds);
	if (status === "active" && !sells(shop.status)) throw CommerceError.shopNotActive();

	const id = newId();
	await rt.peers.claim(viewer.userId!, images, "product", productRef(id));
	try {
		await inTransaction(rt.sequelize, async t => {
			const d = { sequelize: rt.sequelize, t };
			// The shop row is locked so a suspension cannot cross a publication.
			const locked = (await shopById(d, shopId, true))!;
			if (status === "active" && !sells(locked.status)) throw CommerceError.shopNotActive();
			const row = (await insertProduct(d, {
				id,
				shopId,
				sellerId: locked.owner_id,
				title: clean.title,
				description: clean.description,
				categoryId,
				currency: locked.currency,
				status,
				priceMin: priceMin(clean.variants),
				postToFeed: Boolean(input.postToFeed)
			}))!;
			await insertVariants(d, id, clean.variants.map((v, position) => ({ ...v, id: newId(), position })));
			await replaceImages(d, id, images);
			if (status === "active") await published(rt, t, row, Boolean(input.postToFeed));
		});
	} catch (err) {
		await rt.peers.release(images, productRef(id));
		throw err;
	}
	return visibleProduct(rt, viewer, id);
}

export interface VariantEdit {
	id?: string;
	sku?: string | null;
	options?: Record<string, string>;
	price?: number;
	stock?: number;
	stockDelta?: number;
}

export interface EditProductInput {
	title?: string;
	description?: string;
	categoryId?: string | null;
	status?: ProductStatus;
	imageFileIds?: string[];
	/** For a product with one variant: its price, stock or stock adjustment. */
	price?: number;
	stock?: number;
	stockDelta?: number;
	/** The wanted set of variants: with id = edit, without = new; live variants not listed are removed. */
	variants?: VariantEdit[];
	postToFeed?: boolean;
}

/** The product, which the caller must own: 404 when they may not see it, 403 when they see it but it is someone else's. */
async function ownedProduct(rt: CommerceRuntime, viewer: Viewer, id: string, t?: Transaction): Promise<ProductWithShop> {
	const row = await productWithShop({ sequelize: rt.sequelize, t }, id, Boolean(t));
	if (!row || !productVisible(row, viewer)) throw CommerceError.productNotFound();
	if (!isOwner(row, viewer)) throw forbidden("Only the shop's owner may change its products", "NOT_SHOP_OWNER");
	return row;
}

export async function editProduct(rt: CommerceRuntime, viewer: Viewer, id: string, input: EditProductInput): Promise<ProductView> {
	await ownedProduct(rt, viewer, id);
	const changes: Record<string, unknown> = {};
	checked(
		checkEdit(() => {
			if (input.title !== undefined) changes.title = cleanTitle(input.title);
			if (input.description !== undefined) changes.description = cleanDescription(input.description);
			if (input.variants !== undefined && (input.price !== undefined || input.stock !== undefined || input.stockDelta !== undefined))
				throw productProblem("variants", "send either variants or price/stock, not both");
			if (input.stock !== undefined && input.stockDelta !== undefined) throw productProblem("stock", "send either stock or stockDelta");
			if (input.price !== undefined) checkPrice(input.price);
			if (input.stock !== undefined) checkStock(input.stock);
			if (input.stockDelta !== undefined && (!Number.isSafeInteger(input.stockDelta) || input.stockDelta === 0)) throw productProblem("stockDelta", "a non-zero whole number");
			if (input.variants) {
				if (input.variants.length === 0 || input.variants.length > rt.cfg.variantsMax) throw productProblem("variants", `1–${rt.cfg.variantsMax} variants`);
				input.variants.forEach((v, i) => {
					if (v.stock !== undefined && v.stockDelta !== undefined) throw productProblem(`variants[${i}].stock`, "send either stock or stockDelta");
					if (!v.id && (v.price === undefined || (v.stock === undefined && v.stockDelta === undefined))) throw productProblem(`variants[${i}]`, "a new variant needs price and stock");
					if (v.price !== undefined) checkPrice(v.price, `variants[${i}].price`);
					if (v.stock !== undefined) checkStock(v.stock, `variants[${i}].stock`);
					if (v.stockDelta !== undefined && !Number.isSafeInteger(v.stockDelta)) throw productProblem(`variants[${i}].stockDelta`, "a whole number");
					if (v.sku !== undefined) cleanSku(v.sku, `variants[${i}].sku`);
					if (v.options !== undefined) cleanOptions(v.options, `variants[${i}].options`);
				});
			}
		})
	);
	if (input.categoryId !== undefined) changes.categoryId = await checkCategory(rt, input.categoryId);
	if (input.status !== undefined) changes.status = input.status;
	if (input.postToFeed !== undefined) changes.postToFeed = input.postToFeed;
	const images = input.imageFileIds !== undefined ? checkImages(input.imageFileIds) : null;
	const oldImages = (await imagesOf({ sequelize: rt.sequelize }, [id])).map(i => i.file_id);
	const added = images ? images.filter(f => !oldImages.includes(f)) : [];
	await rt.peers.claim(viewer.userId!, added, "product", productRef(id));

	let removedImages: string[] = [];
	try {
		await inTransaction(rt.sequelize, async t => {
			const d = { sequelize: rt.sequelize, t };
			const row = await ownedProduct(rt, viewer, id, t);
			const status = (changes.status as ProductStatus | undefined) ?? row.status;
			if (status === "active" && row.status !== "active") {
				const shop = (await shopById(d, row.shop_id, true))!;
				if (!sells(shop.status)) throw CommerceError.shopNotActive();
			}
			const variants = await lockVariants(d, id);
			const finalVariants = await applyVariantEdits(rt, d, id, variants, input);
			changes.priceMin = priceMin(finalVariants);
			const publish = status === "active" && row.published_at === null;
			const updated = (await updateProduct(d, id, changes, publish))!;
			if (publish) await published(rt, t, updated, (changes.postToFeed as boolean | undefined) ?? row.post_to_feed);
			if (images) {
				removedImages = oldImages.filter(f => !images.includes(f));
				await replaceImages(d, id, images);
			}
		});
	} catch (err) {
		await rt.peers.release(added, productRef(id));
		throw err;
	}
	await rt.peers.release(removedImages, productRef(id));
	return visibleProduct(rt, viewer, id);
}

/**
 * Applies the variant part of an edit under the variants' row locks and
 * returns the live variants after it. Stock: `stock` is what the seller has on
 * the shelf unsold, so units held by orders awaiting payment are subtracted
 * (stockAfterEdit); `stockDelta` adjusts relatively. Both refuse to go below
 * zero with 409 STOCK_CONFLICT.
 */
async function applyVariantEdits(
	rt: CommerceRuntime,
	d: { sequelize: CommerceRuntime["sequelize"]; t: Transaction },
	productId: string,
	locked: VariantRow[],
	input: EditProductInput
): Promise<Array<{ price: number }>> {
	const byId = new Map(locked.map(v => [v.id, v]));
	const stockOf = async (v: VariantRow, edit: { stock?: number; stockDelta?: number }) => {
		if (edit.stock === undefined && edit.stockDelta === undefined) return v.stock;
		const held = edit.stock !== undefined ? await heldUnits(d, v.id) : 0;
		const res = stockAfterEdit(v.stock, held, edit);
		if (!res.ok) throw CommerceError.stockConflict(v.id, res.available);
		return res.stock;
	};

	if (!input.variants) {
		if (input.price === undefined && input.stock === undefined && input.stockDelta === undefined) return locked.map(v => ({ price: Number(v.price) }));
		if (locked.length !== 1) throw CommerceError.invalid("variants", "this product has several variants: edit them through variants");
		const v = locked[0];
		const price = input.price ?? Number(v.price);
		await updateVariant(d, v.id, { sku: v.sku, options: v.options, price, stock: await stockOf(v, input), position: v.position });
		return [{ price }];
	}

	const wanted = input.variants.map((e, position) => {
		const current = e.id ? byId.get(e.id.toLowerCase()) : undefined;
		if (e.id && !current) throw CommerceError.variantNotFound(e.id);
		return {
			edit: e,
			current,
			sku: e.sku !== undefined ? cleanSku(e.sku, `variants[${position}].sku`) : (current?.sku ?? null),
			options: e.options !== undefined ? cleanOptions(e.options, `variants[${position}].options`) : (current?.options ?? {}),
			price: e.price ?? Number(current?.price),
			position
		};
	});
	const ids = wanted.flatMap(w => (w.current ? [w.current.id] : []));
	if (new Set(ids).size !== ids.length) throw CommerceError.invalid("variants", "a variant is listed twice");
	checked(checkEdit(() => checkDistinct(wanted)));

	const removed = locked.filter(v => !ids.includes(v.id)).map(v => v.id);
	await softDeleteVariants(d, removed);
	const fresh: Array<Parameters<typeof insertVariants>[2][number]> = [];
	for (const w of wanted) {
		if (w.current) {
			await updateVariant(d, w.current.id, { sku: w.sku, options: w.options, price: w.price, stock: await stockOf(w.current, w.edit), position: w.position });
		} else {
			fresh.push({ id: newId(), sku: w.sku, options: w.options, price: w.price, stock: checked(checkEdit(() => checkStock(w.edit.stock ?? Math.max(0, w.edit.stockDelta ?? 0)))), position: w.position });
		}
	}
	await insertVariants(d, productId, fresh);
	return wanted.map(w => ({ price: w.price }));
}

export async function deleteProduct(rt: CommerceRuntime, viewer: Viewer, id: string): Promise<void> {
	await inTransaction(rt.sequelize, async t => {
		const d = { sequelize: rt.sequelize, t };
		await ownedProduct(rt, viewer, id, t);
		await softDeleteProduct(d, id);
		// No variant of a deleted product can be reserved any more (checkout's decrement requires deleted_at IS NULL).
		await softDeleteAllVariants(d, id);
	});
}
