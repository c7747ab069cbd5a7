/** The category tree, product search, and cards for other domains (API.md "commerce"; docs/commerce.md "Search", "Cards"). */
import type { Context } from "moleculer";
import { paginationParams } from "../../../lib/pagination";
import { productCards, shopCards } from "../flows/cards";
import { categoryTree, search, type SearchParams } from "../flows/catalog";
import { SORTS } from "../rules/search-query";
import { isAdmin, type ActionGroup, type Ctx, type This } from "./context";

const price = { type: "number", integer: true, min: 0, optional: true, convert: true } as const;
const ids = { type: "array", items: "uuid", max: 500 } as const;

export const catalogActions: ActionGroup = {
	categories: {
		rest: "GET /categories",
		auth: "optional",
		openapi: { summary: "The category tree (English and Swahili names)" },
		handler(this: This) {
			return categoryTree(this.rt);
		}
	},

	searchProducts: {
		rest: "GET /products",
		auth: "optional",
		openapi: {
			summary:
				"Search the catalog: q (full text, prefix words; similar titles when nothing matches: see matched), shopId, categoryId (with subcategories), city, minPrice/maxPrice (minor units), sort relevance|newest|price_asc|price_desc|popular; status=draft|archived|all lists my own shop's (with shopId)"
		},
		params: {
			q: { type: "string", max: 200, optional: true },
			shopId: { type: "uuid", optional: true },
			categoryId: { type: "uuid", optional: true },
			city: { type: "string", max: 80, optional: true },
			minPrice: price,
			maxPrice: price,
			sort: { type: "enum", values: SORTS as unknown as string[], optional: true },
			status: { type: "enum", values: ["draft", "active", "archived", "all"], optional: true },
			...paginationParams
		},
		handler(this: This, ctx: Ctx<SearchParams>) {
			return search(this.rt, { userId: ctx.meta.user?.userId ?? null, admin: isAdmin(ctx) }, ctx.params);
		}
	},

	productCards: {
		visibility: "public",
		params: { ids },
		handler(this: This, ctx: Context<{ ids: string[] }>) {
			return productCards(this.rt, ctx.params.ids);
		}
	},

	shopCards: {
		visibility: "public",
		params: { ids },
		handler(this: This, ctx: Context<{ ids: string[] }>) {
			return shopCards(this.rt, ctx.params.ids);
		}
	}
};
