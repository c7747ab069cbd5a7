/** Shops: open, read (the shop page), edit, list (API.md "commerce"; docs/commerce.md "Shops"). */
import { paginationParams } from "../../../lib/pagination";
import { shopPage } from "../flows/catalog";
import { createShop, editShop, findShops, type ShopListParams } from "../flows/shops";
import type { ShopInput } from "../rules/shop-input";
import { SHOP_LIMITS } from "../rules/shop-input";
import { isAdmin, me, pathId, pick, type ActionGroup, type Ctx, type This } from "./context";

// Texts are checked in code points by the rules; the validator only bounds the payload (UTF-16 units).
const text = (max: number, optional = true) => ({ type: "string", max: max * 2, optional });
const fileId = { type: "uuid", optional: true, nullable: true } as const;

const shopFields = {
	name: text(SHOP_LIMITS.name),
	slug: text(60),
	description: text(SHOP_LIMITS.description),
	logoFileId: fileId,
	bannerFileId: fileId,
	category: { ...text(SHOP_LIMITS.category), nullable: true },
	region: text(SHOP_LIMITS.region),
	city: text(SHOP_LIMITS.city),
	phone: text(20),
	currency: { type: "string", length: 3, optional: true },
	deliveryFee: { type: "number", integer: true, min: 0, optional: true }
} as const;
const FIELDS = Object.keys(shopFields);

const viewer = (ctx: Ctx<unknown>) => ({ userId: ctx.meta.user?.userId ?? null, admin: isAdmin(ctx) });

export const shopActions: ActionGroup = {
	createShop: {
		rest: "POST /shops",
		rateLimit: { window: 3_600_000, limit: 20 },
		openapi: { summary: "Open a shop (status pending_verification until an administrator verifies it)", status: 201 },
		params: { ...shopFields, name: text(SHOP_LIMITS.name, false), region: text(SHOP_LIMITS.region, false), city: text(SHOP_LIMITS.city, false), phone: text(20, false) },
		async handler(this: This, ctx: Ctx<ShopInput>) {
			const shop = await createShop(this.rt, me(ctx), pick(ctx.params, FIELDS));
			ctx.meta.$statusCode = 201;
			ctx.meta.$location = `/api/v1/commerce/shops/${shop.id}`;
			return shop;
		}
	},

	getShop: {
		rest: "GET /shops/:id",
		auth: "optional",
		openapi: { summary: "The shop page: the shop, its rating, the owner's trust score and its products (a shop not active: owner and administrators only)" },
		params: pathId,
		handler(this: This, ctx: Ctx<{ id: string }>) {
			return shopPage(this.rt, viewer(ctx), ctx.params.id.toLowerCase());
		}
	},

	updateShop: {
		rest: "PATCH /shops/:id",
		openapi: { summary: "Edit my shop (name, address, description, logo, banner, category, location, phone, delivery fee)" },
		params: { ...pathId, ...shopFields },
		handler(this: This, ctx: Ctx<ShopInput & { id: string }>) {
			me(ctx);
			return editShop(this.rt, viewer(ctx), ctx.params.id.toLowerCase(), pick(ctx.params, FIELDS));
		}
	},

	listShops: {
		rest: "GET /shops",
		auth: "optional",
		openapi: { summary: "Active shops, newest first (q: name, also misspelt; city; category; ownerId); mine=true: my own shops in every status" },
		params: {
			q: { type: "string", max: 100, optional: true },
			city: { type: "string", max: 80, optional: true },
			category: { type: "string", max: 60, optional: true },
			ownerId: { type: "uuid", optional: true },
			mine: { type: "boolean", optional: true, convert: true },
			...paginationParams
		},
		handler(this: This, ctx: Ctx<ShopListParams>) {
			if (ctx.params.mine) me(ctx);
			return findShops(this.rt, viewer(ctx), ctx.params);
		}
	}
};
