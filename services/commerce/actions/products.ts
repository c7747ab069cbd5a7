/** Products with variants and images: create, read, edit, delete (API.md "commerce"; docs/commerce.md "Catalog"). */
import { createProduct, deleteProduct, editProduct, visibleProduct, type CreateProductInput, type EditProductInput } from "../flows/products";
import { PRODUCT_LIMITS } from "../rules/product-input";
import { isAdmin, me, pathId, pick, type ActionGroup, type Ctx, type This } from "./context";

const text = (max: number, optional = true) => ({ type: "string", max: max * 2, optional });
const money = { type: "number", integer: true, optional: true } as const;
const stock = { type: "number", integer: true, optional: true } as const;
const options = { type: "object", optional: true } as const;
const sku = { type: "string", max: PRODUCT_LIMITS.sku, optional: true, nullable: true } as const;
const images = { type: "array", items: "uuid", max: PRODUCT_LIMITS.images, optional: true } as const;

const CREATE_FIELDS = ["title", "description", "price", "currency", "stock", "imageFileIds", "categoryId", "variants", "status", "postToFeed"];
const EDIT_FIELDS = ["title", "description", "price", "stock", "stockDelta", "imageFileIds", "categoryId", "variants", "status", "postToFeed"];

const viewer = (ctx: Ctx<unknown>) => ({ userId: ctx.meta.user?.userId ?? null, admin: isAdmin(ctx) });

export const productActions: ActionGroup = {
	createProduct: {
		rest: "POST /shops/:id/products",
		rateLimit: { window: 60_000, limit: 60 },
		openapi: { summary: "Add a product to my shop: price/stock, or variants (options, SKU, price, stock each); images; draft or active (active needs a verified shop)", status: 201 },
		params: {
			...pathId,
			title: text(PRODUCT_LIMITS.title, false),
			description: text(PRODUCT_LIMITS.description),
			price: money,
			currency: { type: "string", length: 3, optional: true },
			stock,
			imageFileIds: images,
			categoryId: { type: "uuid", optional: true, nullable: true },
			variants: { type: "array", optional: true, max: 500, items: { type: "object", strict: true, props: { sku, options, price: { type: "number", integer: true }, stock: { type: "number", integer: true } } } },
			status: { type: "enum", values: ["draft", "active"], optional: true },
			postToFeed: { type: "boolean", optional: true }
		},
		async handler(this: This, ctx: Ctx<CreateProductInput & { id: string }>) {
			me(ctx);
			const product = await createProduct(this.rt, viewer(ctx), ctx.params.id.toLowerCase(), pick(ctx.params, CREATE_FIELDS));
			ctx.meta.$statusCode = 201;
			ctx.meta.$location = `/api/v1/commerce/products/${product.id}`;
			return product;
		}
	},

	getProduct: {
		rest: "GET /products/:id",
		auth: "optional",
		openapi: { summary: "A product with its variants, images (URL, BlurHash), category, rating and shop (drafts and archives: owner and administrators only)" },
		params: pathId,
		handler(this: This, ctx: Ctx<{ id: string }>) {
			return visibleProduct(this.rt, viewer(ctx), ctx.params.id.toLowerCase());
		}
	},

	updateProduct: {
		rest: "PATCH /products/:id",
		openapi: {
			summary:
				"Edit my product: fields, status (draft|active|archived), images (the new list), price/stock of a single-variant product, or the variants (with id: edit; without: new; left out: removed). Stock is what is on the shelf unsold (stock), or an adjustment (stockDelta)"
		},
		params: {
			...pathId,
			title: text(PRODUCT_LIMITS.title),
			description: text(PRODUCT_LIMITS.description),
			price: money,
			stock,
			stockDelta: stock,
			imageFileIds: images,
			categoryId: { type: "uuid", optional: true, nullable: true },
			variants: {
				type: "array",
				optional: true,
				max: 500,
				items: {
					type: "object",
					strict: true,
					props: { id: { type: "uuid", optional: true }, sku, options, price: money, stock, stockDelta: stock }
				}
			},
			status: { type: "enum", values: ["draft", "active", "archived"], optional: true },
			postToFeed: { type: "boolean", optional: true }
		},
		handler(this: This, ctx: Ctx<EditProductInput & { id: string }>) {
			me(ctx);
			return editProduct(this.rt, viewer(ctx), ctx.params.id.toLowerCase(), pick(ctx.params, EDIT_FIELDS));
		}
	},

	deleteProduct: {
		rest: "DELETE /products/:id",
		openapi: { summary: "Delete my product (soft: it leaves the catalog and carts can no longer buy it; past orders keep it)", status: 204 },
		params: pathId,
		async handler(this: This, ctx: Ctx<{ id: string }>) {
			me(ctx);
			await deleteProduct(this.rt, viewer(ctx), ctx.params.id.toLowerCase());
			ctx.meta.$statusCode = 204;
			return null;
		}
	}
};
