/** Cart routes (API.md "commerce"; docs/commerce.md "Cart"). */
import { addItem, getCart, removeItem, updateItem } from "../flows/cart";
import { me, pathId, type ActionGroup, type Ctx, type This } from "./context";

const quantity = { type: "number", integer: true, min: 1, max: 10_000, convert: true } as const;

export const cartActions: ActionGroup = {
	getCart: {
		rest: "GET /cart",
		openapi: { summary: "My cart: items by shop with delivery fees and totals, and what changed since I last looked (prices, stock)" },
		handler(this: This, ctx: Ctx) {
			return getCart(this.rt, me(ctx));
		}
	},

	addCartItem: {
		rest: "POST /cart/items",
		rateLimit: { window: 60_000, limit: 120 },
		openapi: { summary: "Put a product (variantId when it has several) in my cart; the same variant again adds to its line", status: 201 },
		params: { productId: "uuid", variantId: { type: "uuid", optional: true }, quantity },
		async handler(this: This, ctx: Ctx<{ productId: string; variantId?: string; quantity: number }>) {
			const item = await addItem(this.rt, me(ctx), { productId: ctx.params.productId.toLowerCase(), variantId: ctx.params.variantId, quantity: ctx.params.quantity });
			ctx.meta.$statusCode = 201;
			ctx.meta.$location = "/api/v1/commerce/cart";
			return item;
		}
	},

	updateCartItem: {
		rest: "PATCH /cart/items/:id",
		openapi: { summary: "Change a cart line's quantity" },
		params: { ...pathId, quantity },
		handler(this: This, ctx: Ctx<{ id: string; quantity: number }>) {
			return updateItem(this.rt, me(ctx), ctx.params.id.toLowerCase(), ctx.params.quantity);
		}
	},

	removeCartItem: {
		rest: "DELETE /cart/items/:id",
		openapi: { summary: "Take a line out of my cart", status: 204 },
		params: pathId,
		async handler(this: This, ctx: Ctx<{ id: string }>) {
			await removeItem(this.rt, me(ctx), ctx.params.id.toLowerCase());
			ctx.meta.$statusCode = 204;
			return null;
		}
	}
};
