/** Event keys through REST: published for offline verification, encrypted at rest, rotated without stranding sold tickets. */
import { expect } from "chai";
import { createPublicKey, verify } from "node:crypto";
import { newId } from "../../../lib/ids";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { api, book, createProfiles, ok, publishedEvent, registerScanner, scan, type TestEvent } from "./tickets-helpers";

const kidOf = (code: string) => JSON.parse(Buffer.from(code.split(".")[0], "base64url").toString()).kid as string;
const verifies = (code: string, pem: string) => {
	const [h, p, s] = code.split(".");
	return verify("sha256", Buffer.from(`${h}.${p}`), createPublicKey(pem), Buffer.from(s, "base64url"));
};

describe("events: signing keys", function () {
	this.timeout(120_000);
	let stack: Stack;
	let organizer: TestUser;
	let buyer: TestUser;
	let other: TestUser;
	let event: TestEvent;

	before(async () => {
		stack = await getStack();
		[organizer, buyer, other] = await createProfiles(stack, 3);
		event = await publishedEvent(stack, organizer);
	});

	it("GET /events/:id/keys → { keys: [{ kid, alg: RS256, publicKeyPem }] }, public for a published event", async () => {
		const res = ok(await api(stack, `/${event.id}/keys`, null)).json;
		expect(res.keys).to.have.length(1);
		expect(Object.keys(res.keys[0]).sort()).to.deep.equal(["alg", "kid", "publicKeyPem"]);
		expect(res.keys[0].alg).to.equal("RS256");
		expect(res.keys[0].publicKeyPem).to.match(/^-----BEGIN PUBLIC KEY-----/);
		expect(createPublicKey(res.keys[0].publicKeyPem).asymmetricKeyDetails?.modulusLength).to.equal(2048);
		// The same key for every caller and call: made once.
		expect(ok(await api(stack, `/${event.id}/keys`, other)).json).to.deep.equal(res);
	});

	it("the private key is encrypted at rest (no PEM in the row)", async () => {
		await api(stack, `/${event.id}/keys`, organizer);
		const rows = await coreQuery<{ private_key_enc: string; status: string }>("SELECT private_key_enc, status FROM events.event_keys WHERE event_id = $1", [event.id]);
		expect(rows.length).to.be.greaterThan(0);
		for (const r of rows) {
			expect(r.private_key_enc).to.match(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
			expect(r.private_key_enc).to.not.include("PRIVATE KEY");
		}
	});

	it("parallel first issues make one key", async () => {
		const fresh = await publishedEvent(stack, organizer);
		const buyers = await createProfiles(stack, 4);
		const booked = await Promise.all(buyers.map(b => book(stack, b, fresh.id, fresh.single)));
		const kids = new Set(booked.map(b => kidOf(b.tickets[0].code)));
		expect(kids.size).to.equal(1);
		const [row] = await coreQuery<{ n: string }>("SELECT count(*) AS n FROM events.event_keys WHERE event_id = $1", [fresh.id]);
		expect(Number(row.n)).to.equal(1);
	});

	it("rotation: new tickets get the new key, old tickets keep theirs, both keys stay published, old codes still enter", async () => {
		const own = await publishedEvent(stack, organizer);
		const before = await book(stack, buyer, own.id, own.single);
		const oldKid = kidOf(before.tickets[0].code);
		const rotated = ok(await api(stack, `/${own.id}/keys/rotate`, organizer, { method: "POST" })).json;
		expect(rotated.keys.map((k: { kid: string }) => k.kid)).to.include(oldKid);
		expect(rotated.keys).to.have.length(2);
		const after = await book(stack, buyer, own.id, own.single);
		const newKid = kidOf(after.tickets[0].code);
		expect(newKid).to.not.equal(oldKid);
		expect(rotated.keys[0].kid).to.equal(newKid);
		const published = ok(await api(stack, `/${own.id}/keys`, null)).json.keys as Array<{ kid: string; publicKeyPem: string }>;
		expect(verifies(before.tickets[0].code, published.find(k => k.kid === oldKid)!.publicKeyPem)).to.equal(true);
		expect(verifies(after.tickets[0].code, published.find(k => k.kid === newKid)!.publicKeyPem)).to.equal(true);
		expect(verifies(before.tickets[0].code, published.find(k => k.kid === newKid)!.publicKeyPem)).to.equal(false);
		const gate = await registerScanner(stack, organizer, own.id);
		expect(ok(await scan(stack, own.id, gate.token, before.tickets[0].code)).json.result).to.equal("ok");
		expect(ok(await scan(stack, own.id, gate.token, after.tickets[0].code)).json.result).to.equal("ok");
		// A retired key that signed no live ticket is no longer published.
		ok(await api(stack, `/${own.id}/keys/rotate`, organizer, { method: "POST" }));
		const third = ok(await api(stack, `/${own.id}/keys`, null)).json.keys.map((k: { kid: string }) => k.kid);
		expect(third).to.have.length(3);
		ok(await api(stack, `/${own.id}/keys/rotate`, organizer, { method: "POST" }));
		const fourth = ok(await api(stack, `/${own.id}/keys`, null)).json.keys.map((k: { kid: string }) => k.kid);
		expect(fourth).to.have.length(3);
		expect(fourth).to.include.members([oldKid, newKid]);
	});

	it("400 for a bad id, 401 to rotate without a token, 403 for someone else's event, 404 for a draft", async () => {
		expect((await api(stack, "/nope/keys", null)).status).to.equal(400);
		expect((await api(stack, "/nope/keys/rotate", organizer, { method: "POST" })).status).to.equal(400);
		expect((await api(stack, `/${newId()}/keys`, null)).status).to.equal(404);
		expect((await api(stack, `/${event.id}/keys/rotate`, null, { method: "POST" })).status).to.equal(401);
		const res = await api(stack, `/${event.id}/keys/rotate`, other, { method: "POST" });
		expect(res.status).to.equal(403);
		expect(res.json.type).to.equal("NOT_ORGANIZER");
		const draft = await publishedEvent(stack, organizer, { publish: false });
		// A draft has no tickets to verify: hidden from everyone (the route reads no credentials).
		expect((await api(stack, `/${draft.id}/keys`, other)).status).to.equal(404);
		expect((await api(stack, `/${draft.id}/keys`, organizer)).status).to.equal(404);
		expect((await api(stack, `/${draft.id}/keys/rotate`, other, { method: "POST" })).status).to.equal(404);
		// Once published, public — also to a scanner app that sends its own bearer token everywhere.
		ok(await api(stack, `/${draft.id}/publish`, organizer, { method: "POST", body: { postToFeed: false } }));
		const gate = await registerScanner(stack, organizer, draft.id);
		expect(ok(await api(stack, `/${draft.id}/keys`, null, { headers: { authorization: `Bearer ${gate.token}` } })).json.keys).to.have.length(1);
	});
});
