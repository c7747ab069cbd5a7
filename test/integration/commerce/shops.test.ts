/**
 * Shops through the REST API: open (address made from the name or chosen,
 * unique even when opened in parallel), edit, read the shop page (rating,
 * owner's trust score), list and search; who may see a shop that is not
 * active yet; logo and banner files attached and released.
 */
import { expect } from "chai";
import { getStack, type Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { coreQuery } from "../../support/db";
import { activeShop, call, createProfiles, makeAdmin, openShop, shopBody, uploadImage } from "./catalog-support";

describe("commerce: shops", function () {
	this.timeout(180_000);
	let stack: Stack;
	let asha: TestUser;
	let juma: TestUser;
	let ops: TestUser;
	let admin: string;

	before(async () => {
		stack = await getStack();
		[asha, juma, ops] = await createProfiles(stack, 3);
		admin = await makeAdmin(stack, ops);
	});

	describe("POST /shops", () => {
		it("opens a shop waiting for verification, address made from the name, currency from the phone's country", async () => {
			const name = `Kanga Bora ${Date.now()}`;
			const res = await call(stack, "/shops", asha, { method: "POST", body: shopBody({ name, phone: "+254712345678", description: "  Khanga za pwani  ", deliveryFee: 300000 }) });
			expect(res.status, res.text).to.equal(201);
			expect(res.headers.get("location")).to.equal(`/api/v1/commerce/shops/${res.json.id}`);
			expect(res.json).to.include({ ownerId: asha.userId, name, status: "pending_verification", currency: "KES", phone: "+254712345678", description: "Khanga za pwani", deliveryFee: 300000 });
			expect(res.json.slug).to.equal(name.toLowerCase().replace(/ /g, "-"));
			expect(res.json.rating).to.deep.equal({ average: null, count: 0 });
			const [row] = await coreQuery("SELECT status, owner_id FROM commerce.shops WHERE id = $1", [res.json.id]);
			expect(row).to.deep.equal({ status: "pending_verification", owner_id: asha.userId });
		});

		it("the same name twice gets a numbered address; a chosen address that is taken is 409 SLUG_TAKEN", async () => {
			const name = `Soko Huru ${Date.now()}`;
			const [a, b] = await Promise.all([openShop(stack, asha, { name }), openShop(stack, juma, { name })]);
			const base = name.toLowerCase().replace(/ /g, "-");
			expect([a.slug, b.slug].sort()).to.deep.equal([base, `${base}-2`]);
			const taken = await call(stack, "/shops", juma, { method: "POST", body: shopBody({ slug: base }) });
			expect(taken.status).to.equal(409);
			expect(taken.json.type).to.equal("SLUG_TAKEN");
		});

		it("refuses invalid input with 400 and creates nothing", async () => {
			const before = await coreQuery("SELECT count(*)::int AS n FROM commerce.shops WHERE owner_id = $1", [juma.userId]);
			const cases: Array<[Record<string, unknown>, string]> = [
				[{ name: "" }, "name"],
				[{ name: "x".repeat(81) }, "name"],
				[{ phone: "12" }, "phone"],
				[{ slug: "Not A Slug!" }, "slug"],
				[{ currency: "USD" }, "currency"],
				[{ deliveryFee: -5 }, "deliveryFee"],
				[{ region: undefined }, "region"]
			];
			for (const [override, field] of cases) {
				const res = await call(stack, "/shops", juma, { method: "POST", body: shopBody(override) });
				expect(res.status, `${field}: ${res.text}`).to.equal(400);
				expect(JSON.stringify(res.json), field).to.include(field);
			}
			const after = await coreQuery("SELECT count(*)::int AS n FROM commerce.shops WHERE owner_id = $1", [juma.userId]);
			expect(after).to.deep.equal(before);
		});

		it("needs a token (401)", async () => {
			const res = await call(stack, "/shops", null, { method: "POST", body: shopBody() });
			expect(res.status).to.equal(401);
		});

		it("a logo that is not the caller's file is 422 FILE_NOT_USABLE and no shop is made", async () => {
			const theirs = await uploadImage(stack, asha, "shop");
			const name = `Stolen Logo ${Date.now()}`;
			const res = await call(stack, "/shops", juma, { method: "POST", body: shopBody({ name, logoFileId: theirs }) });
			expect(res.status, res.text).to.equal(422);
			expect(res.json.type).to.equal("FILE_NOT_USABLE");
			expect(await coreQuery("SELECT 1 FROM commerce.shops WHERE name = $1", [name])).to.have.length(0);
		});

		it("at most COMMERCE_SHOPS_PER_OWNER_MAX shops per owner, even when opened in parallel", async () => {
			const [owner] = await createProfiles(stack, 1);
			const results = await Promise.all(Array.from({ length: 8 }, () => call(stack, "/shops", owner, { method: "POST", body: shopBody() })));
			const created = results.filter(r => r.status === 201);
			expect(created).to.have.length(5);
			for (const r of results.filter(x => x.status !== 201)) {
				expect(r.status).to.equal(422);
				expect(r.json.type).to.equal("TOO_MANY_SHOPS");
			}
		});
	});

	describe("GET /shops/:id", () => {
		it("a shop waiting for verification: the owner and administrators see it, others get 404", async () => {
			const shop = await openShop(stack, asha);
			expect((await call(stack, `/shops/${shop.id}`, asha)).status).to.equal(200);
			expect((await call(stack, `/shops/${shop.id}`, admin)).status).to.equal(200);
			const other = await call(stack, `/shops/${shop.id}`, juma);
			expect(other.status).to.equal(404);
			expect(other.json.type).to.equal("SHOP_NOT_FOUND");
			expect((await call(stack, `/shops/${shop.id}`, null)).status).to.equal(404);
		});

		it("an active shop is public: the page carries the rating and the owner's trust score, not the internal reasons", async () => {
			const shop = await activeShop(stack, asha, admin);
			const res = await call(stack, `/shops/${shop.id}`, null);
			expect(res.status, res.text).to.equal(200);
			expect(res.json).to.include({ id: shop.id, status: "active" });
			expect(res.json.verifiedAt).to.be.a("string");
			expect(res.json).to.not.have.property("rejectionReason");
			expect(res.json.owner.id).to.equal(asha.userId);
			expect(res.json.owner.trust).to.be.an("object");
			expect(res.json.owner.trust.score).to.be.a("number");
			expect(res.json.owner.trust.level).to.be.a("string");
			const trust = await stack.broker.call<{ score: number }, object>("users.trust", { id: asha.userId }, { meta: { user: { userId: juma.userId, sessionId: "", roles: [] } } });
			expect(res.json.owner.trust.score).to.equal(trust.score);
		});

		it("an unknown id is 404, a malformed one 400", async () => {
			expect((await call(stack, "/shops/0190a0a0-0000-7000-8000-000000000000", asha)).status).to.equal(404);
			expect((await call(stack, "/shops/nope", asha)).status).to.equal(400);
		});
	});

	describe("PATCH /shops/:id", () => {
		it("the owner edits fields and swaps the logo: the new file is attached, the old one released", async () => {
			const first = await uploadImage(stack, asha, "shop");
			const shop = await openShop(stack, asha, { logoFileId: first });
			expect(shop.logo.id).to.equal(first);
			expect(shop.logo.url).to.be.a("string");
			const [claimed] = await coreQuery("SELECT ref FROM files.files WHERE id = $1", [first]);
			expect(claimed.ref).to.equal(`commerce:shop:${shop.id}`);
			const second = await uploadImage(stack, asha, "shop");
			const res = await call(stack, `/shops/${shop.id}`, asha, { method: "PATCH", body: { logoFileId: second, city: "Arusha", deliveryFee: 500000 } });
			expect(res.status, res.text).to.equal(200);
			expect(res.json).to.include({ city: "Arusha", deliveryFee: 500000 });
			expect(res.json.logo.id).to.equal(second);
			const rows = await coreQuery<{ id: string; ref: string | null }>("SELECT id, ref FROM files.files WHERE id = ANY($1::uuid[])", [[first, second]]);
			expect(Object.fromEntries(rows.map(r => [r.id, r.ref]))).to.deep.equal({ [first]: null, [second]: `commerce:shop:${shop.id}` });
		});

		it("someone else's active shop is 403, a hidden one 404, no token 401, bad input 400 with nothing changed", async () => {
			[asha] = await createProfiles(stack, 1);
			const shop = await activeShop(stack, asha, admin);
			const hidden = await openShop(stack, asha);
			const forbidden = await call(stack, `/shops/${shop.id}`, juma, { method: "PATCH", body: { name: "Mine now" } });
			expect(forbidden.status).to.equal(403);
			expect(forbidden.json.type).to.equal("NOT_SHOP_OWNER");
			expect((await call(stack, `/shops/${hidden.id}`, juma, { method: "PATCH", body: { name: "Mine now" } })).status).to.equal(404);
			expect((await call(stack, `/shops/${shop.id}`, null, { method: "PATCH", body: { name: "Mine now" } })).status).to.equal(401);
			const bad = await call(stack, `/shops/${shop.id}`, asha, { method: "PATCH", body: { phone: "not a phone" } });
			expect(bad.status).to.equal(400);
			const cur = await call(stack, `/shops/${shop.id}`, asha, { method: "PATCH", body: { currency: "UGX" } });
			expect(cur.status).to.equal(400);
			const [row] = await coreQuery("SELECT name, phone, currency FROM commerce.shops WHERE id = $1", [shop.id]);
			expect(row).to.deep.equal({ name: shop.name, phone: shop.phone, currency: shop.currency });
		});

		it("changing to an address that is taken is 409 SLUG_TAKEN", async () => {
			[asha] = await createProfiles(stack, 1);
			const a = await openShop(stack, asha);
			const b = await openShop(stack, asha);
			const res = await call(stack, `/shops/${b.id}`, asha, { method: "PATCH", body: { slug: a.slug } });
			expect(res.status).to.equal(409);
			expect(res.json.type).to.equal("SLUG_TAKEN");
		});
	});

	describe("GET /shops", () => {
		it("lists active shops only, finds by name (also misspelt) and city, pages with a cursor", async () => {
			[juma] = await createProfiles(stack, 1);
			const tag = `Zz${Date.now().toString(36)}`;
			const a = await activeShop(stack, juma, admin, { name: `Mitumba ${tag} One`, city: "Mwanza" });
			const b = await activeShop(stack, juma, admin, { name: `Mitumba ${tag} Two`, city: "Mwanza" });
			const waiting = await openShop(stack, juma, { name: `Mitumba ${tag} Three`, city: "Mwanza" });
			const res = await call(stack, `/shops?q=${encodeURIComponent(`mitumba ${tag}`)}`, null);
			expect(res.status, res.text).to.equal(200);
			expect(res.json.items.map((s: { id: string }) => s.id)).to.deep.equal([b.id, a.id]);
			const p1 = await call(stack, `/shops?q=${encodeURIComponent(`mitumba ${tag}`)}&limit=1`, null);
			expect(p1.json.items.map((s: { id: string }) => s.id)).to.deep.equal([b.id]);
			const p2 = await call(stack, `/shops?q=${encodeURIComponent(`mitumba ${tag}`)}&limit=1&cursor=${p1.json.nextCursor}`, null);
			expect(p2.json.items.map((s: { id: string }) => s.id)).to.deep.equal([a.id]);
			expect(p2.json.nextCursor).to.equal(null);
			const typo = await call(stack, `/shops?q=${encodeURIComponent(`mitunba ${tag} one`)}`, null);
			expect(typo.json.items.map((s: { id: string }) => s.id)).to.include(a.id);
			const mine = await call(stack, `/shops?mine=true&limit=100`, juma);
			expect(mine.json.items.map((s: { id: string }) => s.id)).to.include.members([a.id, b.id, waiting.id]);
			expect((await call(stack, `/shops?mine=true`, null)).status).to.equal(401);
			expect((await call(stack, `/shops?cursor=garbage!`, null)).status).to.equal(400);
		});
	});
});
