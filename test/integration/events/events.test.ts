/**
 * Events through the REST API: create as a draft (with cover and duplicate
 * warning), read, edit, publish (durable event for social), list and search
 * by text, dates, category and place; every route refuses bad input, a
 * missing token and someone else's event.
 */
import { expect } from "chai";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { waitFor } from "../../support/wait";
import { png, upload } from "../files/support";
import { addType, call, createEvent, eventBody, inHours, publish, VENUE, type Json } from "./events-support";

describe("events: events", function () {
	this.timeout(120_000);
	let stack: Stack;
	let organizer: TestUser;
	let other: TestUser;

	before(async () => {
		stack = await getStack();
		[organizer, other] = await Promise.all([createUser(stack), createUser(stack)]);
	});

	describe("POST /events", () => {
		it("creates a draft with a venue and a cover image; the cover is claimed for the event", async () => {
			const file = await upload(stack, organizer, await png(), { purpose: "event", filename: "cover.png", type: "image/png" });
			expect(file.status, file.text).to.equal(201);
			const res = await call(stack, "/", organizer, { method: "POST", body: eventBody({ coverFileId: file.json.id, title: "Cover Night" }) });
			expect(res.status, JSON.stringify(res.json)).to.equal(201);
			expect(res.headers.get("location")).to.equal(`/api/v1/events/${res.json.id}`);
			const e = res.json;
			expect(e).to.include({ status: "draft", organizerId: organizer.userId, title: "Cover Night", category: "music", timezone: "Africa/Dar_es_Salaam", place: "Mwalimu Nyerere Hall, Dar es Salaam" });
			expect(e.venue).to.include({ city: "Dar es Salaam", lat: -6.8161, lng: 39.2894 });
			expect(e.online).to.equal(null);
			expect(e.cover.fileId).to.equal(file.json.id);
			expect(e.cover.url).to.be.a("string");
			expect(e.warnings).to.deep.equal([]);
			const [f] = await coreQuery<{ ref: string }>("SELECT ref FROM files.files WHERE id = $1", [file.json.id]);
			expect(f.ref).to.equal(`events:event:${e.id}`);
		});

		it("creates an online event", async () => {
			const e = await createEvent(stack, organizer, { venue: undefined, online: { url: "https://meet.example.org/launch" }, title: "Online launch", category: "tech" });
			expect(e.online).to.deep.equal({ url: "https://meet.example.org/launch" });
			expect(e.venue).to.equal(null);
			expect(e.place).to.equal("Online");
		});

		it("warns when the same organizer creates a similar title at the same time and place; another organizer gets no warning", async () => {
			const first = await createEvent(stack, organizer, { title: "Jazz by the Ocean 2026" });
			const again = await createEvent(stack, organizer, { title: "Jazz by the ocean 2026!", venue: { ...VENUE, lat: -6.8165, lng: 39.2897 } });
			expect(again.warnings.map((w: Json) => w.eventId)).to.include(first.id);
			expect(again.warnings[0].type).to.equal("possible_duplicate");
			const elsewhere = await createEvent(stack, organizer, { title: "Jazz by the Ocean 2026", venue: { ...VENUE, city: "Arusha", lat: -3.3869, lng: 36.683 } });
			expect(elsewhere.warnings).to.deep.equal([]);
			const later = await createEvent(stack, organizer, { title: "Jazz by the Ocean 2026", startsAt: inHours(24 * 9), endsAt: inHours(24 * 9 + 3) });
			expect(later.warnings).to.deep.equal([]);
			const theirs = await createEvent(stack, other, { title: "Jazz by the Ocean 2026" });
			expect(theirs.warnings).to.deep.equal([]);
		});

		it("refuses invalid input with 400 and creates nothing", async () => {
			const before = await coreQuery<{ n: string }>("SELECT count(*) AS n FROM events.events WHERE organizer_id = $1", [organizer.userId]);
			const cases: Array<[Record<string, unknown>, string]> = [
				[{ title: "x" }, "title"],
				[{ category: "circus" }, "category"],
				[{ timezone: "Mars/Olympus" }, "timezone"],
				[{ startsAt: "tomorrow" }, "startsAt"],
				[{ startsAt: "2026-12-20T18:00:00" }, "startsAt"],
				[{ startsAt: inHours(-2), endsAt: inHours(2) }, "startsAt"],
				[{ endsAt: inHours(47) }, "endsAt"],
				[{ venue: undefined }, "venue"],
				[{ online: { url: "https://x.example" } }, "venue"],
				[{ venue: { ...VENUE, lat: 123 } }, "venue"],
				[{ venue: undefined, online: { url: "ftp://files.example" } }, "online.url"],
				[{ refundPolicy: { refundable: true, percent: 150 } }, "refundPolicy.percent"]
			];
			for (const [override, field] of cases) {
				const res = await call(stack, "/", organizer, { method: "POST", body: eventBody(override) });
				expect(res.status, `${JSON.stringify(override)} → ${JSON.stringify(res.json)}`).to.equal(400);
				expect(res.json.type).to.equal("VALIDATION_ERROR");
				expect(JSON.stringify(res.json), field).to.contain(field.split(".")[0]);
			}
			const after = await coreQuery<{ n: string }>("SELECT count(*) AS n FROM events.events WHERE organizer_id = $1", [organizer.userId]);
			expect(after[0].n).to.equal(before[0].n);
		});

		it("refuses a cover that is not the organizer's (422) and leaves no event", async () => {
			const file = await upload(stack, other, await png(), { purpose: "event", filename: "c.png", type: "image/png" });
			const res = await call(stack, "/", organizer, { method: "POST", body: eventBody({ coverFileId: file.json.id, title: "Borrowed cover" }) });
			expect(res.status).to.equal(422);
			expect(await coreQuery("SELECT 1 FROM events.events WHERE title = 'Borrowed cover'")).to.have.length(0);
		});

		it("401 without a token", async () => {
			expect((await call(stack, "/", null, { method: "POST", body: eventBody() })).status).to.equal(401);
		});
	});

	describe("GET /events/:id, PATCH /events/:id", () => {
		it("a draft is visible to its organizer only (404 for others and anonymous)", async () => {
			const e = await createEvent(stack, organizer);
			expect((await call(stack, `/${e.id}`, organizer)).status).to.equal(200);
			expect((await call(stack, `/${e.id}`, other)).status).to.equal(404);
			expect((await call(stack, `/${e.id}`, null)).status).to.equal(404);
			expect((await call(stack, "/not-a-uuid", organizer)).status).to.equal(400);
		});

		it("the organizer edits title, times and place; someone else gets 404 on a draft and 403 on a published event; bad input changes nothing", async () => {
			const e = await createEvent(stack, organizer, { title: "Edit me" });
			const res = await call(stack, `/${e.id}`, organizer, { method: "PATCH", body: { title: "Edited title", venue: null, online: { url: "https://live.example.org/x" } } });
			expect(res.status, JSON.stringify(res.json)).to.equal(200);
			expect(res.json).to.include({ title: "Edited title", place: "Online" });
			expect((await call(stack, `/${e.id}`, other, { method: "PATCH", body: { title: "Mine now" } })).status).to.equal(404);
			const bad = await call(stack, `/${e.id}`, organizer, { method: "PATCH", body: { endsAt: inHours(1) } });
			expect(bad.status).to.equal(400);
			expect((await call(stack, `/${e.id}`, null, { method: "PATCH", body: { title: "Anon" } })).status).to.equal(401);
			await addType(stack, organizer, e.id, { name: "General", price: 0, capacity: 10 });
			await publish(stack, organizer, e.id);
			const forbidden = await call(stack, `/${e.id}`, other, { method: "PATCH", body: { title: "Mine now" } });
			expect(forbidden.status).to.equal(403);
			expect((await call(stack, `/${e.id}`, other)).json.title).to.equal("Edited title");
		});
	});

	describe("POST /events/:id/publish", () => {
		it("publishes a draft with a ticket type and raises events.event.published with postToFeed; social posts it", async () => {
			const e = await createEvent(stack, organizer, { title: "Feed launch party" });
			const noTypes = await call(stack, `/${e.id}/publish`, organizer, { method: "POST", body: {} });
			expect(noTypes.status).to.equal(422);
			expect(noTypes.json.type).to.equal("NO_TICKET_TYPES");
			await addType(stack, organizer, e.id, { name: "Entry", price: 0, capacity: 5 });
			expect((await call(stack, `/${e.id}/publish`, other, { method: "POST", body: {} })).status).to.equal(404);
			expect((await call(stack, `/${e.id}/publish`, null, { method: "POST", body: {} })).status).to.equal(401);
			expect((await call(stack, `/${e.id}/publish`, organizer, { method: "POST", body: { postToFeed: "yes" } })).status).to.equal(400);
			const published = await publish(stack, organizer, e.id, true);
			expect(published.status).to.equal("published");
			expect(published.publishedAt).to.be.a("string");
			const [out] = await coreQuery<{ envelope: Json }>("SELECT envelope FROM events.outbox WHERE type = 'events.event.published' AND envelope->'data'->>'eventId' = $1", [e.id]);
			expect(out.envelope.data).to.deep.equal({ eventId: e.id, organizerId: organizer.userId, postToFeed: true, title: "Feed launch party" });
			await waitFor(async () => (await coreQuery("SELECT 1 FROM social.posts WHERE embed_id = $1 AND source = 'events'", [e.id])).length === 1, "social's post of the event", 20_000, 100);
			const again = await call(stack, `/${e.id}/publish`, organizer, { method: "POST", body: {} });
			expect(again.status).to.equal(409);
			expect(again.json.type).to.equal("EVENT_STATE");
		});
	});

	describe("GET /events", () => {
		let tag: string;
		let nearby: Json;
		let arusha: Json;
		let online: Json;
		let nextWeek: Json;

		before(async () => {
			tag = `zq${Date.now().toString(36)}`;
			const mk = async (overrides: Record<string, unknown>) => {
				const e = await createEvent(stack, organizer, overrides);
				await addType(stack, organizer, e.id, { name: "Entry", price: 5000_00, capacity: 100 });
				return publish(stack, organizer, e.id);
			};
			nearby = await mk({ title: `Taarab ${tag} evening`, category: "music" });
			arusha = await mk({ title: `Coffee ${tag} expo`, category: "food", venue: { ...VENUE, name: "AICC", city: "Arusha", lat: -3.3731, lng: 36.6947 } });
			online = await mk({ title: `Startup ${tag} pitch`, category: "tech", venue: undefined, online: { url: "https://pitch.example.org" } });
			nextWeek = await mk({ title: `Taarab ${tag} matinee`, category: "music", startsAt: inHours(24 * 8), endsAt: inHours(24 * 8 + 2) });
			await createEvent(stack, organizer, { title: `Draft ${tag} unseen` });
		});

		const ids = (res: Json) => res.json.items.map((e: Json) => e.id);

		it("searches by text prefix, only published events, ordered by start", async () => {
			const res = await call(stack, `/?q=${tag}`, null);
			expect(res.status).to.equal(200);
			expect(ids(res)).to.deep.equal([nearby.id, arusha.id, online.id, nextWeek.id]);
			expect(ids(await call(stack, `/?q=mat%20${tag}`, other))).to.deep.equal([nextWeek.id]);
		});

		it("filters by date range, category, city and distance; pages with a cursor", async () => {
			expect(ids(await call(stack, `/?q=${tag}&from=${encodeURIComponent(inHours(24 * 7))}`, null))).to.deep.equal([nextWeek.id]);
			expect(ids(await call(stack, `/?q=${tag}&to=${encodeURIComponent(inHours(24 * 5))}`, null))).to.deep.equal([nearby.id, arusha.id, online.id]);
			expect(ids(await call(stack, `/?q=${tag}&category=food`, null))).to.deep.equal([arusha.id]);
			expect(ids(await call(stack, `/?q=${tag}&city=arusha`, null))).to.deep.equal([arusha.id]);
			expect(ids(await call(stack, `/?q=${tag}&near=-6.82,39.28&radiusKm=5`, null))).to.deep.equal([nearby.id, nextWeek.id]);
			const first = await call(stack, `/?q=${tag}&limit=3`, null);
			expect(first.json.items).to.have.length(3);
			const second = await call(stack, `/?q=${tag}&limit=3&cursor=${first.json.nextCursor}`, null);
			expect(ids(second)).to.deep.equal([nextWeek.id]);
			expect(second.json.nextCursor).to.equal(null);
		});

		it("mine=true lists my own events in every state, drafts included", async () => {
			const res = await call(stack, `/?mine=true&q=${tag}`, organizer);
			expect(res.json.items.map((e: Json) => e.status)).to.include("draft");
			expect((await call(stack, `/?mine=true&q=${tag}`, other)).json.items).to.deep.equal([]);
		});

		it("refuses bad filters with 400", async () => {
			for (const q of ["from=yesterday", "category=circus", "near=abc", "near=100,500", `from=${encodeURIComponent(inHours(5))}&to=${encodeURIComponent(inHours(1))}`, "cursor=%%%", "q=%21%21"]) {
				const res = await call(stack, `/?${q}`, null);
				expect(res.status, q).to.equal(400);
			}
		});
	});
});
