/** Scanner devices through REST: the organizer registers, lists and revokes them. */
import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { sleep } from "../../support/wait";
import type { TestUser } from "../../support/users";
import { api, book, createProfiles, ok, publishedEvent, registerScanner, revocations, scan, type TestEvent } from "./tickets-helpers";

describe("events: scanners", function () {
	this.timeout(120_000);
	let stack: Stack;
	let organizer: TestUser;
	let other: TestUser;
	let event: TestEvent;

	before(async () => {
		stack = await getStack();
		[organizer, other] = await createProfiles(stack, 2);
		event = await publishedEvent(stack, organizer);
	});

	it("registers a device → { scannerId, token } shown once, stored only as a hash; lists without tokens", async () => {
		const res = ok(await api(stack, `/${event.id}/scanners`, organizer, { method: "POST", body: { name: "Lango Kuu" } }), 201).json;
		expect(res).to.include({ eventId: event.id, name: "Lango Kuu", revokedAt: null });
		expect(res.scannerId).to.match(/^[0-9a-f-]{36}$/);
		expect(res.token).to.match(/^nsc_[A-Za-z0-9_-]{43}$/);
		const [row] = await coreQuery<{ token_hash: string }>("SELECT token_hash FROM events.scanners WHERE id = $1", [res.scannerId]);
		expect(row.token_hash).to.match(/^[0-9a-f]{64}$/);
		expect(row.token_hash).to.not.include(res.token.slice(4));
		const list = ok(await api(stack, `/${event.id}/scanners`, organizer)).json.items;
		const mine = list.find((s: { scannerId: string }) => s.scannerId === res.scannerId);
		expect(mine).to.include({ name: "Lango Kuu" });
		expect(mine).to.not.have.property("token");
		// Default name.
		expect(ok(await api(stack, `/${event.id}/scanners`, organizer, { method: "POST", body: {} }), 201).json.name).to.equal("Scanner");
	});

	it("a revoked token stops working at once; revoking again is idempotent", async () => {
		const buyer = (await createProfiles(stack, 1))[0];
		const { tickets } = await book(stack, buyer, event.id, event.single);
		const s = ok(await api(stack, `/${event.id}/scanners`, organizer, { method: "POST", body: { name: "Lost phone" } }), 201).json;
		const revoked = ok(await api(stack, `/${event.id}/scanners/${s.scannerId}`, organizer, { method: "DELETE" })).json;
		expect(revoked.revokedAt).to.be.a("string");
		expect(ok(await api(stack, `/${event.id}/scanners/${s.scannerId}`, organizer, { method: "DELETE" })).json.revokedAt).to.equal(revoked.revokedAt);
		expect((await scan(stack, event.id, s.token, tickets[0].code)).status).to.equal(401);
	});

	it("400 for invalid input, 401 without a token, 403 for someone else's event, 404 for their draft or an unknown scanner", async () => {
		expect((await api(stack, `/${event.id}/scanners`, organizer, { method: "POST", body: { name: "x".repeat(101) } })).status).to.equal(400);
		expect((await api(stack, "/bad/scanners", organizer, { method: "POST", body: {} })).status).to.equal(400);
		expect((await api(stack, `/${event.id}/scanners/bad`, organizer, { method: "DELETE" })).status).to.equal(400);
		expect((await api(stack, `/${event.id}/scanners`, null, { method: "POST", body: {} })).status).to.equal(401);
		expect((await api(stack, `/${event.id}/scanners`, null)).status).to.equal(401);
		const theirs = await api(stack, `/${event.id}/scanners`, other, { method: "POST", body: {} });
		expect(theirs.status).to.equal(403);
		expect(theirs.json.type).to.equal("NOT_ORGANIZER");
		expect((await api(stack, `/${event.id}/scanners`, other)).status).to.equal(403);
		const draft = await publishedEvent(stack, organizer, { publish: false });
		expect((await api(stack, `/${draft.id}/scanners`, other, { method: "POST", body: {} })).status).to.equal(404);
		expect((await api(stack, `/${newId()}/scanners`, organizer, { method: "POST", body: {} })).status).to.equal(404);
		const unknown = await api(stack, `/${event.id}/scanners/${newId()}`, organizer, { method: "DELETE" });
		expect(unknown.status).to.equal(404);
		expect(unknown.json.type).to.equal("SCANNER_NOT_FOUND");
		const s = ok(await api(stack, `/${event.id}/scanners`, organizer, { method: "POST", body: {} }), 201).json;
		expect((await api(stack, `/${event.id}/scanners/${s.scannerId}`, other, { method: "DELETE" })).status).to.equal(403);
	});

	it("gates behind one address are rate-limited each on its own once their token was accepted; a made-up token is not", async () => {
		const [gateA, gateB] = [await registerScanner(stack, organizer, event.id, "Gate A"), await registerScanner(stack, organizer, event.id, "Gate B")];
		const remaining = async (token: string, status = 200) => {
			const res = await revocations(stack, event.id, token);
			expect(res.status).to.equal(status);
			return Number(res.headers.get("x-rate-limit-remaining"));
		};
		// Windows are clock-aligned minutes: start well inside one, so no count resets mid-test.
		if (Date.now() % 60_000 > 50_000) await sleep(60_000 - (Date.now() % 60_000) + 100);
		const limit = Number((await revocations(stack, event.id, gateA.token)).headers.get("x-rate-limit-limit"));
		// Accepted once (above), gate A now has a bucket of its own: exactly its own requests count.
		expect([await remaining(gateA.token), await remaining(gateA.token)]).to.deep.equal([limit - 1, limit - 2]);
		await remaining(gateB.token);
		expect(await remaining(gateB.token)).to.equal(limit - 1);
		expect(await remaining(gateA.token)).to.equal(limit - 3);
		// A token no action accepted stays on the address's bucket (shared with a request without one).
		const first = await remaining("made-up-token", 401);
		await remaining("", 401);
		expect(await remaining("made-up-token", 401)).to.be.at.most(first - 2);
	});
});
