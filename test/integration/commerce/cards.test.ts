/**
 * What other domains get from the catalog: product and shop cards (social
 * embeds them in posts, messages in chats), and the seller's post that social
 * makes from commerce.product.published when postToFeed is set.
 */
import { expect } from "chai";
import { getStack, type Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { coreQuery } from "../../support/db";
import { waitFor } from "../../support/wait";
import { http } from "../api/http";
import { activeShop, addProduct, call, createProfiles, makeAdmin, outbox, uploadImage, type Json } from "./catalog-support";

describe("commerce: cards and posts for other domains", function () {
	this.timeout(180_000);
	let stack: Stack;
	let seller: TestUser;
	let reader: TestUser;
	let admin: string;
	let shop: Json;

	const social = (path: string, who: TestUser, opts: { method?: string; body?: unknown } = {}) => http(stack.apiUrl, `/api/v1/social${path}`, { ...opts, token: who.accessToken });
	const productCards = (ids: string[]) => stack.broker.call<Record<string, Json>, object>("commerce.productCards", { ids });
	const shopCards = (ids: string[]) => stack.broker.call<Record<string, Json>, object>("commerce.shopCards", { ids });

	before(async () => {
		stack = await getStack();
		let ops: TestUser;
		[seller, reader, ops] = await createProfiles(stack, 3);
		admin = await makeAdmin(stack, ops);
		const logo = await uploadImage(stack, seller, "shop");
		shop = await activeShop(stack, seller, admin, { logoFileId: logo, city: "Zanzibar" });
	});

	it("commerce.productCards: title, first image with BlurHash, lowest price, currency, stock, ids and status; unknown and deleted ids are absent", async () => {
		const img = await uploadImage(stack, seller, "product");
		const p = await addProduct(stack, seller, shop.id, {
			title: "Viungo vya pilau",
			imageFileIds: [img],
			price: undefined,
			stock: undefined,
			variants: [
				{ options: { Size: "100g" }, price: 400000, stock: 0 },
				{ options: { Size: "250g" }, price: 900000, stock: 0 }
			]
		});
		const draft = await addProduct(stack, seller, shop.id, { title: "Not yet", status: "draft" });
		const gone = await addProduct(stack, seller, shop.id, { title: "Gone" });
		expect((await call(stack, `/products/${gone.id}`, seller, { method: "DELETE" })).status).to.equal(204);
		const unknown = "0190a0a0-0000-7000-8000-000000000000";
		const cards = await productCards([p.id, draft.id, gone.id, unknown]);
		expect(Object.keys(cards).sort()).to.deep.equal([p.id, draft.id].sort());
		const card = cards[p.id];
		expect(card).to.include({ id: p.id, title: "Viungo vya pilau", price: 400000, currency: shop.currency, inStock: false, shopId: shop.id, sellerId: seller.userId, status: "active" });
		expect(card.imageUrl).to.be.a("string");
		expect(card.blurhash).to.be.a("string");
		expect(cards[draft.id].status).to.equal("draft");
		expect(await productCards([])).to.deep.equal({});
	});

	it("a product of a suspended shop is 'unavailable' on its card", async () => {
		const [owner] = await createProfiles(stack, 1);
		const s = await activeShop(stack, owner, admin);
		const p = await addProduct(stack, owner, s.id, { title: "Soon hidden" });
		await call(stack, `/shops/${s.id}/suspend`, admin, { method: "POST", body: { reason: "Fake reviews" } });
		expect((await productCards([p.id]))[p.id].status).to.equal("unavailable");
		expect((await shopCards([s.id]))[s.id].status).to.equal("suspended");
	});

	it("commerce.shopCards: name, logo with BlurHash, location, rating, owner and status", async () => {
		const cards = await shopCards([shop.id, "0190a0a0-0000-7000-8000-000000000000"]);
		expect(Object.keys(cards)).to.deep.equal([shop.id]);
		expect(cards[shop.id]).to.include({ id: shop.id, title: shop.name, slug: shop.slug, city: "Zanzibar", sellerId: seller.userId, status: "active" });
		expect(cards[shop.id].rating).to.deep.equal({ average: null, count: 0 });
		expect(cards[shop.id].imageUrl).to.be.a("string");
		expect(cards[shop.id].blurhash).to.be.a("string");
	});

	it("publishing with postToFeed: social posts it for the seller, once, with the live product card", async () => {
		const img = await uploadImage(stack, seller, "product");
		const p = await addProduct(stack, seller, shop.id, { title: "Mkoba wa ukili #Zanzibar", price: 4500000, imageFileIds: [img], postToFeed: true });
		const row = await waitFor(
			async () => (await coreQuery<{ id: string }>("SELECT id FROM social.posts WHERE source = 'commerce' AND embed_id = $1", [p.id]))[0],
			"social to post the product",
			30_000,
			100
		);
		const post = await social(`/posts/${row.id}`, reader);
		expect(post.status, post.text).to.equal(200);
		expect(post.json.author.id).to.equal(seller.userId);
		expect(post.json.embed.type).to.equal("product");
		expect(post.json.embed.id).to.equal(p.id);
		expect(post.json.embed.card).to.include({ title: "Mkoba wa ukili #Zanzibar", price: 4500000, currency: shop.currency, inStock: true, status: "active", shopId: shop.id });
		expect(post.json.embed.card.blurhash).to.be.a("string");
		// Archiving and republishing raises no second event, so no second post.
		await call(stack, `/products/${p.id}`, seller, { method: "PATCH", body: { status: "archived" } });
		await call(stack, `/products/${p.id}`, seller, { method: "PATCH", body: { status: "active" } });
		expect(await outbox("commerce.product.published", { productId: p.id })).to.have.length(1);
	});

	it("publishing without postToFeed makes no post", async () => {
		const p = await addProduct(stack, seller, shop.id, { title: "Quiet listing" });
		const [event] = await outbox("commerce.product.published", { productId: p.id });
		await waitFor(
			async () => (await coreQuery("SELECT 1 FROM social.processed_events WHERE event_id = $1", [event.id])).length > 0,
			"social to handle the event",
			30_000,
			100
		);
		expect(await coreQuery("SELECT 1 FROM social.posts WHERE embed_id = $1", [p.id])).to.have.length(0);
	});

	it("a user embeds an active product or shop in a post; a draft cannot be embedded", async () => {
		const p = await addProduct(stack, seller, shop.id, { title: "Kofia ya makuti" });
		const draft = await addProduct(stack, seller, shop.id, { title: "Hidden", status: "draft" });
		const ok = await social("/posts", reader, { method: "POST", body: { text: "Angalieni hii", visibility: "public", embed: { type: "product", id: p.id } } });
		expect(ok.status, ok.text).to.equal(201);
		expect(ok.json.embed.card).to.include({ title: "Kofia ya makuti", price: 150000 });
		const withShop = await social("/posts", reader, { method: "POST", body: { text: "Duka zuri", visibility: "public", embed: { type: "shop", id: shop.id } } });
		expect(withShop.status, withShop.text).to.equal(201);
		expect(withShop.json.embed.card).to.include({ title: shop.name, status: "active" });
		const refused = await social("/posts", reader, { method: "POST", body: { text: "Hii?", visibility: "public", embed: { type: "product", id: draft.id } } });
		expect(refused.status).to.equal(422);
		expect(refused.json.type).to.equal("EMBED_NOT_FOUND");
	});
});
