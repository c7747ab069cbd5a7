/** POST /commerce/checkout (API.md "commerce"; docs/commerce.md "Checkout"). */
import { checkout, type CheckoutInput } from "../flows/checkout";
import { me, type ActionGroup, type Ctx, type This } from "./context";

const line = (max: number, optional = true) => ({ type: "string", max: max * 2, optional });

export const checkoutActions: ActionGroup = {
	checkout: {
		rest: "POST /checkout",
		rateLimit: { window: 60_000, limit: 30 },
		openapi: {
			summary: "Check out my cart (Idempotency-Key header required): one order per shop, one mobile-money payment for the total with an escrow per order",
			status: 201
		},
		params: {
			shippingAddress: {
				type: "object",
				strict: true,
				props: {
					recipientName: line(100, false),
					phone: { type: "string", max: 32 },
					region: line(80, false),
					city: line(80, false),
					area: line(120, false),
					landmark: line(200),
					notes: line(300)
				}
			},
			payment: {
				type: "multi",
				rules: [
					{ type: "object", strict: true, props: { methodId: "uuid" } },
					{ type: "object", strict: true, props: { provider: { type: "enum", values: ["mpesa", "selcom", "tembo"] }, phone: { type: "string", min: 6, max: 32 } } }
				]
			}
		},
		async handler(this: This, ctx: Ctx<CheckoutInput>) {
			const result = await checkout(this.rt, me(ctx), ctx.meta.idempotencyKey, { shippingAddress: ctx.params.shippingAddress, payment: ctx.params.payment });
			ctx.meta.$statusCode = 201;
			ctx.meta.$location = `/api/v1/commerce/orders/${result.orders[0].id}`;
			return result;
		}
	}
};
