/**
 * Products through the REST API: create (one default variant, or several
 * with options and SKUs), images with BlurHash, who sees drafts and archives,
 * edits of fields, status, images, variants and stock (relative adjustments in
 * parallel lose nothing), soft delete. Publishing needs a verified shop and
 * raises commerce.product.published once.
 */
import { expect } from "chai";
import { getStack, type Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { Pool } from "pg";
import { coreQuery } from "../../support/db";
import { CORE_URL } from "../../support/environment";
import { activeShop, addProduct, call, categoryId, createProfiles, makeAdmin, openShop, outbox, uploadImage, type Json } from "./catalog-support";

describe("commerce: products", function () {
	this.timeout(180_000);
	let stack: Stack;
	let seller: TestUser;
	let buyer: TestUser;
	let ops: TestUser;
	let admin: string;
	let shop: Json;

	before(async () => {
		stack = await getStack();
		[seller, buyer, ops] = await createProfiles(stack, 3);
		admin = await makeAdmin(stack, ops);
		shop = await activeShop(stack, seller, admin);
	});

	describe("POST /shops/:id/products", () => {
		it("a product without variants gets one default variant; images come back with URL and BlurHash; the event is raised", async () => {
			const img = await uploadImage(stack, seller, "product", [640, 480]);
			const shoes = await categoryId("shoes");
			const res = await call(stack, `/shops/${shop.id}/products`, seller, {
				method: "POST",
				body: { title: "Sandals za Maasai", description: "Shanga nyekundu", price: 2500000, currency: shop.currency, stock: 7, imageFileIds: [img], categoryId: shoes, status: "active", postToFeed: false }
			});
			expect(res.status, res.text).to.equal(201);
			const p = res.json;
			expect(res.headers.get("location")).to.equal(`/api/v1/commerce/products/${p.id}`);
			expect(p).to.include({ shopId: shop.id, sellerId: seller.userId, title: "Sandals za Maasai", status: "active", price: 2500000, currency: shop.currency, stock: 7, inStock: true });
			expect(p.variants).to.have.length(1);
			expect(p.variants[0]).to.include({ price: 2500000, stock: 7, sku: null });
			expect(p.variants[0].options).to.deep.equal({});
			expect(p.category).to.include({ id: shoes, slug: "shoes" });
			expect(p.images).to.have.length(1);
			expect(p.images[0].fileId).to.equal(img);
			expect(p.images[0].url).to.be.a("string");
			expect(p.images[0].blurhash).to.be.a("string").and.have.length.greaterThan(5);
			expect(p.publishedAt).to.be.a("string");
			const [file] = await coreQuery("SELECT ref FROM files.files WHERE id = $1", [img]);
			expect(file.ref).to.equal(`commerce:product:${p.id}`);
			const events = await outbox("commerce.product.published", { productId: p.id });
			expect(events).to.have.length(1);
			expect(events[0].data).to.deep.equal({ productId: p.id, shopId: shop.id, sellerId: seller.userId, postToFeed: false, title: "Sandals za Maasai" });
		});

		it("variants: each with options, SKU, price and stock; the listing price is the lowest", async () => {
			const p = await addProduct(stack, seller, shop.id, {
				title: "Kitenge dress",
				price: undefined,
				stock: undefined,
				variants: [
					{ sku: "KD-S-RED", options: { Size: "S", Colour: "Red" }, price: 3500000, stock: 2 },
					{ sku: "KD-M-RED", options: { Size: "M", Colour: "Red" }, price: 3000000, stock: 0 },
					{ sku: "KD-L-BLU", options: { Size: "L", Colour: "Blue" }, price: 4000000, stock: 4 }
				]
			});
			expect(p.price).to.equal(3000000);
			expect(p.stock).to.equal(6);
			expect(p.variants.map((v: Json) => [v.sku, v.price, v.stock, v.inStock])).to.deep.equal([
				["KD-S-RED", 3500000, 2, true],
				["KD-M-RED", 3000000, 0, false],
				["KD-L-BLU", 4000000, 4, true]
			]);
			expect(p.variants[0].options).to.deep.equal({ Size: "S", Colour: "Red" });
		});

		it("refuses invalid input (400/422) and creates nothing", async () => {
			const theirs = await uploadImage(stack, buyer, "product");
			const count = async () => (await coreQuery<{ n: number }>("SELECT count(*)::int AS n FROM commerce.products WHERE shop_id = $1", [shop.id]))[0].n;
			const before = await count();
			const post = (body: Record<string, unknown>) => call(stack, `/shops/${shop.id}/products`, seller, { method: "POST", body: { title: "Valid title", price: 1000, stock: 1, ...body } });
			const cases: Array<[Record<string, unknown>, number, string]> = [
				[{ title: "" }, 400, "title"],
				[{ title: "x".repeat(141) }, 400, "title"],
				[{ price: 0 }, 400, "price"],
				[{ price: 10.5 }, 400, "price"],
				[{ stock: -1 }, 400, "stock"],
				[{ currency: shop.currency === "KES" ? "TZS" : "KES" }, 422, "CURRENCY_MISMATCH"],
				[{ categoryId: "0190a0a0-0000-7000-8000-000000000000" }, 422, "CATEGORY_NOT_FOUND"],
				[{ imageFileIds: [theirs] }, 422, "FILE_NOT_USABLE"],
				[{ variants: [{ options: { Size: "M" }, price: 100, stock: 1 }, { options: { size: "m" }, price: 200, stock: 1 }] }, 400, "options"],
				[{ variants: [{ sku: "A1", options: { Size: "M" }, price: 100, stock: 1 }, { sku: "a1", options: { Size: "L" }, price: 200, stock: 1 }] }, 400, "sku"],
				[{ variants: [{ options: {}, price: 100, stock: 1 }, { options: { Size: "L" }, price: 200, stock: 1 }] }, 400, "variants"],
				[{ status: "archived" }, 400, "status"]
			];
			for (const [body, status, needle] of cases) {
				const res = await post(body);
				expect(res.status, `${needle}: ${res.text}`).to.equal(status);
				expect(res.text, needle).to.include(needle);
			}
			expect(await count()).to.equal(before);
			const [file] = await coreQuery("SELECT ref FROM files.files WHERE id = $1", [theirs]);
			expect(file.ref).to.equal(null);
		});

		it("a shop waiting for verification keeps drafts but cannot publish (422 SHOP_NOT_ACTIVE)", async () => {
			const waiting = await openShop(stack, seller);
			const active = await call(stack, `/shops/${waiting.id}/products`, seller, { method: "POST", body: { title: "Too early", price: 1000, stock: 1, status: "active" } });
			expect(active.status).to.equal(422);
			expect(active.json.type).to.equal("SHOP_NOT_ACTIVE");
			const draft = await call(stack, `/shops/${waiting.id}/products`, seller, { method: "POST", body: { title: "Ready later", price: 1000, stock: 1 } });
			expect(draft.status, draft.text).to.equal(201);
			expect(draft.json.status).to.equal("draft");
			const publish = await call(stack, `/products/${draft.json.id}`, seller, { method: "PATCH", body: { status: "active" } });
			expect(publish.status).to.equal(422);
			expect(publish.json.type).to.equal("SHOP_NOT_ACTIVE");
		});

		it("no token 401; someone else's shop 403; a shop they cannot see 404", async () => {
			expect((await call(stack, `/shops/${shop.id}/products`, null, { method: "POST", body: { title: "Nope", price: 1, stock: 1 } })).status).to.equal(401);
			const other = await call(stack, `/shops/${shop.id}/products`, buyer, { method: "POST", body: { title: "Nope", price: 1, stock: 1 } });
			expect(other.status).to.equal(403);
			const hidden = await openShop(stack, seller);
			expect((await call(stack, `/shops/${hidden.id}/products`, buyer, { method: "POST", body: { title: "Nope", price: 1, stock: 1 } })).status).to.equal(404);
		});
	});

	describe("GET /products/:id", () => {
		it("an active product is public; a draft is its owner's and the administrators'", async () => {
			const live = await addProduct(stack, seller, shop.id, { title: "Public kanga" });
			const draft = await addProduct(stack, seller, shop.id, { title: "Secret kanga", status: "draft" });
			expect((await call(stack, `/products/${live.id}`, null)).status).to.equal(200);
			expect((await call(stack, `/products/${live.id}`, buyer)).json.shop).to.include({ id: shop.id, name: shop.name, status: "active" });
			expect((await call(stack, `/products/${draft.id}`, buyer)).status).to.equal(404);
			expect((await call(stack, `/products/${draft.id}`, null)).status).to.equal(404);
			expect((await call(stack, `/products/${draft.id}`, seller)).json.status).to.equal("draft");
			expect((await call(stack, `/products/${draft.id}`, admin)).status).to.equal(200);
			expect((await call(stack, `/products/0190a0a0-0000-7000-8000-000000000000`, buyer)).status).to.equal(404);
			expect((await call(stack, `/products/not-an-id`, buyer)).status).to.equal(400);
		});
	});

	describe("PATCH /products/:id", () => {
		it("publishing a draft raises commerce.product.published once, with postToFeed; archiving and republishing does not raise it again", async () => {
			const draft = await addProduct(stack, seller, shop.id, { title: "Coming soon", status: "draft" });
			expect(await outbox("commerce.product.published", { productId: draft.id })).to.have.length(0);
			const res = await call(stack, `/products/${draft.id}`, seller, { method: "PATCH", body: { status: "active", postToFeed: true, title: "Now on sale" } });
			expect(res.status, res.text).to.equal(200);
			expect(res.json).to.include({ status: "active", title: "Now on sale" });
			await call(stack, `/products/${draft.id}`, seller, { method: "PATCH", body: { status: "archived" } });
			expect((await call(stack, `/products/${draft.id}`, buyer)).status).to.equal(404);
			await call(stack, `/products/${draft.id}`, seller, { method: "PATCH", body: { status: "active" } });
			const events = await outbox("commerce.product.published", { productId: draft.id });
			expect(events).to.have.length(1);
			expect(events[0].data).to.include({ postToFeed: true, title: "Now on sale" });
		});

		it("single-variant price and stock; parallel stock adjustments lose nothing; going below zero is 409 STOCK_CONFLICT", async () => {
			const p = await addProduct(stack, seller, shop.id, { title: "Kahawa ya Kilimanjaro", price: 1200000, stock: 10 });
			const res = await call(stack, `/products/${p.id}`, seller, { method: "PATCH", body: { price: 1100000, stock: 20 } });
			expect(res.status, res.text).to.equal(200);
			expect(res.json).to.include({ price: 1100000, stock: 20 });
			const adds = await Promise.all(Array.from({ length: 10 }, () => call(stack, `/products/${p.id}`, seller, { method: "PATCH", body: { stockDelta: 3 } })));
			expect(adds.map(r => r.status)).to.deep.equal(Array(10).fill(200));
			expect((await call(stack, `/products/${p.id}`, seller)).json.stock).to.equal(50);
			const under = await call(stack, `/products/${p.id}`, seller, { method: "PATCH", body: { stockDelta: -51 } });
			expect(under.status).to.equal(409);
			expect(under.json.type).to.equal("STOCK_CONFLICT");
			expect(under.json.data.available).to.equal(50);
			// A checkout's guarded decrement running beside the seller's adjustments: every unit is accounted for.
			const variantId = res.json.variants[0].id;
			const pool = new Pool({ connectionString: CORE_URL, max: 5 });
			try {
				const sells = Array.from({ length: 5 }, () => pool.query("UPDATE commerce.product_variants SET stock = stock - 2 WHERE id = $1 AND stock >= 2 AND deleted_at IS NULL", [variantId]));
				const restocks = Array.from({ length: 5 }, () => call(stack, `/products/${p.id}`, seller, { method: "PATCH", body: { stockDelta: 1 } }));
				await Promise.all([...sells, ...restocks]);
			} finally {
				await pool.end();
			}
			expect((await call(stack, `/products/${p.id}`, seller)).json.stock).to.equal(50 - 10 + 5);
		});

		it("variants: edit one, add one, remove one; the listing price follows; a variant of another product is 404", async () => {
			const p = await addProduct(stack, seller, shop.id, {
				title: "Kikoi",
				price: undefined,
				stock: undefined,
				variants: [
					{ sku: "KK-1", options: { Colour: "Green" }, price: 900000, stock: 3 },
					{ sku: "KK-2", options: { Colour: "Orange" }, price: 800000, stock: 3 }
				]
			});
			const [green, orange] = p.variants;
			const res = await call(stack, `/products/${p.id}`, seller, {
				method: "PATCH",
				body: { variants: [{ id: green.id, price: 950000, stockDelta: -1 }, { sku: "KK-3", options: { Colour: "Blue" }, price: 1000000, stock: 6 }] }
			});
			expect(res.status, res.text).to.equal(200);
			expect(res.json.variants.map((v: Json) => [v.sku, v.price, v.stock])).to.deep.equal([
				["KK-1", 950000, 2],
				["KK-3", 1000000, 6]
			]);
			expect(res.json.price).to.equal(950000);
			const [gone] = await coreQuery("SELECT deleted_at FROM commerce.product_variants WHERE id = $1", [orange.id]);
			expect(gone.deleted_at).to.not.equal(null);
			const other = await addProduct(stack, seller, shop.id, { title: "Other" });
			const foreign = await call(stack, `/products/${p.id}`, seller, { method: "PATCH", body: { variants: [{ id: other.variants[0].id, price: 1 }] } });
			expect(foreign.status).to.equal(404);
			expect(foreign.json.type).to.equal("VARIANT_NOT_FOUND");
			const both = await call(stack, `/products/${p.id}`, seller, { method: "PATCH", body: { price: 5, variants: [{ id: green.id }] } });
			expect(both.status).to.equal(400);
		});

		it("images: the new list replaces the old; dropped files are released", async () => {
			const a = await uploadImage(stack, seller, "product");
			const b = await uploadImage(stack, seller, "product");
			const c = await uploadImage(stack, seller, "product");
			const p = await addProduct(stack, seller, shop.id, { title: "Mkeka", imageFileIds: [a, b] });
			const res = await call(stack, `/products/${p.id}`, seller, { method: "PATCH", body: { imageFileIds: [c, a] } });
			expect(res.status, res.text).to.equal(200);
			expect(res.json.images.map((i: Json) => i.fileId)).to.deep.equal([c, a]);
			const rows = await coreQuery<{ id: string; ref: string | null }>("SELECT id, ref FROM files.files WHERE id = ANY($1::uuid[])", [[a, b, c]]);
			expect(Object.fromEntries(rows.map(r => [r.id, r.ref]))).to.deep.equal({ [a]: `commerce:product:${p.id}`, [b]: null, [c]: `commerce:product:${p.id}` });
		});

		it("someone else's product 403, a draft they cannot see 404, no token 401, bad input 400 with nothing changed", async () => {
			const p = await addProduct(stack, seller, shop.id, { title: "Stable title" });
			const draft = await addProduct(stack, seller, shop.id, { title: "Draft", status: "draft" });
			expect((await call(stack, `/products/${p.id}`, buyer, { method: "PATCH", body: { title: "Hijack" } })).status).to.equal(403);
			expect((await call(stack, `/products/${draft.id}`, buyer, { method: "PATCH", body: { title: "Hijack" } })).status).to.equal(404);
			expect((await call(stack, `/products/${p.id}`, null, { method: "PATCH", body: { title: "Hijack" } })).status).to.equal(401);
			expect((await call(stack, `/products/${p.id}`, seller, { method: "PATCH", body: { title: "", price: 5 } })).status).to.equal(400);
			expect((await call(stack, `/products/${p.id}`, seller, { method: "PATCH", body: { status: "sold" } })).status).to.equal(400);
			const [row] = await coreQuery("SELECT title, price_min FROM commerce.products WHERE id = $1", [p.id]);
			expect(row).to.deep.equal({ title: "Stable title", price_min: "150000" });
		});
	});

	describe("DELETE /products/:id", () => {
		it("soft-deletes: gone from reads, variants no longer reservable; the owner only", async () => {
			const p = await addProduct(stack, seller, shop.id, { title: "Old stock" });
			expect((await call(stack, `/products/${p.id}`, buyer, { method: "DELETE" })).status).to.equal(403);
			expect((await call(stack, `/products/${p.id}`, null, { method: "DELETE" })).status).to.equal(401);
			const res = await call(stack, `/products/${p.id}`, seller, { method: "DELETE" });
			expect(res.status).to.equal(204);
			expect((await call(stack, `/products/${p.id}`, seller)).status).to.equal(404);
			expect((await call(stack, `/products/${p.id}`, seller, { method: "DELETE" })).status).to.equal(404);
			const [row] = await coreQuery<{ deleted_at: Date | null; status: string }>("SELECT deleted_at, status FROM commerce.products WHERE id = $1", [p.id]);
			expect(row.deleted_at).to.not.equal(null);
			const reserved = await coreQuery("UPDATE commerce.product_variants SET stock = stock - 1 WHERE product_id = $1 AND stock >= 1 AND deleted_at IS NULL RETURNING id", [p.id]);
			expect(reserved).to.have.length(0);
		});
	});
});
