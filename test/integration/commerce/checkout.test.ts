/**
 * POST /commerce/checkout through the REST API: one order per shop, one
 * M-Pesa payment for the total with an escrow per order, idempotency by key
 * and one checkout at a time per cart, prices re-checked, and nothing left
 * behind when checkout is refused.
 */
import crypto from "node:crypto";
import { expect } from "chai";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { addToCart, address, call, checkedOut, checkout, checkoutBody, pay, productIn, setPrice, shopFor, stockOf, twoShops } from "./orders-fixtures";

async function intentsFor(orderIds: string[]): Promise<string[]> {
	const rows = await coreQuery<{ intent_id: string }>("SELECT DISTINCT intent_id FROM payments.intent_allocations WHERE purpose_id = ANY($1::uuid[])", [orderIds]);
	return rows.map(r => r.intent_id);
}

async function ordersOf(buyerId: string): Promise<number> {
	const [row] = await coreQuery<{ n: string }>("SELECT count(*) AS n FROM commerce.orders WHERE buyer_id = $1", [buyerId]);
	return Number(row.n);
}

describe("commerce: checkout", function () {
	this.timeout(120_000);
	let stack: Stack;
	let seller: TestUser;
	let seller2: TestUser;
	let shop: string;
	let shop2: string;

	before(async () => {
		stack = await getStack();
		({ seller, seller2, shop, shop2 } = await twoShops(stack, [20_000, 0]));
	});

	it("turns a two-shop cart into two orders and one M-Pesa payment with an escrow per order", async () => {
		const buyer = await createUser(stack);
		const a = await productIn(shop, seller.userId, { prices: [150_000], stock: 5 });
		const b = await productIn(shop2, seller2.userId, { prices: [300_000], stock: 5 });
		await addToCart(stack, buyer, a.productId, 2);
		await addToCart(stack, buyer, b.productId, 1);
		const result = await checkedOut(stack, buyer);

		expect(result.orders).to.have.length(2);
		const byShop = Object.fromEntries(result.orders.map((o: { shop: { id: string } }) => [o.shop.id, o]));
		expect(byShop[shop]).to.include({ status: "pending_payment", subtotal: 300_000, deliveryFee: 20_000, total: 320_000, currency: "KES", sellerId: seller.userId });
		expect(byShop[shop2]).to.include({ status: "pending_payment", subtotal: 300_000, deliveryFee: 0, total: 300_000 });
		expect(byShop[shop].number).to.match(/^NX-\d{6}-[0-9A-HJKMNP-TV-Z]{6,}$/);
		expect(byShop[shop].shippingAddress).to.deep.equal({ ...address(), notes: null });
		expect(byShop[shop].items[0]).to.include({ productId: a.productId, variantId: a.variantIds[0], unitPrice: 150_000, quantity: 2, lineTotal: 300_000 });
		expect(result.payment).to.include({ status: "processing", amount: 620_000, currency: "KES", provider: "mpesa" });

		// One intent, split: each order's escrow gets its own share and payee.
		const ids = result.orders.map((o: { id: string }) => o.id);
		expect(await intentsFor(ids)).to.deep.equal([result.payment.intentId]);
		const alloc = await coreQuery<{ purpose_id: string; payee_id: string; amount: string }>(
			"SELECT purpose_id, payee_id, amount FROM payments.intent_allocations WHERE intent_id = $1 ORDER BY position",
			[result.payment.intentId]
		);
		expect(alloc.map(r => [r.purpose_id, r.payee_id, Number(r.amount)])).to.have.deep.members([
			[byShop[shop].id, seller.userId, 320_000],
			[byShop[shop2].id, seller2.userId, 300_000]
		]);
		// Stock is held and the cart is empty.
		expect(await stockOf(a.variantIds[0])).to.equal(3);
		expect(await stockOf(b.variantIds[0])).to.equal(4);
		expect((await call(stack, "/cart", buyer)).json.items).to.deep.equal([]);

		// The one payment pays both orders, each escrow holding its own share.
		await pay(stack, result);
		for (const o of result.orders) {
			const [escrow] = await coreQuery<{ collected: string; payee_id: string }>("SELECT collected, payee_id FROM payments.escrows WHERE purpose_type = 'order' AND purpose_id = $1", [o.id]);
			expect([Number(escrow.collected), escrow.payee_id]).to.deep.equal([o.total, o.sellerId]);
		}
	});

	it("answers a repeat with the same Idempotency-Key with the same orders and payment, and refuses the key for another body", async () => {
		const buyer = await createUser(stack);
		const p = await productIn(shop, seller.userId);
		await addToCart(stack, buyer, p.productId);
		const key = crypto.randomUUID();
		const body = checkoutBody();
		const first = await checkout(stack, buyer, body, key);
		expect(first.status, first.text).to.equal(201);
		const again = await checkout(stack, buyer, body, key);
		expect(again.status).to.equal(201);
		expect(again.json.orders.map((o: { id: string }) => o.id)).to.deep.equal(first.json.orders.map((o: { id: string }) => o.id));
		expect(again.json.payment.intentId).to.equal(first.json.payment.intentId);
		const other = await checkout(stack, buyer, checkoutBody({ shippingAddress: address({ city: "Mombasa" }) }), key);
		expect(other.status).to.equal(409);
		expect(other.json.type).to.equal("IDEMPOTENCY_KEY_REUSED");
		expect(await ordersOf(buyer.userId)).to.equal(1);
	});

	it("gives one order set and one payment intent to the same checkout sent twice in parallel", async () => {
		const buyer = await createUser(stack);
		const a = await productIn(shop, seller.userId);
		const b = await productIn(shop2, seller2.userId);
		await addToCart(stack, buyer, a.productId);
		await addToCart(stack, buyer, b.productId);
		const key = crypto.randomUUID();
		const body = checkoutBody();
		const [r1, r2] = await Promise.all([checkout(stack, buyer, body, key), checkout(stack, buyer, body, key)]);
		expect([r1.status, r2.status]).to.deep.equal([201, 201]);
		expect(r1.json.orders.map((o: { id: string }) => o.id).sort()).to.deep.equal(r2.json.orders.map((o: { id: string }) => o.id).sort());
		expect(r1.json.payment.intentId).to.equal(r2.json.payment.intentId);
		expect(await ordersOf(buyer.userId)).to.equal(2);
		const [intents] = await coreQuery<{ n: string }>("SELECT count(*) AS n FROM payments.payment_intents WHERE payer_id = $1", [buyer.userId]);
		expect(Number(intents.n)).to.equal(1);
	});

	it("runs checkouts of one cart one at a time: two different keys at once make one order set, the other finds the cart empty", async () => {
		const buyer = await createUser(stack);
		const p = await productIn(shop, seller.userId);
		await addToCart(stack, buyer, p.productId);
		const [r1, r2] = await Promise.all([checkout(stack, buyer), checkout(stack, buyer)]);
		expect([r1.status, r2.status].sort()).to.deep.equal([201, 422]);
		expect([r1, r2].find(r => r.status === 422)!.json.type).to.equal("CART_EMPTY");
		expect(await ordersOf(buyer.userId)).to.equal(1);
	});

	it("refuses a changed price naming the change; the cart shows the new price and a repeat goes through at it", async () => {
		const buyer = await createUser(stack);
		const p = await productIn(shop, seller.userId, { prices: [100_000] });
		await addToCart(stack, buyer, p.productId);
		await setPrice(p.variantIds[0], 120_000);
		const refused = await checkout(stack, buyer);
		expect(refused.status).to.equal(409);
		expect(refused.json.type).to.equal("CART_CHANGED");
		expect(refused.json.data.changes).to.deep.equal([{ itemId: refused.json.data.changes[0].itemId, productId: p.productId, variantId: p.variantIds[0], kind: "price_changed", before: 100_000, after: 120_000 }]);
		expect(await ordersOf(buyer.userId)).to.equal(0);
		expect(await stockOf(p.variantIds[0])).to.equal(10);
		const cart = (await call(stack, "/cart", buyer)).json;
		expect(cart.items[0].unitPrice).to.equal(120_000);
		const ok = await checkedOut(stack, buyer);
		expect(ok.orders[0].total).to.equal(140_000);
	});

	it("refuses sold-out lines naming what is left, reserving nothing", async () => {
		const buyer = await createUser(stack);
		const p = await productIn(shop, seller.userId, { stock: 3 });
		const q = await productIn(shop, seller.userId, { stock: 3 });
		await addToCart(stack, buyer, p.productId, 3);
		await addToCart(stack, buyer, q.productId, 1);
		await coreQuery("UPDATE commerce.product_variants SET stock = 1 WHERE id = $1", [p.variantIds[0]]);
		const res = await checkout(stack, buyer);
		expect(res.status).to.equal(409);
		expect(res.json.type).to.equal("OUT_OF_STOCK");
		expect(res.json.data.changes).to.have.length(1);
		expect(res.json.data.changes[0]).to.include({ productId: p.productId, kind: "insufficient_stock", available: 1 });
		expect(await stockOf(q.variantIds[0])).to.equal(3);
		expect(await ordersOf(buyer.userId)).to.equal(0);
	});

	it("undoes everything when payments refuses the payment (a phone M-Pesa cannot charge): no order, stock and cart as before, key reusable", async () => {
		const buyer = await createUser(stack);
		const p = await productIn(shop, seller.userId, { stock: 4 });
		await addToCart(stack, buyer, p.productId, 2);
		const key = crypto.randomUUID();
		const res = await checkout(stack, buyer, checkoutBody({ payment: { provider: "mpesa", phone: "+255712345678" } }), key);
		expect(res.status).to.equal(422);
		expect(res.json.type).to.equal("PHONE_NOT_SUPPORTED");
		expect(await ordersOf(buyer.userId)).to.equal(0);
		expect(await stockOf(p.variantIds[0])).to.equal(4);
		const cart = (await call(stack, "/cart", buyer)).json;
		expect(cart.items.map((i: { productId: string; quantity: number }) => [i.productId, i.quantity])).to.deep.equal([[p.productId, 2]]);
		const retry = await checkout(stack, buyer, checkoutBody(), key);
		expect(retry.status, retry.text).to.equal(201);
	});

	it("validates: no token 401, no Idempotency-Key 400, a bad address or payment 400, an empty cart 422, mixed currencies 422 — nothing changed", async () => {
		const buyer = await createUser(stack);
		expect((await checkout(stack, null)).status).to.equal(401);
		const p = await productIn(shop, seller.userId);
		await addToCart(stack, buyer, p.productId);
		const noKey = await checkout(stack, buyer, checkoutBody(), null);
		expect(noKey.status).to.equal(400);
		const badAddress = await checkout(stack, buyer, checkoutBody({ shippingAddress: address({ phone: "0712", area: " " }) }));
		expect(badAddress.status).to.equal(400);
		expect(badAddress.json.data.map((d: { field: string }) => d.field).sort()).to.deep.equal(["shippingAddress.area", "shippingAddress.phone"]);
		expect((await checkout(stack, buyer, checkoutBody({ shippingAddress: { city: "Nairobi" } }))).status).to.equal(400);
		expect((await checkout(stack, buyer, checkoutBody({ payment: { provider: "paypal", phone: "+254712345678" } }))).status).to.equal(400);
		expect(await ordersOf(buyer.userId)).to.equal(0);

		const empty = await createUser(stack);
		const none = await checkout(stack, empty);
		expect(none.status).to.equal(422);
		expect(none.json.type).to.equal("CART_EMPTY");

		const tzShop = await shopFor(seller2.userId, { currency: "TZS" });
		const tz = await productIn(tzShop, seller2.userId, { currency: "TZS" });
		await addToCart(stack, buyer, tz.productId);
		const mixed = await checkout(stack, buyer);
		expect(mixed.status).to.equal(422);
		expect(mixed.json.type).to.equal("MIXED_CURRENCIES");
		expect(await ordersOf(buyer.userId)).to.equal(0);
	});
});
