/**
 * Tickets through REST: mine, one with its QR image, the code verified the
 * way any offline scanner would (node:crypto and the published public key
 * only), a changed byte refused, revoked tickets refused and listed.
 */
import { expect } from "chai";
import { createPublicKey, verify } from "node:crypto";
import QRCode from "qrcode";
import { newId } from "../../../lib/ids";
import { getStack, type Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { api, asScanner, book, createProfiles, ok, publishedEvent, registerScanner, revocations, scan, type TestEvent } from "./tickets-helpers";

/** Everything a third party needs: split, look the kid up in the published keys, RSA-SHA256 verify. */
function independentlyVerify(code: string, keys: Array<{ kid: string; alg: string; publicKeyPem: string }>): { valid: boolean; payload?: Record<string, unknown> } {
	const [h, p, s] = code.split(".");
	const header = JSON.parse(Buffer.from(h, "base64url").toString("utf8"));
	const key = keys.find(k => k.kid === header.kid);
	if (!key || header.alg !== "RS256" || key.alg !== "RS256") return { valid: false };
	const valid = verify("sha256", Buffer.from(`${h}.${p}`), createPublicKey(key.publicKeyPem), Buffer.from(s, "base64url"));
	return { valid, payload: JSON.parse(Buffer.from(p, "base64url").toString("utf8")) };
}

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ""), "hex").toString("base64url");

describe("events: tickets", function () {
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

	it("a free booking issues tickets; GET /events/tickets lists mine, newest first, paged", async () => {
		const first = await book(stack, buyer, event.id, event.single, 2);
		const second = await book(stack, buyer, event.id, event.reentry, 1);
		const page1 = ok(await api(stack, "/tickets?limit=2", buyer)).json;
		expect(page1.items).to.have.length(2);
		expect(page1.items[0].id).to.equal(second.tickets[0].id);
		expect(page1.nextCursor).to.be.a("string");
		const page2 = ok(await api(stack, `/tickets?limit=2&cursor=${page1.nextCursor}`, buyer)).json;
		const seen = [...page1.items, ...page2.items].map((t: { id: string }) => t.id);
		for (const t of [...first.tickets, ...second.tickets]) expect(seen).to.include(t.id);
		for (const t of page1.items) expect(t).to.include({ status: "valid", eventId: event.id, holderId: buyer.userId });
		expect(ok(await api(stack, "/tickets", other)).json.items.filter((t: { eventId: string }) => t.eventId === event.id)).to.deep.equal([]);
	});

	it("GET /events/tickets/:id: { id, status, code, qr } — the code verifies with node:crypto and the published key alone", async () => {
		const { tickets } = await book(stack, buyer, event.id, event.single);
		const res = ok(await api(stack, `/tickets/${tickets[0].id}`, buyer)).json;
		expect(res).to.include({ id: tickets[0].id, status: "valid" });
		const keys = ok(await api(stack, `/${event.id}/keys`, null)).json.keys;
		const { valid, payload } = independentlyVerify(res.code, keys);
		expect(valid).to.equal(true);
		expect(payload).to.include({ t: uuidBytes(res.id), e: uuidBytes(event.id), y: uuidBytes(event.single) });
		expect(payload!.nbf).to.be.a("number");
		expect(payload!.exp as number).to.be.greaterThan(payload!.nbf as number);
		expect(JSON.parse(Buffer.from(res.code.split(".")[0], "base64url").toString())).to.deep.equal({ alg: "RS256", kid: keys[0].kid });

		// Small enough for a cheap camera: one QR version-16 symbol (81×81) at error correction L.
		expect(res.code.length).to.be.below(560);
		expect(QRCode.create(res.code, { errorCorrectionLevel: "L" }).version).to.be.at.most(16);
		expect(res.qr).to.match(/^data:image\/png;base64,/);
		const png = Buffer.from(res.qr.split(",")[1], "base64");
		expect(png.subarray(0, 8)).to.deep.equal(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
	});

	it("a code with one byte changed is refused, by the independent check and at the gate", async () => {
		const { tickets } = await book(stack, buyer, event.id, event.single);
		const code = tickets[0].code;
		const keys = ok(await api(stack, `/${event.id}/keys`, null)).json.keys;
		const scanner = await registerScanner(stack, organizer, event.id);
		const [h, p] = code.split(".");
		// One byte in each part: header, payload, signature.
		for (const i of [Math.floor(h.length / 2), h.length + 1 + Math.floor(p.length / 2), code.length - 5]) {
			const changed = code.slice(0, i) + (code[i] === "Q" ? "R" : "Q") + code.slice(i + 1);
			let independent: boolean;
			try {
				independent = independentlyVerify(changed, keys).valid;
			} catch {
				// A changed header byte may no longer be JSON: refused just the same.
				independent = false;
			}
			expect(independent, `byte ${i}`).to.equal(false);
			expect(ok(await scan(stack, event.id, scanner.token, changed)).json).to.deep.equal({ result: "invalid_signature" });
		}
		// The unchanged code still enters.
		expect(ok(await scan(stack, event.id, scanner.token, code)).json.result).to.equal("ok");
	});

	it("cancelling the event revokes its tickets: status revoked, refused at the gate, on the revocation list", async () => {
		const own = await publishedEvent(stack, organizer);
		const { tickets } = await book(stack, buyer, own.id, own.single, 2);
		const scanner = await registerScanner(stack, organizer, own.id);
		ok(await api(stack, `/${own.id}/cancel`, organizer, { method: "POST", body: {} }));
		for (const t of tickets) {
			const got = ok(await api(stack, `/tickets/${t.id}`, buyer)).json;
			expect(got.status).to.equal("revoked");
			expect(got.revokeReason).to.equal("event_cancelled");
		}
		const res = ok(await scan(stack, own.id, scanner.token, tickets[0].code)).json;
		expect(res.result).to.equal("revoked");
		expect(res.ticket.id).to.equal(tickets[0].id);
		const list = ok(await revocations(stack, own.id, scanner.token)).json;
		expect(list.items.map((i: { ticketId: string }) => i.ticketId)).to.have.members(tickets.map(t => t.id));
		expect(list.items.map((i: { t: string }) => i.t)).to.have.members(tickets.map(t => uuidBytes(t.id)));
		// Incremental download: asOf lags the clock, so passing it back re-sends these rather than missing any.
		expect(ok(await revocations(stack, own.id, scanner.token, `?since=${encodeURIComponent(list.asOf)}`)).json.items).to.have.length(2);
		expect(ok(await revocations(stack, own.id, scanner.token, `?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).json.items).to.deep.equal([]);
	});

	it("400 for a bad id or cursor, 401 without a token, 404 for someone else's ticket", async () => {
		const { tickets } = await book(stack, buyer, event.id, event.single);
		expect((await api(stack, "/tickets/not-a-uuid", buyer)).status).to.equal(400);
		expect((await api(stack, "/tickets?cursor=@@", buyer)).status).to.equal(400);
		expect((await api(stack, `/tickets?cursor=${Buffer.from('"x"').toString("base64url")}`, buyer)).status).to.equal(400);
		expect((await api(stack, "/tickets", null)).status).to.equal(401);
		expect((await api(stack, `/tickets/${tickets[0].id}`, null)).status).to.equal(401);
		const theirs = await api(stack, `/tickets/${tickets[0].id}`, other);
		expect(theirs.status).to.equal(404);
		expect(theirs.json.type).to.equal("TICKET_NOT_FOUND");
		expect((await api(stack, `/tickets/${newId()}`, buyer)).status).to.equal(404);
	});

	it("revocation list: scanners only — 401 without a token, with a user's token or a bad one; 403 for another event's scanner; 400 for bad input", async () => {
		const scanner = await registerScanner(stack, organizer, event.id);
		expect(ok(await revocations(stack, event.id, scanner.token)).json.items).to.be.an("array");
		const none = await revocations(stack, event.id, null);
		expect(none.status).to.equal(401);
		expect(none.json.type).to.equal("SCANNER_TOKEN_REQUIRED");
		// Even the organizer's access token is not a scanner's.
		expect((await api(stack, `/${event.id}/revocations`, organizer)).status).to.equal(401);
		expect((await revocations(stack, event.id, "nsc_nope")).status).to.equal(401);
		const elsewhere = await publishedEvent(stack, other);
		const foreign = await registerScanner(stack, other, elsewhere.id);
		expect((await revocations(stack, event.id, foreign.token)).status).to.equal(403);
		expect((await revocations(stack, event.id, scanner.token, "?since=yesterday")).status).to.equal(400);
		expect((await api(stack, "/nope/revocations", null, { headers: asScanner(scanner.token) })).status).to.equal(400);
	});
});
