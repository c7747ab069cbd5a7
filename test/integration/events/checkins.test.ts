/**
 * Check-in through REST with scanner tokens: every result of API.md, nonce
 * retries, re-entry only where allowed, two scanners on one ticket at the
 * same moment (real parallel requests), and offline batches where the
 * earliest scan wins and double entries are reported.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { api, asScanner, book, createProfiles, ok, publishedEvent, registerScanner, scan, sync, type TestEvent } from "./tickets-helpers";

describe("events: check-in", function () {
	this.timeout(180_000);
	let stack: Stack;
	let organizer: TestUser;
	let buyer: TestUser;
	let event: TestEvent;
	let gateA: { scannerId: string; token: string };
	let gateB: { scannerId: string; token: string };

	before(async () => {
		stack = await getStack();
		[organizer, buyer] = await createProfiles(stack, 2);
		event = await publishedEvent(stack, organizer);
		gateA = await registerScanner(stack, organizer, event.id, "Gate A");
		gateB = await registerScanner(stack, organizer, event.id, "Gate B");
	});

	it("ok once, then already_checked_in with the first entry's time; the ticket reads as used", async () => {
		const { tickets } = await book(stack, buyer, event.id, event.single);
		const first = ok(await scan(stack, event.id, gateA.token, tickets[0].code)).json;
		expect(first.result).to.equal("ok");
		expect(first.ticket).to.include({ id: tickets[0].id, ticketTypeId: event.single, status: "used", entries: 1, allowsReentry: false });
		expect(first.checkedInAt).to.be.a("string");
		const again = ok(await scan(stack, event.id, gateB.token, tickets[0].code)).json;
		expect(again).to.deep.include({ result: "already_checked_in", checkedInAt: first.checkedInAt });
		const mine = ok(await api(stack, `/tickets/${tickets[0].id}`, buyer)).json;
		expect(mine).to.include({ status: "used", checkedInAt: first.checkedInAt });
	});

	it("the same ticket on two scanners at the same moment: one ok, one already_checked_in", async () => {
		const { tickets } = await book(stack, buyer, event.id, event.single, 5);
		for (const t of tickets) {
			const answers = await Promise.all([scan(stack, event.id, gateA.token, t.code), scan(stack, event.id, gateB.token, t.code)]);
			expect(answers.map(a => a.status)).to.deep.equal([200, 200]);
			expect(answers.map(a => a.json.result).sort()).to.deep.equal(["already_checked_in", "ok"]);
			const [row] = await coreQuery<{ entries: number; status: string }>("SELECT entries, status FROM events.tickets WHERE id = $1", [t.id]);
			expect(row).to.deep.equal({ entries: 1, status: "used" });
		}
	});

	it("re-entry only where the ticket type allows it", async () => {
		const { tickets } = await book(stack, buyer, event.id, event.reentry);
		const a = ok(await scan(stack, event.id, gateA.token, tickets[0].code)).json;
		const b = ok(await scan(stack, event.id, gateB.token, tickets[0].code)).json;
		expect([a.result, b.result]).to.deep.equal(["ok", "ok"]);
		expect(b.ticket).to.include({ entries: 2, allowsReentry: true });
		expect(b.checkedInAt).to.equal(a.checkedInAt);
	});

	it("a retry with the same nonce gets the first answer; a used nonce on another ticket is 409", async () => {
		const { tickets } = await book(stack, buyer, event.id, event.single, 2);
		const nonce = randomUUID();
		const first = ok(await scan(stack, event.id, gateA.token, tickets[0].code, nonce)).json;
		const retry = ok(await scan(stack, event.id, gateA.token, tickets[0].code, nonce)).json;
		expect(first.result).to.equal("ok");
		expect(retry).to.deep.equal(first);
		// The same nonce from another device is another scan.
		expect(ok(await scan(stack, event.id, gateB.token, tickets[0].code, nonce)).json.result).to.equal("already_checked_in");
		const clash = await scan(stack, event.id, gateA.token, tickets[1].code, nonce);
		expect(clash.status).to.equal(409);
		expect(clash.json.type).to.equal("NONCE_REUSED");
		const [row] = await coreQuery<{ status: string }>("SELECT status FROM events.tickets WHERE id = $1", [tickets[1].id]);
		expect(row.status).to.equal("valid");
	});

	it("wrong_event for another event's genuine ticket; not_valid_now before the doors open; invalid_signature for junk", async () => {
		const later = await publishedEvent(stack, organizer, { startsInMs: 3 * 86_400_000 });
		const { tickets } = await book(stack, buyer, later.id, later.single);
		expect(ok(await scan(stack, event.id, gateA.token, tickets[0].code)).json).to.deep.equal({ result: "wrong_event" });
		const laterGate = await registerScanner(stack, organizer, later.id);
		const early = ok(await scan(stack, later.id, laterGate.token, tickets[0].code)).json;
		expect(early.result).to.equal("not_valid_now");
		expect(early.ticket.status).to.equal("valid");
		expect(ok(await scan(stack, event.id, gateA.token, "not.a.code")).json).to.deep.equal({ result: "invalid_signature" });
		expect(ok(await scan(stack, event.id, gateA.token, "hello")).json).to.deep.equal({ result: "invalid_signature" });
	});

	it("400 for invalid input, 401 without or with a bad scanner token, 403 for another event's scanner, revoked scanners locked out", async () => {
		const { tickets } = await book(stack, buyer, event.id, event.single);
		const code = tickets[0].code;
		expect((await api(stack, `/${event.id}/check-ins`, null, { method: "POST", body: { code }, headers: asScanner(gateA.token) })).status).to.equal(400);
		expect((await api(stack, `/${event.id}/check-ins`, null, { method: "POST", body: { code: "", nonce: "n" }, headers: asScanner(gateA.token) })).status).to.equal(400);
		expect((await api(stack, "/xyz/check-ins", null, { method: "POST", body: { code, nonce: "n" }, headers: asScanner(gateA.token) })).status).to.equal(400);
		const none = await scan(stack, event.id, null, code);
		expect(none.status).to.equal(401);
		expect(none.json.type).to.equal("SCANNER_TOKEN_REQUIRED");
		// A user's access token is not a scanner token, not even the organizer's.
		const asUser = await api(stack, `/${event.id}/check-ins`, organizer, { method: "POST", body: { code, nonce: randomUUID() } });
		expect(asUser.status).to.equal(401);
		expect((await scan(stack, event.id, "nsc_forged", code)).status).to.equal(401);
		const elsewhere = await publishedEvent(stack, organizer);
		const foreign = await registerScanner(stack, organizer, elsewhere.id);
		const res = await scan(stack, event.id, foreign.token, code);
		expect(res.status).to.equal(403);
		expect(res.json.type).to.equal("SCANNER_OTHER_EVENT");
		ok(await api(stack, `/${elsewhere.id}/scanners/${foreign.scannerId}`, organizer, { method: "DELETE" }));
		const revoked = await scan(stack, elsewhere.id, foreign.token, code);
		expect(revoked.status).to.equal(401);
		expect(revoked.json.type).to.equal("INVALID_SCANNER_TOKEN");
		const [row] = await coreQuery<{ status: string }>("SELECT status FROM events.tickets WHERE id = $1", [tickets[0].id]);
		expect(row.status).to.equal("valid");
	});

	describe("offline sync", () => {
		it("first scan wins across scanners and uploads; double entries come back as conflicts", async () => {
			const { tickets } = await book(stack, buyer, event.id, event.single, 3);
			const [t1, t2, t3] = tickets;
			const base = Date.now() - 10 * 60_000;
			const at = (min: number) => new Date(base + min * 60_000).toISOString();
			// Gate B was offline: t1 at +1 and again at +5 (someone passed the code back), t2 at +3.
			const b = ok(
				await sync(stack, event.id, gateB.token, [
					{ code: t1.code, nonce: "b-1", scannedAt: at(5) },
					{ code: t1.code, nonce: "b-2", scannedAt: at(1) },
					{ code: t2.code, nonce: "b-3", scannedAt: at(3) }
				])
			).json;
			expect(b.results.map((r: { nonce: string; result: string }) => [r.nonce, r.result])).to.deep.equal([
				["b-1", "already_checked_in"],
				["b-2", "ok"],
				["b-3", "ok"]
			]);
			expect(b.conflicts).to.deep.equal([{ ticketId: t1.id, first: { scannerId: gateB.scannerId, nonce: "b-2", scannedAt: at(1) }, duplicate: { scannerId: gateB.scannerId, nonce: "b-1", scannedAt: at(5) } }]);
			// Gate A was offline too and uploads later: t2 scanned earlier there (+2) wins over B's +3; t3 is new.
			const a = ok(
				await sync(stack, event.id, gateA.token, [
					{ code: t2.code, nonce: "a-1", scannedAt: at(2) },
					{ code: t3.code, nonce: "a-2", scannedAt: at(4) }
				])
			).json;
			expect(a.results.map((r: { result: string }) => r.result)).to.deep.equal(["ok", "ok"]);
			expect(a.conflicts).to.deep.equal([{ ticketId: t2.id, first: { scannerId: gateA.scannerId, nonce: "a-1", scannedAt: at(2) }, duplicate: { scannerId: gateB.scannerId, nonce: "b-3", scannedAt: at(3) } }]);
			const rows = await coreQuery<{ id: string; checked_in_at: Date; entries: number }>("SELECT id, checked_in_at, entries FROM events.tickets WHERE id = ANY($1::uuid[]) ORDER BY checked_in_at", [[t1.id, t2.id, t3.id]]);
			expect(rows.map(r => [r.id, r.checked_in_at.toISOString()])).to.deep.equal([
				[t1.id, at(1)],
				[t2.id, at(2)],
				[t3.id, at(4)]
			]);
			// An online scan now finds them in; re-uploading a batch changes nothing and reports nothing new.
			expect(ok(await scan(stack, event.id, gateA.token, t3.code)).json.result).to.equal("already_checked_in");
			const again = ok(await sync(stack, event.id, gateA.token, [{ code: t2.code, nonce: "a-1", scannedAt: at(2) }])).json;
			expect(again.results[0]).to.include({ result: "ok", replayed: true });
			expect(again.conflicts).to.deep.equal([]);
		});

		it("a big upload (60 tickets, each scanned twice) is judged per ticket in time order; a re-upload replays it", async () => {
			const tickets: Array<{ code: string; id: string }> = [];
			for (let i = 0; i < 6; i++) tickets.push(...(await book(stack, buyer, event.id, event.single, 10)).tickets);
			const base = Date.now() - 60_000;
			const scans = tickets.flatMap((t, i) => [
				{ code: t.code, nonce: `big-${i}-late`, scannedAt: new Date(base + 30_000 + i).toISOString() },
				{ code: t.code, nonce: `big-${i}-early`, scannedAt: new Date(base + i).toISOString() }
			]);
			const res = ok(await sync(stack, event.id, gateB.token, scans)).json;
			expect(res.results).to.have.length(120);
			expect(res.results.filter((r: { nonce: string; result: string }) => r.nonce.endsWith("-early")).every((r: { result: string }) => r.result === "ok")).to.equal(true);
			expect(res.results.filter((r: { nonce: string; result: string }) => r.nonce.endsWith("-late")).every((r: { result: string }) => r.result === "already_checked_in")).to.equal(true);
			expect(res.conflicts).to.have.length(60);
			const [row] = await coreQuery<{ used: string }>("SELECT count(*) AS used FROM events.tickets WHERE id = ANY($1::uuid[]) AND status = 'used' AND entries = 1", [tickets.map(t => t.id)]);
			expect(Number(row.used)).to.equal(60);
			const again = ok(await sync(stack, event.id, gateB.token, scans)).json;
			expect(again.results.every((r: { replayed?: boolean }) => r.replayed === true)).to.equal(true);
			expect(again.conflicts).to.deep.equal([]);
		});

		it("judges each scan at its own time and refuses junk per scan", async () => {
			const { tickets } = await book(stack, buyer, event.id, event.single);
			const res = ok(
				await sync(stack, event.id, gateA.token, [
					// Years before the doors opened: not valid then.
					{ code: tickets[0].code, nonce: "x-1", scannedAt: "2020-01-01T10:00:00Z" },
					{ code: "junk", nonce: "x-2", scannedAt: new Date().toISOString() }
				])
			).json;
			expect(res.results.map((r: { result: string }) => r.result)).to.deep.equal(["not_valid_now", "invalid_signature"]);
		});

		it("400 for a bad batch, 401 without a scanner token", async () => {
			const { tickets } = await book(stack, buyer, event.id, event.single);
			const code = tickets[0].code;
			const now = new Date().toISOString();
			expect((await sync(stack, event.id, gateA.token, [])).status).to.equal(400);
			expect((await sync(stack, event.id, gateA.token, [{ code, nonce: "d", scannedAt: "soon" }])).status).to.equal(400);
			expect((await sync(stack, event.id, gateA.token, [{ code, nonce: "d", scannedAt: now }, { code, nonce: "d", scannedAt: now }])).status).to.equal(400);
			expect((await sync(stack, event.id, null, [{ code, nonce: "d", scannedAt: now }])).status).to.equal(401);
			const [row] = await coreQuery<{ status: string }>("SELECT status FROM events.tickets WHERE id = $1", [tickets[0].id]);
			expect(row.status).to.equal("valid");
		});
	});
});
