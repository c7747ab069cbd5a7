/**
 * Cards for other domains (docs/commerce.md "Cards"): social embeds them in
 * posts, messages in chats. One query per batch; a product or shop that does
 * not exist or was deleted is absent from the answer. `status` is what a
 * client may do with it: a product is "active" only while its shop is active
 * too (social refuses new embeds of anything else).
 */
import { select, uuidArray } from "../../../lib/db/sql";
import type { CommerceRuntime } from "../runtime";
import { IN_STOCK } from "../store/search";
import { ratingOf } from "./shops";

export interface ProductCard {
	id: string;
	title: string;
	imageUrl: string | null;
	blurhash: string | null;
	price: number;
	currency: string;
	inStock: boolean;
	shopId: string;
	sellerId: string;
	status: "draft" | "active" | "archived" | "unavailable";
}

export interface ShopCard {
	id: string;
	title: string;
	slug: string;
	imageUrl: string | null;
	blurhash: string | null;
	city: string;
	region: string;
	rating: { average: number | null; count: number };
	sellerId: string;
	status: string;
}

interface CardRow {
	id: string;
	title: string;
	price_min: string;
	currency: string;
	status: "draft" | "active" | "archived";
	shop_id: string;
	seller_id: string;
	shop_status: string;
	image_file_id: string | null;
	in_stock: boolean;
}

export async function productCards(rt: CommerceRuntime, ids: string[]): Promise<Record<string, ProductCard>> {
	const unique = [...new Set(ids.map(id => id.toLowerCase()))];
	if (unique.length === 0) return {};
	const rows = await select<CardRow>(
		{ sequelize: rt.sequelize },
		`SELECT p.id, p.title, p.price_min, p.currency, p.status, p.shop_id, p.seller_id, s.status AS shop_status,
		        (SELECT i.file_id FROM commerce.product_images i WHERE i.product_id = p.id ORDER BY i.position LIMIT 1) AS image_file_id,
		        ${IN_STOCK} AS in_stock
		   FROM commerce.products p JOIN commerce.shops s ON s.id = p.shop_id
		  WHERE p.id = ANY(:ids::uuid[]) AND p.deleted_at IS NULL`,
		{ ids: uuidArray(unique) }
	);
	const views = await rt.peers.views(rows.map(r => r.image_file_id).filter((x): x is string => Boolean(x)));
	const out: Record<string, ProductCard> = {};
	for (const r of rows) {
		const img = r.image_file_id ? views.get(r.image_file_id) : undefined;
		out[r.id] = {
			id: r.id,
			title: r.title,
			imageUrl: img?.url ?? null,
			blurhash: img?.blurhash ?? null,
			price: Number(r.price_min),
			currency: r.currency,
			inStock: r.in_stock,
			shopId: r.shop_id,
			sellerId: r.seller_id,
			status: r.shop_status === "active" ? r.status : "unavailable"
		};
	}
	return out;
}

interface ShopCardRow {
	id: string;
	name: string;
	slug: string;
	logo_file_id: string | null;
	city: string;
	region: string;
	rating_sum: string;
	rating_count: number;
	owner_id: string;
	status: string;
}

export async function shopCards(rt: CommerceRuntime, ids: string[]): Promise<Record<string, ShopCard>> {
	const unique = [...new Set(ids.map(id => id.toLowerCase()))];
	if (unique.length === 0) return {};
	const rows = await select<ShopCardRow>(
		{ sequelize: rt.sequelize },
		`SELECT id, name, slug, logo_file_id, city, region, rating_sum, rating_count, owner_id, status FROM commerce.shops WHERE id = ANY(:ids::uuid[])`,
		{ ids: uuidArray(unique) }
	);
	const views = await rt.peers.views(rows.map(r => r.logo_file_id).filter((x): x is string => Boolean(x)));
	const out: Record<string, ShopCard> = {};
	for (const r of rows) {
		const logo = r.logo_file_id ? views.get(r.logo_file_id) : undefined;
		out[r.id] = {
			id: r.id,
			title: r.name,
			slug: r.slug,
			imageUrl: logo?.url ?? null,
			blurhash: logo?.blurhash ?? null,
			city: r.city,
			region: r.region,
			rating: ratingOf(r.rating_sum, r.rating_count),
			sellerId: r.owner_id,
			status: r.status
		};
	}
	return out;
}
