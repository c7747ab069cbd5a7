/**
 * The product search query (docs/commerce.md "Search"): one statement per
 * page. Public listings show active products of active shops; full text over
 * the generated `search` column (GIN), or, when that found nothing, titles
 * similar to the query (pg_trgm word similarity, GIN on lower(title)).
 * Filters: shop, categories, the shop's city, price range. Keyset pagination
 * on the sort's key plus id.
 */
import type { Transaction } from "sequelize";
import { select, uuidArray, type Db } from "../../../lib/db/sql";
import type { Mode, SearchCursor, Sort } from "../rules/search-query";

export interface SummaryRow {
	id: string;
	shop_id: string;
	seller_id: string;
	title: string;
	currency: string;
	status: string;
	price_min: string;
	rating_sum: string;
	rating_count: number;
	sold_count: number;
	published_at: Date | null;
	published_key: string | null;
	shop_name: string;
	shop_slug: string;
	shop_city: string;
	image_file_id: string | null;
	in_stock: boolean;
	score: string | null;
}

export interface SearchQuery {
	mode: Mode | null;
	/** The prefix tsquery (fulltext) or the lowercased words (similar). */
	tsquery: string | null;
	words: string | null;
	shopId: string | null;
	categoryIds: string[] | null;
	city: string | null;
	minPrice: number | null;
	maxPrice: number | null;
	/** null: the public catalog (active products of active shops); else an owner's view of one shop in that status ("all": any). */
	ownerStatus: "draft" | "active" | "archived" | "all" | null;
	sort: Sort;
	after: SearchCursor["k"] | null;
	limit: number;
}

/**
 * Per row, on the variants' product index. Written as a scalar subquery with LIMIT rather than EXISTS:
 * PostgreSQL turns an EXISTS in the select list into a hashed subplan over every variant (a full scan per page).
 */
export const IN_STOCK = `coalesce((SELECT true FROM commerce.product_variants v WHERE v.product_id = p.id AND v.deleted_at IS NULL AND v.stock > 0 LIMIT 1), false)`;

const SCORE: Record<Mode, string> = {
	fulltext: `round(ts_rank_cd(p.search, to_tsquery('simple', :tsquery))::numeric, 6)`,
	similar: `round(word_similarity(:words, lower(p.title))::numeric, 6)`
};

const KEY: Record<Exclude<Sort, "relevance">, { expr: string; cast: string; dir: "ASC" | "DESC" }> = {
	newest: { expr: "p.published_at", cast: "timestamptz", dir: "DESC" },
	price_asc: { expr: "p.price_min", cast: "bigint", dir: "ASC" },
	price_desc: { expr: "p.price_min", cast: "bigint", dir: "DESC" },
	popular: { expr: "p.sold_count", cast: "integer", dir: "DESC" }
};

const SUMMARY_COLUMNS = `p.id, p.shop_id, p.seller_id, p.title, p.currency, p.status, p.price_min, p.rating_sum, p.rating_count, p.sold_count, p.published_at,
		        to_char(coalesce(p.published_at, p.created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS published_key,
		        s.name AS shop_name, s.slug AS shop_slug, s.city AS shop_city,
		        (SELECT i.file_id FROM commerce.product_images i WHERE i.product_id = p.id ORDER BY i.position LIMIT 1) AS image_file_id,
		        ${IN_STOCK} AS in_stock`;

export function searchProducts(db: Db, q: SearchQuery): Promise<SummaryRow[]> {
	const where: string[] = ["p.deleted_at IS NULL"];
	if (q.ownerStatus === null) where.push(`p.status = 'active'`, `s.status = 'active'`);
	else if (q.ownerStatus !== "all") where.push(`p.status = :ownerStatus`);
	if (q.mode === "fulltext") where.push(`p.search @@ to_tsquery('simple', :tsquery)`);
	if (q.mode === "similar") where.push(`:words <% lower(p.title)`);
	if (q.shopId) where.push(`p.shop_id = :shopId`);
	if (q.categoryIds) where.push(`p.category_id = ANY(:categoryIds::uuid[])`);
	if (q.city) where.push(`lower(s.city) = lower(:city)`);
	if (q.minPrice !== null) where.push(`p.price_min >= :minPrice`);
	if (q.maxPrice !== null) where.push(`p.price_min <= :maxPrice`);
	const matches = `commerce.products p JOIN commerce.shops s ON s.id = p.shop_id WHERE ${where.join(" AND ")}`;

	let sql: string;
	if (q.sort === "relevance" && q.mode) {
		// Relevance has no index: every match is ranked. So the ranking sorts narrow rows (id and score) and the
		// summaries are read for the page's rows alone; OFFSET 0 keeps the inner subquery whole, so a later
		// page's cursor comparison reads the score column instead of ranking every match a second time.
		sql = `SELECT ${SUMMARY_COLUMNS}, k.score
		         FROM (SELECT m.id, m.score FROM (SELECT p.id, ${SCORE[q.mode]} AS score FROM ${matches} OFFSET 0) m
		                ${q.after ? "WHERE (m.score, m.id) < (:k0::numeric, :k1::uuid)" : ""}
		                ORDER BY m.score DESC, m.id DESC LIMIT :limit) k
		         JOIN commerce.products p ON p.id = k.id JOIN commerce.shops s ON s.id = p.shop_id
		        ORDER BY k.score DESC, k.id DESC`;
	} else {
		// The other sorts walk an index on their key (products_recent_idx, _price_idx, _popular_idx,
		// _category_idx) and stop after a page, so one flat statement reads only the page's rows.
		const key = KEY[q.sort === "relevance" ? "newest" : q.sort];
		// Drafts have no published_at: an owner's list orders them by creation instead. Active products always
		// have one, so the public catalog sorts on the bare column, which its indexes carry.
		const expr = key.expr === "p.published_at" && q.ownerStatus !== null ? "coalesce(p.published_at, p.created_at)" : key.expr;
		const after = q.after ? ` AND (${expr}, p.id) ${key.dir === "DESC" ? "<" : ">"} (:k0::${key.cast}, :k1::uuid)` : "";
		sql = `SELECT ${SUMMARY_COLUMNS}, NULL::numeric AS score
		         FROM ${matches}${after}
		        ORDER BY ${expr} ${key.dir}, p.id ${key.dir}
		        LIMIT :limit`;
	}

	return select<SummaryRow>(db, sql, {
		tsquery: q.tsquery,
		words: q.words,
		ownerStatus: q.ownerStatus,
		shopId: q.shopId,
		categoryIds: q.categoryIds ? uuidArray(q.categoryIds) : null,
		city: q.city,
		minPrice: q.minPrice,
		maxPrice: q.maxPrice,
		k0: q.after?.[0] ?? null,
		k1: q.after?.[1] ?? null,
		limit: q.limit + 1
	});
}

/** Word-similarity matching uses the index through `<%`, whose threshold is a setting: set for this transaction only. */
export async function withSimilarityThreshold<T>(db: Db & { t: Transaction }, threshold: number, work: () => Promise<T>): Promise<T> {
	await select(db, `SELECT set_config('pg_trgm.word_similarity_threshold', :v, true)`, { v: String(threshold) });
	return work();
}
