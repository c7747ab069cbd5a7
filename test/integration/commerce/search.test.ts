/**
 * Catalog search through the REST API: the category tree; full text with
 * prefix words; similar titles when nothing matches (misspellings); filters
 * (category with its subcategories, price range, shop, city); sorts; cursor
 * pages that neither skip nor repeat; only active products of active shops;
 * an owner's drafts.
 */
import crypto from "node:crypto";
import { expect } from "chai";
import { getStack, type Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { activeShop, addProduct, call, categoryId, createProfiles, makeAdmin, type Json } from "./catalog-support";

describe("commerce: catalog search", function () {
	this.timeout(180_000);
	let stack: Stack;
	let seller: TestUser;
	let other: TestUser;
	let buyer: TestUser;
	let admin: string;
	let shopA: Json;
	let shopB: Json;
	// A word no other test uses, so results are exactly this file's products.
	const tag = `zq${Date.now().toString(36)}`;
	const made: Record<string, Json> = {};

	const ids = (res: { json: { items: Json[] } }) => res.json.items.map((p: Json) => p.id);
	const find = (query: string, who: TestUser | string | null = buyer) => call(stack, `/products?${query}`, who);

	before(async () => {
		stack = await getStack();
		let ops: TestUser;
		[seller, other, buyer, ops] = await createProfiles(stack, 4);
		admin = await makeAdmin(stack, ops);
		shopA = await activeShop(stack, seller, admin, { city: "Arusha" });
		shopB = await activeShop(stack, other, admin, { city: "Mwanza" });
		const kitenge = await categoryId("kitenge-kanga");
		const shoes = await categoryId("shoes");
		made.kitenge = await addProduct(stack, seller, shopA.id, { title: `Kitenge ${tag} nyekundu`, description: "Pamba safi", price: 2000000, categoryId: kitenge });
		made.kitengeB = await addProduct(stack, other, shopB.id, { title: `Kitenge ${tag} cha bluu`, price: 1500000, categoryId: kitenge });
		made.sandals = await addProduct(stack, seller, shopA.id, { title: `Sandals ${tag}`, description: `Viatu vya ngozi, kitenge straps`, price: 3000000, categoryId: shoes });
		made.draft = await addProduct(stack, seller, shopA.id, { title: `Kitenge ${tag} draft`, status: "draft" });
		made.cheap = await addProduct(stack, other, shopB.id, { title: `Kanga ${tag} bei nafuu`, price: 500000, stock: 0 });
	});

	it("GET /categories: the seeded tree with English and Swahili names, public", async () => {
		const res = await call(stack, "/categories", null);
		expect(res.status).to.equal(200);
		const fashion = res.json.items.find((c: Json) => c.slug === "fashion");
		expect(fashion).to.include({ name: "Fashion", nameSw: "Mitindo" });
		expect(fashion.children.map((c: Json) => c.slug)).to.include.members(["kitenge-kanga", "shoes"]);
		expect(res.json.items.map((c: Json) => c.slug)).to.include.members(["electronics", "food-agriculture", "arts-crafts"]);
	});

	it("full text over title and description, title first; prefixes match; drafts never show", async () => {
		const res = await find(`q=${encodeURIComponent(`kitenge ${tag}`)}`);
		expect(res.status, res.text).to.equal(200);
		expect(res.json.matched).to.equal("fulltext");
		const found = ids(res);
		expect(found).to.have.members([made.kitenge.id, made.kitengeB.id, made.sandals.id]);
		// The sandals only mention kitenge in their description: they rank after the titles.
		expect(found[2]).to.equal(made.sandals.id);
		const prefix = await find(`q=${encodeURIComponent(`kiten ${tag.slice(0, -2)}`)}`);
		expect(ids(prefix)).to.include(made.kitenge.id);
		const item = res.json.items.find((p: Json) => p.id === made.kitenge.id);
		expect(item).to.include({ title: made.kitenge.title, price: 2000000, currency: shopA.currency, inStock: true });
		expect(item.shop).to.deep.equal({ id: shopA.id, name: shopA.name, slug: shopA.slug, city: "Arusha" });
	});

	it("a misspelt query that full text cannot match finds similar titles, and says so", async () => {
		const res = await find(`q=${encodeURIComponent(`kitenje ${tag}`)}`);
		expect(res.status, res.text).to.equal(200);
		expect(res.json.matched).to.equal("similar");
		expect(ids(res)).to.include.members([made.kitenge.id, made.kitengeB.id]);
		const nothing = await find(`q=${encodeURIComponent("qqqqxxxx zzzzwwww")}`);
		expect(nothing.json.items).to.deep.equal([]);
	});

	it("filters: a category includes its subcategories; price range; shop; city", async () => {
		const fashion = await categoryId("fashion");
		const kitenge = await categoryId("kitenge-kanga");
		const q = `q=${tag}`;
		expect(ids(await find(`${q}&categoryId=${fashion}`))).to.have.members([made.kitenge.id, made.kitengeB.id, made.sandals.id]);
		expect(ids(await find(`${q}&categoryId=${kitenge}`))).to.have.members([made.kitenge.id, made.kitengeB.id]);
		expect(ids(await find(`${q}&minPrice=1500000&maxPrice=2000000`))).to.have.members([made.kitenge.id, made.kitengeB.id]);
		expect(ids(await find(`${q}&shopId=${shopB.id}`))).to.have.members([made.kitengeB.id, made.cheap.id]);
		expect(ids(await find(`${q}&city=arusha`))).to.have.members([made.kitenge.id, made.sandals.id]);
		const cheap = (await find(`${q}&shopId=${shopB.id}&maxPrice=600000`)).json.items;
		expect(cheap).to.have.length(1);
		expect(cheap[0]).to.include({ id: made.cheap.id, inStock: false });
	});

	it("sorts by price both ways, newest and popular; pages by cursor without skipping or repeating", async () => {
		const q = `q=${tag}`;
		const asc = ids(await find(`${q}&sort=price_asc`));
		expect(asc).to.deep.equal([made.cheap.id, made.kitengeB.id, made.kitenge.id, made.sandals.id]);
		expect(ids(await find(`${q}&sort=price_desc`))).to.deep.equal([...asc].reverse());
		expect(ids(await find(`${q}&sort=newest`))).to.deep.equal([made.cheap.id, made.sandals.id, made.kitengeB.id, made.kitenge.id]);
		for (const sort of ["relevance", "newest", "price_asc", "price_desc", "popular"]) {
			const all = ids(await find(`${q}&sort=${sort}&limit=50`));
			const paged: string[] = [];
			let cursor: string | null = null;
			for (let i = 0; i < 10; i++) {
				const res = await find(`${q}&sort=${sort}&limit=1${cursor ? `&cursor=${cursor}` : ""}`);
				expect(res.status, res.text).to.equal(200);
				paged.push(...ids(res));
				cursor = res.json.nextCursor;
				if (!cursor) break;
			}
			expect(paged, sort).to.deep.equal(all);
			expect(new Set(paged).size, sort).to.equal(4);
		}
		// A similar-titles search keeps that mode on its next pages.
		const first = await find(`q=${encodeURIComponent(`kitenje ${tag}`)}&limit=1`);
		expect(first.json.matched).to.equal("similar");
		const second = await find(`q=${encodeURIComponent(`kitenje ${tag}`)}&limit=1&cursor=${first.json.nextCursor}`);
		expect(second.json.matched).to.equal("similar");
		expect(ids(second)).to.have.length(1);
		expect(ids(second)[0]).to.not.equal(ids(first)[0]);
	});

	it("relevance: a stronger match first, equal scores by id (newest id first), the same order page by page, in both modes", async () => {
		// A word of its own (random letters and digits, nothing like `tag`), so only these products match it even by similarity.
		const word = `rk${crypto.randomBytes(5).toString("hex")}`;
		const twice = await addProduct(stack, seller, shopA.id, { title: `Mkeka ${word} ${word}` });
		const tied: string[] = [];
		for (let i = 0; i < 3; i++) tied.push((await addProduct(stack, i === 1 ? other : seller, i === 1 ? shopB.id : shopA.id, { title: `Mkeka ${word}` })).id);
		const described = await addProduct(stack, seller, shopA.id, { title: "Kikapu cha ukili", description: `Kama ${word}` });
		const expected = [twice.id, ...[...tied].sort().reverse(), described.id];

		const pages = async (query: string) => {
			const seen: string[] = [];
			const matched = new Set<string>();
			let cursor: string | null = null;
			for (let i = 0; i < 10; i++) {
				const res = await find(`${query}&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
				expect(res.status, res.text).to.equal(200);
				seen.push(...ids(res));
				matched.add(res.json.matched);
				cursor = res.json.nextCursor;
				if (!cursor) break;
			}
			return { seen, matched: [...matched] };
		};
		expect(ids(await find(`q=${word}&limit=50`))).to.deep.equal(expected);
		expect(await pages(`q=${word}`)).to.deep.equal({ seen: expected, matched: ["fulltext"] });

		// One letter changed in the middle: full text finds nothing, similar titles find the four titles (not the description).
		const misspelt = `${word.slice(0, 6)}${word[6] === "z" ? "y" : "z"}${word.slice(7)}`;
		const similar = await find(`q=${misspelt}&limit=50`);
		expect(similar.json.matched).to.equal("similar");
		expect(ids(similar)).to.have.members([twice.id, ...tied]);
		expect(await pages(`q=${misspelt}`)).to.deep.equal({ seen: ids(similar), matched: ["similar"] });
	});

	it("products of a suspended shop leave the catalog and come back on reinstatement", async () => {
		const q = `q=${tag}&shopId=${shopB.id}`;
		expect((await call(stack, `/shops/${shopB.id}/suspend`, admin, { method: "POST", body: { reason: "Checking complaints" } })).status).to.equal(200);
		expect(ids(await find(q))).to.deep.equal([]);
		expect((await call(stack, `/products/${made.kitengeB.id}`, buyer)).status).to.equal(404);
		expect((await call(stack, `/products/${made.kitengeB.id}`, other)).status).to.equal(200);
		expect((await call(stack, `/shops/${shopB.id}/reinstate`, admin, { method: "POST" })).status).to.equal(200);
		expect(ids(await find(q))).to.have.members([made.kitengeB.id, made.cheap.id]);
	});

	it("an owner lists their shop's drafts; others may not (403), nobody without a token (401)", async () => {
		const drafts = await find(`shopId=${shopA.id}&status=draft`, seller);
		expect(drafts.status, drafts.text).to.equal(200);
		expect(ids(drafts)).to.deep.equal([made.draft.id]);
		expect(drafts.json.items[0].status).to.equal("draft");
		expect(ids(await find(`shopId=${shopA.id}&status=all&limit=100`, seller))).to.include.members([made.draft.id, made.kitenge.id]);
		expect((await find(`shopId=${shopA.id}&status=draft`, buyer)).status).to.equal(403);
		expect((await find(`shopId=${shopA.id}&status=draft`, null)).status).to.equal(401);
		expect((await find(`status=draft`, seller)).status).to.equal(400);
	});

	it("bad input is 400: a reversed price range, a foreign cursor, an unknown sort; an unknown category 422", async () => {
		expect((await find(`minPrice=500&maxPrice=100`)).status).to.equal(400);
		expect((await find(`cursor=garbage!`)).status).to.equal(400);
		const priceCursor = (await find(`q=${tag}&sort=price_asc&limit=1`)).json.nextCursor;
		expect((await find(`q=${tag}&sort=newest&cursor=${priceCursor}`)).status).to.equal(400);
		expect((await find(`sort=cheapest`)).status).to.equal(400);
		const unknown = await find(`categoryId=0190a0a0-0000-7000-8000-000000000000`);
		expect(unknown.status).to.equal(422);
		expect(unknown.json.type).to.equal("CATEGORY_NOT_FOUND");
	});

	it("the shop page lists the shop's active products", async () => {
		const res = await call(stack, `/shops/${shopA.id}`, null);
		expect(res.status).to.equal(200);
		expect(res.json.products.items.map((p: Json) => p.id)).to.include.members([made.kitenge.id, made.sandals.id]);
		expect(res.json.products.items.map((p: Json) => p.id)).to.not.include(made.draft.id);
	});
});
