/**
 * Messages through REST: sending (text, embed, replies), the seq that
 * numbers them (gap-free under 50 parallel sends), idempotent client ids
 * (also under parallel retries), history pages by seq, edits, deletes
 * (tombstones), read markers and unread counts, and a member offline for
 * 1,000 messages catching up in order, once.
 */
import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { http } from "../api/http";
import { activeShop, addProduct, makeAdmin } from "../commerce/catalog-support";
import { publishedEvent } from "../events/events-support";
import { call, conversationOf, createProfiles, historyOf, messagesReady, send } from "./support";

type Msg = { id: string; seq: number; clientId: string; text: string | null; deleted: boolean; senderId: string };

describe("messages: sending and reading", function () {
	this.timeout(180_000);
	let stack: Stack;
	let asha: TestUser;
	let juma: TestUser;
	let neema: TestUser;
	let pair: string;

	before(async () => {
		stack = await getStack();
		await messagesReady(stack);
		[asha, juma, neema] = await createProfiles(stack, 3);
		pair = await conversationOf(stack, asha, [juma.userId]);
	});

	/** A live product of juma's verified shop, made once (embeds must exist). */
	let product: Promise<{ id: string }> | null = null;
	const jumasProduct = () =>
		(product ??= (async () => {
			const admin = await makeAdmin(stack, await createUser(stack));
			const shop = await activeShop(stack, juma, admin);
			return addProduct(stack, juma, shop.id, { title: "Simu ya mkononi", price: 4_500_000, stock: 2 });
		})());

	describe("POST /messages/conversations/:id/messages", () => {
		it("sends text (201) as a Message with seq 1, then 2", async () => {
			const clientId = newId();
			const res = await send(stack, asha, pair, { clientId, text: "Habari za asubuhi?" });
			expect(res.status).to.equal(201);
			expect(res.headers.get("location")).to.equal(`/api/v1/messages/messages/${res.json.id}`);
			expect(res.json).to.include({ seq: 1, clientId, senderId: asha.userId, text: "Habari za asubuhi?", deleted: false, editedAt: null, conversationId: pair });
			expect(res.json.files).to.deep.equal([]);
			expect(res.json.createdAt).to.be.a("string");
			const second = await send(stack, juma, pair, { text: "Nzuri sana", replyToSeq: 1 });
			expect(second.json).to.include({ seq: 2, replyToSeq: 1 });
		});

		it("the same clientId answers the same message (200), without a second row", async () => {
			const clientId = newId();
			const first = await send(stack, asha, pair, { clientId, text: "once" });
			const again = await send(stack, asha, pair, { clientId, text: "once" });
			expect([first.status, again.status]).to.deep.equal([201, 200]);
			expect(again.json).to.deep.equal(first.json);
			// Another sender may use the same client id: ids are per sender.
			const other = await send(stack, juma, pair, { clientId, text: "mine" });
			expect(other.status).to.equal(201);
			expect(other.json.id).to.not.equal(first.json.id);
		});

		it("parallel retries of one clientId store one message", async () => {
			const clientId = newId();
			const results = await Promise.all(Array.from({ length: 12 }, () => send(stack, juma, pair, { clientId, text: "retry me" })));
			expect(results.map(r => r.status).filter(s => s === 201)).to.have.length(1);
			expect(results.every(r => r.status === 200 || r.status === 201)).to.equal(true);
			expect(new Set(results.map(r => r.json.id)).size).to.equal(1);
			const rows = await coreQuery("SELECT count(*)::int AS n FROM messages.messages WHERE client_id = $1", [clientId]);
			expect(rows[0].n).to.equal(1);
			// The retries that lost gave their seq back: the next message follows without a gap.
			expect((await send(stack, juma, pair)).json.seq).to.equal(results[0].json.seq + 1);
		});

		it("50 parallel sends get seqs 1..50: no gaps, no duplicates", async () => {
			const group = await conversationOf(stack, asha, [juma.userId, neema.userId], "Race");
			const senders = [asha, juma, neema];
			const results = await Promise.all(Array.from({ length: 50 }, (_, i) => send(stack, senders[i % 3], group, { text: `n${i}` })));
			expect(results.every(r => r.status === 201)).to.equal(true);
			expect(results.map(r => r.json.seq as number).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1));
			const [c] = await coreQuery("SELECT last_seq::int AS n FROM messages.conversations WHERE id = $1", [group]);
			expect(c.n).to.equal(50);
			const page = await historyOf(stack, neema, group, "?after=0&limit=200");
			expect(page.json.items.map((m: Msg) => m.seq)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1));
		});

		it("embeds a product, an event and the sender's own order with live cards; 422 for what does not exist or is someone else's order", async () => {
			const product = await jumasProduct();
			const { event } = await publishedEvent(stack, juma, { name: "Kawaida", price: 500_000, capacity: 10 });
			const res = await send(stack, asha, pair, { text: null, embed: { type: "product", id: product.id } });
			expect(res.status, res.text).to.equal(201);
			expect(res.json).to.include({ text: null });
			expect(res.json.embed).to.deep.include({ type: "product", id: product.id });
			expect(res.json.embed.card).to.include({ title: "Simu ya mkononi", price: 4_500_000, inStock: true });
			const withEvent = await send(stack, asha, pair, { text: "Twende?", embed: { type: "event", id: event.id } });
			expect(withEvent.json.embed.card).to.include({ title: event.title });

			// asha buys from juma's shop: the order is hers to share with him.
			const cart = await http(stack.apiUrl, "/api/v1/commerce/cart/items", { method: "POST", token: asha.accessToken, body: { productId: product.id, quantity: 1 } });
			expect(cart.status, cart.text).to.equal(201);
			const checkout = await http(stack.apiUrl, "/api/v1/commerce/checkout", {
				method: "POST",
				token: asha.accessToken,
				headers: { "idempotency-key": newId() },
				body: { shippingAddress: { recipientName: "Asha", phone: "+255712000999", region: "Dodoma", city: "Dodoma", area: "Area C" }, payment: { provider: "selcom", phone: "+255784000999" } }
			});
			expect(checkout.status, checkout.text).to.equal(201);
			const order = checkout.json.orders[0];
			const withOrder = await send(stack, asha, pair, { text: "Hii bei gani?", embed: { type: "order", id: order.id } });
			expect(withOrder.status, withOrder.text).to.equal(201);
			expect(withOrder.json.embed.card).to.include({ id: order.id, number: order.number });
			// juma reads it: the card is there because asha, who shared it, is the order's buyer.
			const page = await historyOf(stack, juma, pair, `?after=${withOrder.json.seq - 1}&limit=1`);
			expect(page.json.items[0].embed.card).to.include({ number: order.number });

			for (const embed of [
				{ type: "product", id: newId() },
				{ type: "event", id: newId() },
				{ type: "order", id: order.id } // neema is no party to it
			]) {
				const group = await conversationOf(stack, neema, [asha.userId]);
				const refused = await send(stack, neema, group, { text: "look", embed });
				expect(refused.status, JSON.stringify(embed)).to.equal(422);
				expect(refused.json.type).to.equal("EMBED_NOT_FOUND");
			}
		});

		it("400 for no content, bad client ids, bad embeds or files; 422 for a reply to nothing", async () => {
			const empty = await send(stack, asha, pair, { text: "   " });
			expect([empty.status, empty.json.type]).to.deep.equal([400, "VALIDATION_ERROR"]);
			expect((await send(stack, asha, pair, { clientId: "" })).status).to.equal(400);
			expect((await send(stack, asha, pair, { clientId: "has space" })).status).to.equal(400);
			expect((await send(stack, asha, pair, { clientId: "x".repeat(65) })).status).to.equal(400);
			expect((await send(stack, asha, pair, { embed: { type: "poster", id: newId() } })).status).to.equal(400);
			expect((await send(stack, asha, pair, { fileIds: ["nope"] })).status).to.equal(400);
			expect((await send(stack, asha, pair, { text: "x".repeat(4001) })).status).to.equal(400);
			const reply = await send(stack, asha, pair, { replyToSeq: 9999 });
			expect([reply.status, reply.json.type]).to.deep.equal([422, "REPLY_NOT_FOUND"]);
			expect((await send(stack, asha, "nope")).status).to.equal(400);
		});

		it("limits sending to 120 messages a minute per user (429 with Retry-After past it)", async () => {
			const [p, q] = await createProfiles(stack, 2);
			const convo = await conversationOf(stack, p, [q.userId]);
			// Fixed windows are clock-aligned: start well inside one so the burst cannot straddle a reset.
			const left = 60_000 - (Date.now() % 60_000);
			if (left < 15_000) await new Promise(r => setTimeout(r, left + 50));
			const results = await Promise.all(Array.from({ length: 125 }, (_, i) => send(stack, p, convo, { text: `flood ${i}` })));
			expect(results.filter(r => r.status === 201)).to.have.length(120);
			const refused = results.filter(r => r.status === 429);
			expect(refused).to.have.length(5);
			expect(refused[0].json.type).to.equal("RATE_LIMITED");
			expect(Number(refused[0].headers.get("retry-after"))).to.be.greaterThan(0);
			// The other member is not limited by p's sending.
			expect((await send(stack, q, convo)).status).to.equal(201);
			const [c] = await coreQuery("SELECT last_seq::int AS n FROM messages.conversations WHERE id = $1", [convo]);
			expect(c.n).to.equal(121);
		});

		it("401 without a token, 404 in a conversation I am not in (nothing stored)", async () => {
			const before = await coreQuery("SELECT last_seq::int AS n FROM messages.conversations WHERE id = $1", [pair]);
			expect((await call(stack, `/conversations/${pair}/messages`, null, { method: "POST", body: { clientId: newId(), text: "x" } })).status).to.equal(401);
			const res = await send(stack, neema, pair);
			expect([res.status, res.json.type]).to.deep.equal([404, "CONVERSATION_NOT_FOUND"]);
			expect((await send(stack, neema, newId())).status).to.equal(404);
			const after = await coreQuery("SELECT last_seq::int AS n FROM messages.conversations WHERE id = $1", [pair]);
			expect(after[0].n).to.equal(before[0].n);
		});
	});

	describe("GET /messages/conversations/:id/messages", () => {
		let convo: string;
		let p: TestUser;
		let q: TestUser;
		before(async () => {
			[p, q] = await createProfiles(stack, 2);
			convo = await conversationOf(stack, p, [q.userId]);
			for (let i = 1; i <= 12; i++) await send(stack, i % 2 ? p : q, convo, { text: `m${i}` });
		});

		const seqs = (r: { json: { items: Msg[] } }) => r.json.items.map(m => m.seq);

		it("without bounds: the latest page, ascending", async () => {
			const res = await historyOf(stack, p, convo, "?limit=5");
			expect(res.status).to.equal(200);
			expect(seqs(res)).to.deep.equal([8, 9, 10, 11, 12]);
			expect(res.json.lastSeq).to.equal(12);
		});

		it("after=N catches up forward; the cursor continues", async () => {
			const first = await historyOf(stack, p, convo, "?after=3&limit=4");
			expect(seqs(first)).to.deep.equal([4, 5, 6, 7]);
			const next = await historyOf(stack, p, convo, `?cursor=${first.json.nextCursor}&limit=4`);
			expect(seqs(next)).to.deep.equal([8, 9, 10, 11]);
			const last = await historyOf(stack, p, convo, `?cursor=${next.json.nextCursor}&limit=4`);
			expect(seqs(last)).to.deep.equal([12]);
			expect(last.json.nextCursor).to.equal(null);
		});

		it("before=N gives the page just before N, ascending; the cursor goes further back", async () => {
			const page = await historyOf(stack, p, convo, "?before=10&limit=3");
			expect(seqs(page)).to.deep.equal([7, 8, 9]);
			const back = await historyOf(stack, p, convo, `?cursor=${page.json.nextCursor}&limit=4`);
			expect(seqs(back)).to.deep.equal([3, 4, 5, 6]);
			const between = await historyOf(stack, p, convo, "?after=2&before=6");
			expect(seqs(between)).to.deep.equal([3, 4, 5]);
		});

		it("400 for bad bounds or cursors, 401 without a token, 404 for a non-member", async () => {
			expect((await historyOf(stack, p, convo, "?after=-1")).status).to.equal(400);
			expect((await historyOf(stack, p, convo, "?before=x")).status).to.equal(400);
			expect((await historyOf(stack, p, convo, "?limit=201")).status).to.equal(400);
			expect((await historyOf(stack, p, convo, "?cursor=%%%")).status).to.equal(400);
			expect((await call(stack, `/conversations/${convo}/messages`, null)).status).to.equal(401);
			expect((await historyOf(stack, neema, convo)).status).to.equal(404);
		});

		it("GET /messages/messages/:id: a member reads one message; others get 404", async () => {
			const [m] = (await historyOf(stack, p, convo, "?after=0&limit=1")).json.items as Msg[];
			expect((await call(stack, `/messages/${m.id}`, q)).json).to.include({ id: m.id, seq: 1 });
			expect((await call(stack, `/messages/${m.id}`, neema)).status).to.equal(404);
			expect((await call(stack, `/messages/${m.id}`, null)).status).to.equal(401);
		});
	});

	describe("PATCH and DELETE /messages/messages/:id", () => {
		it("the sender edits the text (editedAt set); others cannot (403); non-members get 404", async () => {
			const m = (await send(stack, asha, pair, { text: "Bei ni 5000" })).json as Msg;
			const edited = await call(stack, `/messages/${m.id}`, asha, { method: "PATCH", body: { text: "Bei ni 4500" } });
			expect(edited.status).to.equal(200);
			expect(edited.json).to.include({ id: m.id, seq: m.seq, text: "Bei ni 4500" });
			expect(edited.json.editedAt).to.be.a("string");
			const theirs = await call(stack, `/messages/${m.id}`, juma, { method: "PATCH", body: { text: "no" } });
			expect([theirs.status, theirs.json.type]).to.deep.equal([403, "NOT_YOUR_MESSAGE"]);
			expect((await call(stack, `/messages/${m.id}`, neema, { method: "PATCH", body: { text: "no" } })).status).to.equal(404);
			expect((await call(stack, `/messages/${m.id}`, asha, { method: "PATCH", body: { text: "" } })).status).to.equal(400);
			expect((await call(stack, `/messages/${m.id}`, asha, { method: "PATCH", body: { text: "   " } })).status).to.equal(400);
			expect((await call(stack, `/messages/${m.id}`, null, { method: "PATCH", body: { text: "x" } })).status).to.equal(401);
			expect((await call(stack, `/messages/${newId()}`, asha, { method: "PATCH", body: { text: "x" } })).status).to.equal(404);
		});

		it("edits are refused once the window has passed (422)", async () => {
			const m = (await send(stack, asha, pair, { text: "old" })).json as Msg;
			await coreQuery("UPDATE messages.messages SET created_at = now() - interval '1 day' WHERE id = $1", [m.id]);
			const res = await call(stack, `/messages/${m.id}`, asha, { method: "PATCH", body: { text: "new" } });
			expect([res.status, res.json.type]).to.deep.equal([422, "EDIT_WINDOW_CLOSED"]);
		});

		it("delete for everyone leaves a tombstone with its seq and no content; again is harmless; edits then 409", async () => {
			const m = (await send(stack, asha, pair, { text: "oops", embed: { type: "product", id: (await jumasProduct()).id } })).json as Msg;
			expect((await call(stack, `/messages/${m.id}`, juma, { method: "DELETE" })).status).to.equal(403);
			expect((await call(stack, `/messages/${m.id}`, neema, { method: "DELETE" })).status).to.equal(404);
			expect((await call(stack, `/messages/${m.id}`, null, { method: "DELETE" })).status).to.equal(401);
			expect((await call(stack, `/messages/${m.id}`, asha, { method: "DELETE" })).status).to.equal(204);
			expect((await call(stack, `/messages/${m.id}`, asha, { method: "DELETE" })).status).to.equal(204);
			const page = await historyOf(stack, juma, pair, `?after=${m.seq - 1}&limit=1`);
			expect(page.json.items[0]).to.deep.include({ id: m.id, seq: m.seq, deleted: true, text: null, embed: null, files: [] });
			const [row] = await coreQuery("SELECT text, embed, deleted_at FROM messages.messages WHERE id = $1", [m.id]);
			expect(row.text).to.equal(null);
			expect(row.embed).to.equal(null);
			const edit = await call(stack, `/messages/${m.id}`, asha, { method: "PATCH", body: { text: "back" } });
			expect([edit.status, edit.json.type]).to.deep.equal([409, "MESSAGE_DELETED"]);
		});

		it("a group admin may delete anyone's message; a member may not", async () => {
			const [admin, m1, m2] = await createProfiles(stack, 3);
			const group = await conversationOf(stack, admin, [m1.userId, m2.userId], "Mods");
			const m = (await send(stack, m1, group, { text: "spam" })).json as Msg;
			expect((await call(stack, `/messages/${m.id}`, m2, { method: "DELETE" })).status).to.equal(403);
			expect((await call(stack, `/messages/${m.id}`, admin, { method: "DELETE" })).status).to.equal(204);
		});
	});

	describe("reactions: POST and DELETE /messages/messages/:id/reactions", () => {
		it("one emoji per member (another replaces it), shown with who chose it; taken back idempotently", async () => {
			const [admin, m1, m2] = await createProfiles(stack, 3);
			const group = await conversationOf(stack, admin, [m1.userId, m2.userId], "Reactions");
			const m = (await send(stack, admin, group, { text: "Mzigo umefika" })).json as Msg;
			const first = await call(stack, `/messages/${m.id}/reactions`, m1, { method: "POST", body: { emoji: "👍" } });
			expect(first.status).to.equal(200);
			expect(first.json.reactions).to.deep.equal([{ emoji: "👍", userIds: [m1.userId] }]);
			await call(stack, `/messages/${m.id}/reactions`, m2, { method: "POST", body: { emoji: "👍🏽" } });
			await call(stack, `/messages/${m.id}/reactions`, admin, { method: "POST", body: { emoji: "👍🏽" } });
			const replaced = await call(stack, `/messages/${m.id}/reactions`, m1, { method: "POST", body: { emoji: "🇹🇿" } });
			expect(replaced.json.reactions).to.deep.equal([
				{ emoji: "👍🏽", userIds: [m2.userId, admin.userId] },
				{ emoji: "🇹🇿", userIds: [m1.userId] }
			]);
			expect((await call(stack, `/messages/${m.id}/reactions`, m2, { method: "DELETE" })).status).to.equal(204);
			expect((await call(stack, `/messages/${m.id}/reactions`, m2, { method: "DELETE" })).status).to.equal(204);
			const page = await historyOf(stack, m2, group, "?limit=1");
			expect(page.json.items[0].reactions).to.deep.equal([
				{ emoji: "👍🏽", userIds: [admin.userId] },
				{ emoji: "🇹🇿", userIds: [m1.userId] }
			]);
		});

		it("400 for anything but one emoji, 401 without a token, 404 for a non-member, 409 on a deleted message", async () => {
			const m = (await send(stack, asha, pair, { text: "react" })).json as Msg;
			for (const emoji of ["", "ok", "👍👍", "a👍", " 👍", "x".repeat(40)])
				expect((await call(stack, `/messages/${m.id}/reactions`, juma, { method: "POST", body: { emoji } })).status, JSON.stringify(emoji)).to.equal(400);
			expect((await call(stack, `/messages/${m.id}/reactions`, null, { method: "POST", body: { emoji: "👍" } })).status).to.equal(401);
			expect((await call(stack, `/messages/${m.id}/reactions`, neema, { method: "POST", body: { emoji: "👍" } })).status).to.equal(404);
			expect((await call(stack, `/messages/${m.id}/reactions`, neema, { method: "DELETE" })).status).to.equal(404);
			await call(stack, `/messages/${m.id}`, asha, { method: "DELETE" });
			const late = await call(stack, `/messages/${m.id}/reactions`, juma, { method: "POST", body: { emoji: "👍" } });
			expect([late.status, late.json.type]).to.deep.equal([409, "MESSAGE_DELETED"]);
		});
	});

	describe("catching up on changes: ?changedAfter=", () => {
		it("answers, in version order, every message new, edited, deleted or reacted to since a version", async () => {
			const [p, q] = await createProfiles(stack, 2);
			const convo = await conversationOf(stack, p, [q.userId]);
			const sent: Msg[] = [];
			for (let i = 1; i <= 4; i++) sent.push((await send(stack, p, convo, { text: `v${i}` })).json);
			const seen = (await call(stack, `/conversations/${convo}`, q)).json.lastVersion as number;
			expect(seen).to.equal(4);
			// While q is away: an edit of #1, a reaction to #2, a delete of #3, a new #5.
			await call(stack, `/messages/${sent[0].id}`, p, { method: "PATCH", body: { text: "v1 edited" } });
			await call(stack, `/messages/${sent[1].id}/reactions`, p, { method: "POST", body: { emoji: "🔥" } });
			await call(stack, `/messages/${sent[2].id}`, p, { method: "DELETE" });
			await send(stack, p, convo, { text: "v5" });
			const first = await historyOf(stack, q, convo, `?changedAfter=${seen}&limit=3`);
			expect(first.status).to.equal(200);
			expect(first.json.items.map((m: Msg & { version: number }) => [m.seq, m.version])).to.deep.equal([
				[1, 5],
				[2, 6],
				[3, 7]
			]);
			expect(first.json.items[0].text).to.equal("v1 edited");
			expect(first.json.items[1].reactions).to.deep.equal([{ emoji: "🔥", userIds: [p.userId] }]);
			expect(first.json.items[2]).to.include({ deleted: true, text: null });
			const rest = await historyOf(stack, q, convo, `?cursor=${first.json.nextCursor}&limit=3`);
			expect(rest.json.items.map((m: Msg) => m.text)).to.deep.equal(["v5"]);
			expect(rest.json.nextCursor).to.equal(null);
			expect(rest.json.lastVersion).to.equal(8);
			expect((await historyOf(stack, q, convo, "?changedAfter=8")).json.items).to.deep.equal([]);
			expect((await historyOf(stack, q, convo, "?changedAfter=-1")).status).to.equal(400);
		});
	});

	describe("POST /messages/conversations/:id/read and unread counts", () => {
		it("moves my marker forward only, never past the last message; unread follows", async () => {
			const [p, q] = await createProfiles(stack, 2);
			const convo = await conversationOf(stack, p, [q.userId]);
			for (let i = 0; i < 5; i++) await send(stack, p, convo, { text: `u${i}` });
			expect((await call(stack, `/conversations/${convo}`, q)).json.unreadCount).to.equal(5);
			const read = await call(stack, `/conversations/${convo}/read`, q, { method: "POST", body: { seq: 3 } });
			expect(read.status).to.equal(200);
			expect(read.json).to.deep.equal({ conversationId: convo, readSeq: 3, unreadCount: 2 });
			expect((await call(stack, `/conversations/${convo}/read`, q, { method: "POST", body: { seq: 1 } })).json.readSeq).to.equal(3);
			expect((await call(stack, `/conversations/${convo}/read`, q, { method: "POST", body: { seq: 999 } })).json).to.include({ readSeq: 5, unreadCount: 0 });
			const view = await call(stack, `/conversations/${convo}`, p);
			expect(view.json.members.find((m: { userId: string }) => m.userId === q.userId).readSeq).to.equal(5);
		});

		it("400 for a bad seq, 401 without a token, 404 for a non-member", async () => {
			expect((await call(stack, `/conversations/${pair}/read`, asha, { method: "POST", body: { seq: -1 } })).status).to.equal(400);
			expect((await call(stack, `/conversations/${pair}/read`, asha, { method: "POST", body: {} })).status).to.equal(400);
			expect((await call(stack, `/conversations/${pair}/read`, null, { method: "POST", body: { seq: 1 } })).status).to.equal(401);
			expect((await call(stack, `/conversations/${pair}/read`, neema, { method: "POST", body: { seq: 1 } })).status).to.equal(404);
		});

		it("GET|PATCH /messages/settings: read receipts off hides my marker from others", async () => {
			const [p, q] = await createProfiles(stack, 2);
			const convo = await conversationOf(stack, p, [q.userId]);
			await send(stack, p, convo, { text: "seen?" });
			expect((await call(stack, "/settings", q)).json).to.deep.equal({ readReceipts: true });
			expect((await call(stack, "/settings", q, { method: "PATCH", body: { readReceipts: false } })).json).to.deep.equal({ readReceipts: false });
			await call(stack, `/conversations/${convo}/read`, q, { method: "POST", body: { seq: 1 } });
			const theirs = await call(stack, `/conversations/${convo}`, p);
			expect(theirs.json.members.find((m: { userId: string }) => m.userId === q.userId).readSeq).to.equal(null);
			const mine = await call(stack, `/conversations/${convo}`, q);
			expect(mine.json).to.include({ readSeq: 1, unreadCount: 0 });
			expect((await call(stack, "/settings", q, { method: "PATCH", body: { readReceipts: "no" } })).status).to.equal(400);
			expect((await call(stack, "/settings", null)).status).to.equal(401);
		});
	});

	describe("catching up", () => {
		it("a member offline for 1,000 messages syncs them all in order, once, from its last seq", async () => {
			const [p, q] = await createProfiles(stack, 2);
			const convo = await conversationOf(stack, p, [q.userId]);
			await send(stack, p, convo, { text: "before going offline" });
			const lastSeen = 1;
			// 1,000 sends through the service (the REST send limit would take minutes); 8 at a time, as a busy chat.
			const meta = { user: { userId: p.userId, sessionId: p.sessionId, roles: ["user"] } };
			for (let i = 0; i < 1000; i += 8)
				await Promise.all(
					Array.from({ length: Math.min(8, 1000 - i) }, (_, k) => stack.broker.call("messages.send", { id: convo, clientId: `c-${i + k}`, text: `offline ${i + k}` }, { meta }))
				);
			const got: Msg[] = [];
			let query = `?after=${lastSeen}&limit=200`;
			for (;;) {
				const page = await historyOf(stack, q, convo, query);
				expect(page.status).to.equal(200);
				got.push(...page.json.items);
				if (!page.json.nextCursor) break;
				query = `?cursor=${page.json.nextCursor}&limit=200`;
			}
			expect(got).to.have.length(1000);
			expect(got.map(m => m.seq)).to.deep.equal(Array.from({ length: 1000 }, (_, i) => i + 2));
			expect(new Set(got.map(m => m.clientId)).size).to.equal(1000);
			expect((await call(stack, `/conversations/${convo}`, q)).json.unreadCount).to.equal(1001);
		});
	});
});
