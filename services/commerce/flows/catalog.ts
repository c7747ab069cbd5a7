/**
 * The category tree and product search (docs/commerce.md "Catalog", "Search").
 * Categories change only by migration: each node keeps them for a minute.
 * Search runs full text first; a first page with no hit retries with titles
 * similar to the words (misspellings: "kitenje" finds "kitenge"), and the
 * page says which (`matched`), so the client can show "results for similar
 * titles". The cursor keeps the mode, so later pages stay consistent.
 */
import { inTransaction } from "../../../lib/db/transaction";
import { decodeCursor, encodeCursor, pageLimit } from "../../../lib/pagination";
import { badRequest, ErrorType, forbidden, unauthorized } from "../../../lib/errors";
import { CommerceError } from "../errors";
import type { ServableFileView } from "../../../lib/files/file-view";
import { buildTree, subtreeIds, type CategoryNode, type CategoryRow } from "../rules/catalog-tree";
import { checkPriceRange, effectiveSort, isSearchCursor, prefixTsQuery, queryWords, type Mode, type SearchCursor, type Sort } from "../rules/search-query";
import type { CommerceRuntime } from "../runtime";
import { allCategories } from "../store/categories";
import { searchProducts, withSimilarityThreshold, type SearchQuery, type SummaryRow } from "../store/search";
import { shopById } from "../store/shops";
import { ratingOf, shopViews, visibleShop, type ShopView, type Viewer } from "./shops";

const CATEGORY_TTL_MS = 60_000;
let categoryCache: { rows: CategoryRow[]; until: number } | null = null;

export async function categoryRows(rt: CommerceRuntime): Promise<CategoryRow[]> {
	if (categoryCache && categoryCache.until > Date.now()) return categoryCache.rows;
	const rows = await allCategories({ sequelize: rt.sequelize });
	categoryCache = { rows, until: Date.now() + CATEGORY_TTL_MS };
	return rows;
}

export async function categoryTree(rt: CommerceRuntime): Promise<{ items: CategoryNode[] }> {
	return { items: buildTree(await categoryRows(rt)) };
}

/** { id, slug, name, nameSw } of a category, or null. */
export async function categoryRef(rt: CommerceRuntime, id: string | null): Promise<{ id: string; slug: string; name: string; nameSw: string } | null> {
	if (!id) return null;
	const row = (await categoryRows(rt)).find(c => c.id === id);
	return row ? { id: row.id, slug: row.slug, name: row.name, nameSw: row.name_sw } : null;
}

export interface ProductSummary {
	id: string;
	shopId: string;
	sellerId: string;
	title: string;
	price: number;
	currency: string;
	status: string;
	image: { fileId: string; url: string; blurhash: string | null } | null;
	inStock: boolean;
	rating: { average: number | null; count: number };
	soldCount: number;
	shop: { id: string; name: string; slug: string; city: string };
	publishedAt: string | null;
}

export function summaryView(r: SummaryRow, views: Map<string, ServableFileView>): ProductSummary {
	const v = r.image_file_id ? views.get(r.image_file_id) : undefined;
	return {
		id: r.id,
		shopId: r.shop_id,
		sellerId: r.seller_id,
		title: r.title,
		price: Number(r.price_min),
		currency: r.currency,
		status: r.status,
		image: r.image_file_id && v ? { fileId: r.image_file_id, url: v.url, blurhash: v.blurhash ?? null } : null,
		inStock: r.in_stock,
		rating: ratingOf(r.rating_sum, r.rating_count),
		soldCount: r.sold_count,
		shop: { id: r.shop_id, name: r.shop_name, slug: r.shop_slug, city: r.shop_city },
		publishedAt: r.published_at ? new Date(r.published_at).toISOString() : null
	};
}

export interface SearchParams {
	q?: string;
	shopId?: string;
	categoryId?: string;
	city?: string;
	minPrice?: number;
	maxPrice?: number;
	sort?: Sort;
	/** An owner's view of their shop's drafts or archive (needs shopId). */
	status?: "draft" | "active" | "archived" | "all";
	cursor?: string;
	limit?: number;
}

export interface SearchPage {
	items: ProductSummary[];
	nextCursor: string | null;
	/** How the words matched: full text, or similar titles when full text found nothing; null without words. */
	matched: Mode | null;
}

export async function search(rt: CommerceRuntime, viewer: Viewer, p: SearchParams): Promise<SearchPage> {
	const limit = pageLimit(p.limit);
	const range = checkPriceRange(p.minPrice, p.maxPrice);
	if (!range.ok) throw CommerceError.invalid("minPrice", range.message);
	const tsquery = p.q ? prefixTsQuery(p.q) : null;
	const words = p.q ? queryWords(p.q).join(" ") : "";
	const sort = effectiveSort(p.sort, tsquery !== null);

	let ownerStatus: SearchQuery["ownerStatus"] = null;
	if (p.status && p.status !== "active") {
		if (!viewer.userId) throw unauthorized();
		if (!p.shopId) throw CommerceError.invalid("status", "listing drafts or the archive needs shopId");
		const shop = await shopById({ sequelize: rt.sequelize }, p.shopId.toLowerCase());
		if (!shop || !(viewer.admin || shop.owner_id === viewer.userId)) throw forbidden("Only the shop's owner lists its drafts and archive", "NOT_SHOP_OWNER");
		ownerStatus = p.status;
	}

	let categoryIds: string[] | null = null;
	if (p.categoryId) {
		categoryIds = subtreeIds(await categoryRows(rt), p.categoryId.toLowerCase());
		if (categoryIds.length === 0) throw CommerceError.categoryNotFound();
	}

	let cursor: SearchCursor | null = null;
	if (p.cursor) {
		const decoded = decodeCursor(p.cursor);
		if (!isSearchCursor(decoded, sort)) throw badRequest("Invalid cursor", ErrorType.INVALID_CURSOR);
		cursor = decoded;
	}

	const base: Omit<SearchQuery, "mode"> = {
		tsquery,
		words,
		shopId: p.shopId?.toLowerCase() ?? null,
		categoryIds,
		city: p.city?.trim() || null,
		minPrice: p.minPrice ?? null,
		maxPrice: p.maxPrice ?? null,
		ownerStatus,
		sort,
		after: cursor?.k ?? null,
		limit
	};
	let mode: Mode | null = tsquery ? (cursor?.m ?? "fulltext") : null;
	let rows = await runSearch(rt, { ...base, mode });
	if (mode === "fulltext" && rows.length === 0 && !cursor && words.length >= 3) {
		mode = "similar";
		rows = await runSearch(rt, { ...base, mode });
	}

	const hasMore = rows.length > limit;
	const items = hasMore ? rows.slice(0, limit) : rows;
	const views = await rt.peers.views(items.map(r => r.image_file_id).filter((x): x is string => Boolean(x)));
	const last = items[items.length - 1];
	const nextCursor = hasMore && last ? encodeCursor({ m: mode ?? "fulltext", s: sort, k: [keyOf(last, sort, mode), last.id] } satisfies SearchCursor) : null;
	return { items: items.map(r => summaryView(r, views)), nextCursor, matched: mode };
}

function keyOf(r: SummaryRow, sort: Sort, mode: Mode | null): string | number {
	if (sort === "relevance" && mode) return r.score ?? "0";
	if (sort === "price_asc" || sort === "price_desc") return Number(r.price_min);
	if (sort === "popular") return r.sold_count;
	return r.published_key!;
}

function runSearch(rt: CommerceRuntime, q: SearchQuery): Promise<SummaryRow[]> {
	if (q.mode !== "similar") return searchProducts({ sequelize: rt.sequelize }, q);
	return inTransaction(rt.sequelize, t => withSimilarityThreshold({ sequelize: rt.sequelize, t }, rt.cfg.searchTrigramThreshold, () => searchProducts({ sequelize: rt.sequelize, t }, q)));
}

export interface ShopPage extends ShopView {
	owner: { id: string; trust: { score: number; level: string } | null };
	/** The shop's active products, newest first (more pages: GET /products?shopId=). */
	products: SearchPage;
}

/** The shop page: the shop, its rating, its owner's trust score (users decides what the viewer may see) and its first products. */
export async function shopPage(rt: CommerceRuntime, viewer: Viewer, shopId: string): Promise<ShopPage> {
	const row = await visibleShop(rt, shopId, viewer);
	const [[view], trust, products] = await Promise.all([
		shopViews(rt, [row], viewer),
		rt.peers.trust(row.owner_id, viewer.userId),
		search(rt, viewer, { shopId, sort: "newest" })
	]);
	return { ...view, owner: { id: row.owner_id, trust }, products };
}
