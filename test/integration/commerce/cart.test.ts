/**
 * The cart through the REST API: items from several shops grouped with each
 * shop's delivery fee, quantities merged and bounded by stock, variants,
 * what changed since the buyer last looked, and someone else's cart lines.
 */
import { expect } from "chai";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { addToCart, call, productIn, setPrice, twoShops } from "./orders-fixtures";

describe("commerce: cart", function () {
	this.timeout(60_000);
	let stack: Stack;
	let seller: TestUser;
	let seller2: TestUser;
	let shop: string;
	let shop2: string;

	before(async () => {
		stack = await getStack();
		({ seller, seller2, shop, shop2 } = await twoShops(stack, [25_000, 15_000]));
	});

	it("starts empty; 401 without a token", async () => {
		const buyer = await createUser(stack);
		const res = await call(stack, "/cart", buyer);
		expect(res.status).to.equal(200);
		expect(res.json).to.deep.equal({ items: [], shops: [], currency: null, total: null, changes: [] });
		expect((await call(stack, "/cart", null)).status).to.equal(401);
		expect((await call(stack, "/cart/items", null, { method: "POST", body: {} })).status).to.equal(401);
	});

	it("groups items from several shops with each shop's delivery fee once, and merges the same variant into one line", async () => {
		const buyer = await createUser(stack);
		const a = await productIn(shop, seller.userId, { prices: [120_000] });
		const b = await productIn(shop2, seller2.userId, { prices: [80_000] });
		const first = await addToCart(stack, buyer, a.productId, 1);
		expect(first).to.include({ productId: a.productId, variantId: a.variantIds[0], quantity: 1, unitPrice: 120_000, lineTotal: 120_000, currency: "KES", available: true });
		const merged = await addToCart(stack, buyer, a.productId, 2);
		expect(merged).to.include({ id: first.id, quantity: 3 });
		await addToCart(stack, buyer, b.productId, 1);
		const cart = (await call(stack, "/cart", buyer)).json;
		expect(cart.items).to.have.length(2);
		expect(cart.shops.map((s: Record<string, unknown>) => [s.shopId, s.subtotal, s.deliveryFee, s.total])).to.deep.equal([
			[shop, 360_000, 25_000, 385_000],
			[shop2, 80_000, 15_000, 95_000]
		]);
		expect(cart).to.include({ currency: "KES", total: 480_000 });
	});

	it("needs a variant when a product has several; refuses unknown products and variants, drafts of others, my own products, more than the stock", async () => {
		const buyer = await createUser(stack);
		const sized = await productIn(shop, seller.userId, { prices: [50_000, 60_000], stock: 2 });
		const noVariant = await call(stack, "/cart/items", buyer, { method: "POST", body: { productId: sized.productId, quantity: 1 } });
		expect(noVariant.status).to.equal(422);
		expect(noVariant.json.type).to.equal("VARIANT_REQUIRED");
		const large = await addToCart(stack, buyer, sized.productId, 1, sized.variantIds[1]);
		expect(large).to.include({ variantId: sized.variantIds[1], unitPrice: 60_000 });
		expect(large.options).to.deep.equal({ size: "M" });

		const post = (body: unknown, who: TestUser = buyer) => call(stack, "/cart/items", who, { method: "POST", body });
		expect((await post({ productId: sized.productId, variantId: sized.variantIds[0], quantity: 3 })).json.type).to.equal("INSUFFICIENT_STOCK");
		expect((await post({ productId: sized.productId, variantId: "00000000-0000-7000-8000-000000000000", quantity: 1 })).status).to.equal(404);
		expect((await post({ productId: "00000000-0000-7000-8000-000000000000", quantity: 1 })).status).to.equal(404);
		const draft = await productIn(shop, seller.userId, { status: "draft" });
		expect((await post({ productId: draft.productId, quantity: 1 })).status).to.equal(404);
		const own = await post({ productId: sized.productId, variantId: sized.variantIds[0], quantity: 1 }, seller);
		expect(own.status).to.equal(422);
		expect(own.json.type).to.equal("OWN_PRODUCT");
		expect((await post({ productId: sized.productId, quantity: 0 })).status).to.equal(400);
		expect((await post({ productId: "nope", quantity: 1 })).status).to.equal(400);
		expect((await post({ productId: sized.productId, variantId: sized.variantIds[0], quantity: 100 })).json.type).to.equal("QUANTITY_TOO_LARGE");
		expect((await call(stack, "/cart", buyer)).json.items).to.have.length(1);
	});

	it("PATCH changes a line's quantity within the stock; DELETE removes it; someone else's line is 404", async () => {
		const buyer = await createUser(stack);
		const other = await createUser(stack);
		const p = await productIn(shop, seller.userId, { stock: 4 });
		const item = await addToCart(stack, buyer, p.productId, 1);
		const patched = await call(stack, `/cart/items/${item.id}`, buyer, { method: "PATCH", body: { quantity: 4 } });
		expect(patched.status).to.equal(200);
		expect(patched.json).to.include({ quantity: 4, lineTotal: 400_000 });
		expect((await call(stack, `/cart/items/${item.id}`, buyer, { method: "PATCH", body: { quantity: 5 } })).json.type).to.equal("INSUFFICIENT_STOCK");
		expect((await call(stack, `/cart/items/${item.id}`, buyer, { method: "PATCH", body: { quantity: -1 } })).status).to.equal(400);
		expect((await call(stack, `/cart/items/${item.id}`, other, { method: "PATCH", body: { quantity: 1 } })).status).to.equal(404);
		expect((await call(stack, `/cart/items/${item.id}`, null, { method: "PATCH", body: { quantity: 1 } })).status).to.equal(401);
		expect((await call(stack, `/cart/items/${item.id}`, other, { method: "DELETE" })).status).to.equal(404);
		expect((await call(stack, `/cart/items/${item.id}`, null, { method: "DELETE" })).status).to.equal(401);
		expect((await call(stack, `/cart/items/${item.id}`, buyer, { method: "DELETE" })).status).to.equal(204);
		expect((await call(stack, `/cart/items/${item.id}`, buyer, { method: "DELETE" })).status).to.equal(404);
		expect((await call(stack, "/cart", buyer)).json.items).to.deep.equal([]);
	});

	it("tells the buyer once what changed since they last looked: a new price, a sold-out line, a product taken down", async () => {
		const buyer = await createUser(stack);
		const pricier = await productIn(shop, seller.userId, { prices: [100_000] });
		const soldOut = await productIn(shop, seller.userId);
		const archived = await productIn(shop, seller.userId);
		await addToCart(stack, buyer, pricier.productId);
		await addToCart(stack, buyer, soldOut.productId);
		await addToCart(stack, buyer, archived.productId);
		await setPrice(pricier.variantIds[0], 90_000);
		await coreQuery("UPDATE commerce.product_variants SET stock = 0 WHERE id = $1", [soldOut.variantIds[0]]);
		await coreQuery("UPDATE commerce.products SET status = 'archived' WHERE id = $1", [archived.productId]);

		const cart = (await call(stack, "/cart", buyer)).json;
		expect(cart.changes.map((c: { productId: string; kind: string }) => [c.productId, c.kind])).to.have.deep.members([
			[pricier.productId, "price_changed"],
			[soldOut.productId, "unavailable"],
			[archived.productId, "unavailable"]
		]);
		expect(cart.changes.find((c: { kind: string }) => c.kind === "price_changed")).to.include({ before: 100_000, after: 90_000 });
		expect(cart.items.filter((i: { available: boolean }) => !i.available)).to.have.length(2);
		expect(cart.total).to.equal(90_000 + 25_000);
		// Seen now: the price change is not reported again; what cannot be bought still is.
		const again = (await call(stack, "/cart", buyer)).json;
		expect(again.changes.map((c: { kind: string }) => c.kind)).to.deep.equal(["unavailable", "unavailable"]);
	});
});
