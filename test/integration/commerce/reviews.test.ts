/**
 * Reviews through the REST API: only the buyer of a completed order, once
 * per product, rating 1–5 with text and photos; the product's and shop's
 * aggregates; the seller's one reply; reports that hide a review.
 */
import { expect } from "chai";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { uploadImage } from "./catalog-support";
import { act, call, paidOrder, productIn, shopFor, type Json } from "./orders-fixtures";

describe("commerce: reviews", function () {
	this.timeout(180_000);
	let stack: Stack;
	let seller: TestUser;
	let buyer: TestUser;
	let stranger: TestUser;
	let shop: string;

	async function completedOrder(b: TestUser, productId: string): Promise<Json> {
		const order = await paidOrder(stack, b, productId);
		await act(stack, seller, order.id, "ship");
		const done = await act(stack, b, order.id, "confirm-delivery");
		expect(done.json.status).to.equal("completed");
		return order;
	}

	const review = (who: TestUser | null, productId: string, body: Record<string, unknown>) => call(stack, `/products/${productId}/reviews`, who, { method: "POST", body });

	before(async () => {
		stack = await getStack();
		[seller, buyer, stranger] = await Promise.all([createUser(stack), createUser(stack), createUser(stack)]);
		shop = await shopFor(seller.userId);
	});

	it("lets the buyer of a completed order review each product once, with photos, and moves the product's and shop's ratings", async () => {
		const p = await productIn(shop, seller.userId);
		const order = await completedOrder(buyer, p.productId);
		const photo = await uploadImage(stack, buyer, "product");
		const res = await review(buyer, p.productId, { orderId: order.id, rating: 4, text: "  Nzuri sana, imefika haraka ", photoFileIds: [photo] });
		expect(res.status, res.text).to.equal(201);
		expect(res.json).to.include({ productId: p.productId, orderId: order.id, rating: 4, text: "Nzuri sana, imefika haraka" });
		expect(res.json.photos.map((ph: { id: string }) => ph.id)).to.deep.equal([photo]);
		expect(res.json.author.id).to.equal(buyer.userId);

		const [product] = await coreQuery<{ rating_sum: string; rating_count: number }>("SELECT rating_sum, rating_count FROM commerce.products WHERE id = $1", [p.productId]);
		expect([Number(product.rating_sum), product.rating_count]).to.deep.equal([4, 1]);
		const [shopRow] = await coreQuery<{ rating_sum: string; rating_count: number }>("SELECT rating_sum, rating_count FROM commerce.shops WHERE id = $1", [shop]);
		expect(Number(shopRow.rating_count)).to.be.at.least(1);
		const [event] = await coreQuery<{ envelope: Json }>("SELECT envelope FROM commerce.outbox WHERE type = 'commerce.review.created' AND envelope->'data'->>'reviewId' = $1", [res.json.id]);
		expect(event.envelope.data).to.deep.equal({ reviewId: res.json.id, productId: p.productId, sellerId: seller.userId, authorId: buyer.userId, rating: 4 });

		const again = await review(buyer, p.productId, { orderId: order.id, rating: 5 });
		expect(again.status).to.equal(409);
		expect(again.json.type).to.equal("ALREADY_REVIEWED");

		const list = await call(stack, `/products/${p.productId}/reviews`, null);
		expect(list.status).to.equal(200);
		expect(list.json.items.map((r: { id: string }) => r.id)).to.deep.equal([res.json.id]);
		expect(list.json.rating).to.deep.equal({ average: 4, count: 1 });
	});

	it("refuses orders that are not completed, not mine, or without the product; invalid ratings; no token", async () => {
		const p = await productIn(shop, seller.userId);
		const q = await productIn(shop, seller.userId);
		const paid = await paidOrder(stack, buyer, p.productId);
		const notYet = await review(buyer, p.productId, { orderId: paid.id, rating: 5 });
		expect(notYet.status).to.equal(422);
		expect(notYet.json.type).to.equal("ORDER_NOT_COMPLETED");
		const done = await completedOrder(buyer, q.productId);
		const otherProduct = await review(buyer, p.productId, { orderId: done.id, rating: 5 });
		expect(otherProduct.json.type).to.equal("PRODUCT_NOT_IN_ORDER");
		expect((await review(stranger, q.productId, { orderId: done.id, rating: 5 })).status).to.equal(404);
		for (const rating of [0, 6, 2.5, "5"]) expect((await review(buyer, q.productId, { orderId: done.id, rating })).status, String(rating)).to.equal(400);
		expect((await review(buyer, q.productId, { orderId: done.id, rating: 3, text: "x".repeat(2001) })).status).to.equal(400);
		expect((await review(null, q.productId, { orderId: done.id, rating: 5 })).status).to.equal(401);
		expect((await call(stack, "/products/00000000-0000-7000-8000-000000000000/reviews", buyer)).status).to.equal(404);
		const [product] = await coreQuery<{ rating_count: number }>("SELECT rating_count FROM commerce.products WHERE id = $1", [q.productId]);
		expect(Number(product.rating_count)).to.equal(0);
	});

	it("the seller replies once; nobody else may", async () => {
		const p = await productIn(shop, seller.userId);
		const order = await completedOrder(buyer, p.productId);
		const r = (await review(buyer, p.productId, { orderId: order.id, rating: 2, text: "Late" })).json;
		const reply = (who: TestUser | null, text: unknown) => call(stack, `/reviews/${r.id}/reply`, who, { method: "POST", body: { text } });
		expect((await reply(buyer, "me too")).status).to.equal(403);
		expect((await reply(null, "x")).status).to.equal(401);
		expect((await reply(seller, "")).status).to.equal(400);
		const ok = await reply(seller, "Pole sana — the courier was delayed by rain.");
		expect(ok.status).to.equal(200);
		expect(ok.json.reply.text).to.equal("Pole sana — the courier was delayed by rain.");
		expect((await reply(seller, "again")).status).to.equal(409);
		expect((await call(stack, "/reviews/00000000-0000-7000-8000-000000000000/reply", seller, { method: "POST", body: { text: "x" } })).status).to.equal(404);
	});

	it("takes one report per user, refuses reporting my own review, and hides a review five users reported", async () => {
		const p = await productIn(shop, seller.userId);
		const order = await completedOrder(buyer, p.productId);
		const r = (await review(buyer, p.productId, { orderId: order.id, rating: 1, text: "Spam spam" })).json;
		const report = (who: TestUser | null, reason = "Not about the product") => call(stack, `/reviews/${r.id}/report`, who, { method: "POST", body: { reason } });
		expect((await report(buyer)).json.type).to.equal("OWN_REVIEW");
		expect((await report(null)).status).to.equal(401);
		expect((await report(stranger, "")).status).to.equal(400);
		const first = await report(stranger);
		expect(first.status).to.equal(200);
		expect(first.json).to.deep.equal({ reviewId: r.id, reported: true, alreadyReported: false });
		expect((await report(stranger)).json.alreadyReported).to.equal(true);
		const others = await Promise.all(Array.from({ length: 4 }, () => createUser(stack)));
		for (const u of others) expect((await report(u)).status).to.equal(200);
		const list = await call(stack, `/products/${p.productId}/reviews`, stranger);
		expect(list.json.items).to.deep.equal([]);
		expect((await report(stranger)).status).to.equal(404);
	});
});
