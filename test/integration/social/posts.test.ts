/**
 * Posts through REST (API.md "social"): create with text, media, embeds,
 * polls and quotes; read; edit with history; delete. Every route: happy path,
 * invalid input (400), no token (401), someone else's post (403/404).
 */
import { expect } from "chai";
import sharp from "sharp";
import { newId } from "../../../lib/ids";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { coreQuery } from "../../support/db";
import { http } from "../api/http";
import { activeShop, addProduct, makeAdmin } from "../commerce/catalog-support";
import { publishedEvent } from "../events/events-support";
import { upload } from "../files/support";
import { call, createProfiles, post, follow } from "./support";

describe("social: posts", function () {
	this.timeout(120_000);
	let stack: Stack;
	let asha: TestUser;
	let juma: TestUser;
	let neema: TestUser;

	before(async () => {
		stack = await getStack();
		[asha, juma, neema] = await createProfiles(stack, 3);
		await follow(stack, juma, asha);
	});

	it("publishes exactly its routes in the OpenAPI document", async () => {
		const doc = (await http(stack.apiUrl, "/api/openapi.json")).json as { paths: Record<string, Record<string, unknown>> };
		const ours = Object.entries(doc.paths)
			.filter(([path]) => path.startsWith("/api/v1/social"))
			.flatMap(([path, ops]) => Object.keys(ops).map(m => `${m.toUpperCase()} ${path.replace("/api/v1/social", "")}`))
			.sort();
		expect(ours).to.deep.equal([
			"DELETE /comments/{id}",
			"DELETE /posts/{id}",
			"DELETE /posts/{id}/like",
			"DELETE /posts/{id}/repost",
			"GET /feed",
			"GET /feed/explore",
			"GET /hashtags/trending",
			"GET /hashtags/{tag}/posts",
			"GET /mentions",
			"GET /posts/{id}",
			"GET /posts/{id}/comments",
			"GET /posts/{id}/history",
			"GET /users/{id}/posts",
			"PATCH /posts/{id}",
			"POST /posts",
			"POST /posts/{id}/comments",
			"POST /posts/{id}/like",
			"POST /posts/{id}/poll/votes",
			"POST /posts/{id}/repost"
		]);
	});

	describe("POST /social/posts", () => {
		it("creates a post with its tags (normalised) and mentions (resolved), as API.md shapes it", async () => {
			const me = (await http(stack.apiUrl, "/api/v1/users/me", { token: juma.accessToken })).json;
			const p = await post(stack, asha, { text: `Habari za leo #Sokoni #SOKONI #ÉtéBora @${me.username} and @nobody_here_xyz` });
			expect(p).to.include.keys("id", "author", "text", "media", "mentions", "hashtags", "counts", "viewer", "createdAt", "visibility");
			expect(p.author.id).to.equal(asha.userId);
			expect(p.hashtags).to.deep.equal(["sokoni", "étébora"]);
			expect(p.mentions).to.deep.equal([{ id: juma.userId, username: me.username }]);
			expect(p.counts).to.deep.equal({ likes: 0, comments: 0, reposts: 0, quotes: 0 });
			expect(p.viewer).to.deep.equal({ liked: false, reposted: false });
			expect(p).to.not.have.property("embed");
			expect(p).to.not.have.property("poll");
			const got = await call(stack, `/posts/${p.id}`, juma);
			expect(got.status).to.equal(200);
			expect(got.json.text).to.equal(p.text);
		});

		it("refuses bad input with 400 and stores nothing", async () => {
			const before = await coreQuery("SELECT count(*)::int AS n FROM social.posts WHERE author_id = $1", [asha.userId]);
			const bad = [
				{ visibility: "public" },
				{ visibility: "public", text: "   " },
				{ visibility: "everyone", text: "hi" },
				{ text: "no visibility" },
				{ visibility: "public", text: "x".repeat(2001) },
				{ visibility: "public", text: "hi", mediaFileIds: ["not-a-uuid"] },
				{ visibility: "public", text: "hi", embed: { type: "car", id: newId() } },
				{ visibility: "public", text: "hi", poll: { options: ["only one"], expiresAt: new Date(Date.now() + 3_600_000).toISOString() } },
				{ visibility: "public", text: "hi", poll: { options: ["a", "b"], expiresAt: new Date(Date.now() + 60_000).toISOString() } },
				{ visibility: "public", text: "hi", poll: { options: ["a", "A"], expiresAt: new Date(Date.now() + 3_600_000).toISOString() } }
			];
			for (const body of bad) {
				const res = await call(stack, "/posts", asha, { method: "POST", body });
				expect(res.status, JSON.stringify(body)).to.equal(400);
				expect(res.json.type).to.equal("VALIDATION_ERROR");
			}
			// The limit counts characters, not UTF-16 units: 2000 emoji are fine.
			expect((await call(stack, "/posts", asha, { method: "POST", body: { visibility: "public", text: "🌍".repeat(2000) } })).status).to.equal(201);
			const after = await coreQuery("SELECT count(*)::int AS n FROM social.posts WHERE author_id = $1", [asha.userId]);
			expect(after[0].n).to.equal(Number(before[0].n) + 1);
		});

		it("needs a token (401)", async () => {
			const res = await call(stack, "/posts", null, { method: "POST", body: { visibility: "public", text: "hi" } });
			expect(res.status).to.equal(401);
		});

		it("attaches media through files (URLs and BlurHash), refusing someone else's file with 422", async () => {
			const png = await sharp({ create: { width: 320, height: 200, channels: 3, background: { r: 200, g: 120, b: 40 } } }).png().toBuffer();
			const mine = await upload(stack, asha, png, { purpose: "post", filename: "soko.png", type: "image/png" });
			expect(mine.status, mine.text).to.equal(201);
			const p = await post(stack, asha, { text: "Picha ya soko", mediaFileIds: [mine.json.id] });
			expect(p.media).to.have.length(1);
			expect(p.media[0].id).to.equal(mine.json.id);
			expect(p.media[0].url).to.be.a("string");
			expect(p.media[0].blurhash).to.be.a("string");
			const theirs = await upload(stack, juma, png, { purpose: "post", filename: "x.png", type: "image/png" });
			const res = await call(stack, "/posts", asha, { method: "POST", body: { visibility: "public", text: "not mine", mediaFileIds: [theirs.json.id] } });
			expect(res.status).to.equal(422);
			expect(res.json.type).to.equal("FILE_NOT_USABLE");
		});

		it("embeds a live product, shop and event with their cards; 422 EMBED_NOT_FOUND for what does not exist or is not public, creating nothing", async () => {
			const admin = await makeAdmin(stack, await createUser(stack));
			const shop = await activeShop(stack, asha, admin);
			const product = await addProduct(stack, asha, shop.id, { title: "Kanga ya pamba", price: 250_000, stock: 3 });
			const draft = await addProduct(stack, asha, shop.id, { title: "Bado", status: "draft" });
			const { event } = await publishedEvent(stack, asha, { name: "Kawaida", price: 1_000_000, capacity: 40 });

			const withProduct = await post(stack, asha, { text: "Nunua hapa", embed: { type: "product", id: product.id } });
			expect(withProduct.embed).to.deep.include({ type: "product", id: product.id });
			expect(withProduct.embed!.card).to.include({ title: "Kanga ya pamba", price: 250_000, inStock: true });
			const withShop = await post(stack, asha, { text: "Duka langu", embed: { type: "shop", id: shop.id } });
			expect(withShop.embed!.card).to.include({ title: shop.name });
			const withEvent = await post(stack, asha, { text: "Karibu", embed: { type: "event", id: event.id } });
			expect(withEvent.embed!.card).to.include({ title: event.title, ticketsLeft: 40 });

			const before = await coreQuery("SELECT count(*)::int AS n FROM social.posts WHERE author_id = $1", [asha.userId]);
			for (const embed of [
				{ type: "product", id: newId() },
				{ type: "product", id: draft.id },
				{ type: "shop", id: newId() },
				{ type: "event", id: newId() }
			]) {
				const res = await call(stack, "/posts", asha, { method: "POST", body: { visibility: "public", text: "Nunua hapa", embed } });
				expect(res.status, JSON.stringify(embed)).to.equal(422);
				expect(res.json.type).to.equal("EMBED_NOT_FOUND");
			}
			const after = await coreQuery("SELECT count(*)::int AS n FROM social.posts WHERE author_id = $1", [asha.userId]);
			expect(after[0].n).to.equal(before[0].n);
		});

		it("quotes a public post (counted, shown inside) but never a followers-only one", async () => {
			const original = await post(stack, asha, { text: "Original" });
			const quote = await post(stack, juma, { text: "Look at this", quoteOf: original.id });
			expect(quote.quoteOf).to.equal(original.id);
			expect(quote.quote.id).to.equal(original.id);
			expect(quote.quote.text).to.equal("Original");
			expect((await call(stack, `/posts/${original.id}`, asha)).json.counts.quotes).to.equal(1);
			const closed = await post(stack, asha, { text: "Followers only", visibility: "followers" });
			const res = await call(stack, "/posts", juma, { method: "POST", body: { visibility: "public", text: "leak", quoteOf: closed.id } });
			expect(res.status).to.equal(422);
			expect(res.json.type).to.equal("NOT_SHAREABLE");
			// Someone who cannot see it at all gets 404, as if it did not exist.
			const hidden = await call(stack, "/posts", neema, { method: "POST", body: { visibility: "public", text: "leak", quoteOf: closed.id } });
			expect(hidden.status).to.equal(404);
		});
	});

	describe("GET /social/posts/:id", () => {
		it("shows each visibility only to whom it is for (hidden posts are 404)", async () => {
			const pub = await post(stack, asha, { text: "for all" });
			const fol = await post(stack, asha, { text: "for followers", visibility: "followers" });
			const priv = await post(stack, asha, { text: "for me", visibility: "private" });
			expect((await call(stack, `/posts/${pub.id}`, neema)).status).to.equal(200);
			expect((await call(stack, `/posts/${pub.id}`, null)).status).to.equal(200);
			expect((await call(stack, `/posts/${fol.id}`, juma)).status).to.equal(200);
			expect((await call(stack, `/posts/${fol.id}`, neema)).status).to.equal(404);
			expect((await call(stack, `/posts/${fol.id}`, null)).status).to.equal(404);
			expect((await call(stack, `/posts/${priv.id}`, juma)).status).to.equal(404);
			expect((await call(stack, `/posts/${priv.id}`, asha)).status).to.equal(200);
			expect((await call(stack, `/posts/${newId()}`, asha)).status).to.equal(404);
			expect((await call(stack, "/posts/not-an-id", asha)).status).to.equal(400);
		});
	});

	describe("PATCH /social/posts/:id", () => {
		it("edits text, tags and visibility and keeps the history", async () => {
			const p = await post(stack, asha, { text: "Bei nzuri #mwanzo" });
			const res = await call(stack, `/posts/${p.id}`, asha, { method: "PATCH", body: { text: "Bei nzuri zaidi #mpya" } });
			expect(res.status).to.equal(200);
			expect(res.json.text).to.equal("Bei nzuri zaidi #mpya");
			expect(res.json.hashtags).to.deep.equal(["mpya"]);
			expect(res.json.editedAt).to.be.a("string");
			const again = await call(stack, `/posts/${p.id}`, asha, { method: "PATCH", body: { visibility: "followers" } });
			expect(again.json.visibility).to.equal("followers");
			const history = await call(stack, `/posts/${p.id}/history`, juma);
			expect(history.status).to.equal(200);
			expect(history.json.items.map((v: { text: string }) => v.text)).to.deep.equal(["Bei nzuri zaidi #mpya", "Bei nzuri #mwanzo"]);
			expect(history.json.items[1].visibility).to.equal("public");
			// The old tag's page no longer lists it.
			const old = await call(stack, "/hashtags/mwanzo/posts", asha);
			expect(old.json.items.map((x: { id: string }) => x.id)).to.not.include(p.id);
			expect((await call(stack, `/posts/${p.id}/history`, neema)).status).to.equal(404);
		});

		it("refuses bad input (400), no token (401), someone else's post (403), a hidden one (404)", async () => {
			const p = await post(stack, asha, { text: "mine" });
			expect((await call(stack, `/posts/${p.id}`, asha, { method: "PATCH", body: { text: "x".repeat(2001) } })).status).to.equal(400);
			expect((await call(stack, `/posts/${p.id}`, asha, { method: "PATCH", body: { visibility: "world" } })).status).to.equal(400);
			expect((await call(stack, `/posts/${p.id}`, asha, { method: "PATCH", body: { text: "" } })).status).to.equal(400);
			expect((await call(stack, `/posts/${p.id}`, null, { method: "PATCH", body: { text: "x" } })).status).to.equal(401);
			const other = await call(stack, `/posts/${p.id}`, juma, { method: "PATCH", body: { text: "hijack" } });
			expect(other.status).to.equal(403);
			expect(other.json.type).to.equal("NOT_POST_AUTHOR");
			const priv = await post(stack, asha, { text: "secret", visibility: "private" });
			expect((await call(stack, `/posts/${priv.id}`, juma, { method: "PATCH", body: { text: "x" } })).status).to.equal(404);
			expect((await call(stack, `/posts/${p.id}`, asha)).json.text).to.equal("mine");
		});
	});

	describe("DELETE /social/posts/:id", () => {
		it("deletes my post (204); then it is gone; someone else's is 403; no token 401", async () => {
			const p = await post(stack, asha, { text: "short-lived #muda" });
			expect((await call(stack, `/posts/${p.id}`, null, { method: "DELETE" })).status).to.equal(401);
			expect((await call(stack, `/posts/${p.id}`, juma, { method: "DELETE" })).status).to.equal(403);
			expect((await call(stack, "/posts/nope", asha, { method: "DELETE" })).status).to.equal(400);
			expect((await call(stack, `/posts/${p.id}`, asha, { method: "DELETE" })).status).to.equal(204);
			expect((await call(stack, `/posts/${p.id}`, asha)).status).to.equal(404);
			expect((await call(stack, `/posts/${p.id}`, asha, { method: "DELETE" })).status).to.equal(404);
			expect((await call(stack, "/hashtags/muda/posts", asha)).json.items).to.deep.equal([]);
		});
	});
});
