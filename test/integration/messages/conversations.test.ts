/**
 * Conversations through REST: 1:1 reused (also when both ends create it at
 * once), groups with a title and an admin, membership changes, mute, the
 * list with unread counts and last messages, and who may message whom
 * (blocks, whoCanMessage) as users decides.
 */
import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { call, conversationOf, createProfiles, messagesReady, send, usersCall } from "./support";

describe("messages: conversations", function () {
	this.timeout(120_000);
	let stack: Stack;
	let asha: TestUser;
	let juma: TestUser;
	let neema: TestUser;
	let baraka: TestUser;

	before(async () => {
		stack = await getStack();
		await messagesReady(stack);
		[asha, juma, neema, baraka] = await createProfiles(stack, 4);
	});

	describe("POST /messages/conversations", () => {
		it("creates a 1:1 once (201) and answers the same one after (200), from either end", async () => {
			const first = await call(stack, "/conversations", asha, { method: "POST", body: { memberIds: [juma.userId] } });
			expect(first.status).to.equal(201);
			expect(first.json).to.include({ kind: "direct", title: null, lastSeq: 0, unreadCount: 0, lastMessage: null, muted: false });
			expect(first.json.members.map((m: { userId: string }) => m.userId).sort()).to.deep.equal([asha.userId, juma.userId].sort());
			expect(first.json.members[0].profile).to.include.keys("id", "username", "displayName");
			const again = await call(stack, "/conversations", asha, { method: "POST", body: { memberIds: [juma.userId, asha.userId] } });
			expect(again.status).to.equal(200);
			expect(again.json.id).to.equal(first.json.id);
			const reverse = await call(stack, "/conversations", juma, { method: "POST", body: { memberIds: [asha.userId] } });
			expect(reverse.json.id).to.equal(first.json.id);
		});

		it("makes one 1:1 when both ends create it in parallel", async () => {
			const results = await Promise.all(
				Array.from({ length: 10 }, (_, i) => (i % 2 ? call(stack, "/conversations", neema, { method: "POST", body: { memberIds: [baraka.userId] } }) : call(stack, "/conversations", baraka, { method: "POST", body: { memberIds: [neema.userId] } })))
			);
			expect(results.every(r => r.status === 200 || r.status === 201)).to.equal(true);
			expect(results.filter(r => r.status === 201)).to.have.length(1);
			expect(new Set(results.map(r => r.json.id)).size).to.equal(1);
			const rows = await coreQuery("SELECT id FROM messages.conversations WHERE kind = 'direct' AND created_by = ANY($1)", [[neema.userId, baraka.userId]]);
			expect(rows).to.have.length(1);
		});

		it("creates a group with a title; the creator is its admin", async () => {
			const res = await call(stack, "/conversations", asha, { method: "POST", body: { memberIds: [juma.userId, neema.userId], title: "  Soko   la Jumamosi " } });
			expect(res.status).to.equal(201);
			expect(res.json).to.include({ kind: "group", title: "Soko la Jumamosi", role: "admin" });
			expect(res.json.members).to.have.length(3);
			// A second group with the same people is a new group (only 1:1s are reused).
			const again = await call(stack, "/conversations", asha, { method: "POST", body: { memberIds: [juma.userId, neema.userId], title: "Soko la Jumamosi" } });
			expect(again.status).to.equal(201);
			expect(again.json.id).to.not.equal(res.json.id);
		});

		it("400 for bad input, 422 for no one else or unknown users, 401 without a token", async () => {
			expect((await call(stack, "/conversations", asha, { method: "POST", body: {} })).status).to.equal(400);
			expect((await call(stack, "/conversations", asha, { method: "POST", body: { memberIds: ["nope"] } })).status).to.equal(400);
			expect((await call(stack, "/conversations", asha, { method: "POST", body: { memberIds: [juma.userId], title: "x".repeat(101) } })).status).to.equal(400);
			const alone = await call(stack, "/conversations", asha, { method: "POST", body: { memberIds: [asha.userId] } });
			expect([alone.status, alone.json.type]).to.deep.equal([422, "NO_MEMBERS"]);
			const ghost = newId();
			const unknown = await call(stack, "/conversations", asha, { method: "POST", body: { memberIds: [ghost] } });
			expect([unknown.status, unknown.json.type]).to.deep.equal([422, "UNKNOWN_USERS"]);
			expect(unknown.json.data.userIds).to.deep.equal([ghost]);
			expect((await call(stack, "/conversations", null, { method: "POST", body: { memberIds: [juma.userId] } })).status).to.equal(401);
		});
	});

	describe("GET /messages/conversations and /conversations/:id", () => {
		it("lists mine by latest activity, with unreadCount and lastMessage; pages with a cursor", async () => {
			const [p, q, r] = await createProfiles(stack, 3);
			const pq = await conversationOf(stack, p, [q.userId]);
			const pr = await conversationOf(stack, p, [r.userId]);
			await send(stack, q, pq, { text: "first" });
			await send(stack, q, pq, { text: "second" });
			await send(stack, r, pr, { text: "latest" });
			const list = await call(stack, "/conversations?limit=1", p);
			expect(list.status).to.equal(200);
			expect(list.json.items).to.have.length(1);
			expect(list.json.items[0]).to.include({ id: pr, unreadCount: 1, lastSeq: 1 });
			expect(list.json.items[0].lastMessage).to.include({ text: "latest", seq: 1, senderId: r.userId });
			const next = await call(stack, `/conversations?limit=1&cursor=${list.json.nextCursor}`, p);
			expect(next.json.items[0]).to.include({ id: pq, unreadCount: 2 });
			expect(next.json.items[0].lastMessage.text).to.equal("second");
			expect(next.json.nextCursor).to.equal(null);
			// The sender has nothing unread: sending means the conversation was read.
			expect((await call(stack, `/conversations/${pq}`, q)).json.unreadCount).to.equal(0);
			expect((await call(stack, "/conversations?cursor=!!", p)).status).to.equal(400);
			const forged = Buffer.from(JSON.stringify(["not a date", "nope"])).toString("base64url");
			expect((await call(stack, `/conversations?cursor=${forged}`, p)).json.type).to.equal("INVALID_CURSOR");
			expect((await call(stack, "/conversations", null)).status).to.equal(401);
		});

		it("404 for a conversation I am not in (the same as for none), 400 for a bad id", async () => {
			const pair = await conversationOf(stack, asha, [juma.userId]);
			const res = await call(stack, `/conversations/${pair}`, neema);
			expect([res.status, res.json.type]).to.deep.equal([404, "CONVERSATION_NOT_FOUND"]);
			expect((await call(stack, `/conversations/${newId()}`, neema)).status).to.equal(404);
			expect((await call(stack, "/conversations/nope", neema)).status).to.equal(400);
			expect((await call(stack, `/conversations/${pair}`, null)).status).to.equal(401);
		});
	});

	describe("groups: members, title, leaving; mute", () => {
		it("admins add members (who see only what comes after) and remove them; members leave", async () => {
			const [admin, m1, m2, late] = await createProfiles(stack, 4);
			const group = await conversationOf(stack, admin, [m1.userId, m2.userId], "Wauzaji");
			await send(stack, admin, group, { text: "before you came" });
			const byMember = await call(stack, `/conversations/${group}/members`, m1, { method: "POST", body: { userIds: [late.userId] } });
			expect([byMember.status, byMember.json.type]).to.deep.equal([403, "NOT_GROUP_ADMIN"]);
			const added = await call(stack, `/conversations/${group}/members`, admin, { method: "POST", body: { userIds: [late.userId] } });
			expect(added.status).to.equal(200);
			expect(added.json.members).to.have.length(4);
			await send(stack, admin, group, { text: "welcome" });
			const seen = await call(stack, `/conversations/${group}/messages`, late);
			expect(seen.json.items.map((m: { text: string }) => m.text)).to.deep.equal(["welcome"]);
			expect((await call(stack, `/conversations/${group}`, late)).json.unreadCount).to.equal(1);

			expect((await call(stack, `/conversations/${group}/members/${m2.userId}`, m1, { method: "DELETE" })).status).to.equal(403);
			expect((await call(stack, `/conversations/${group}/members/${m2.userId}`, admin, { method: "DELETE" })).status).to.equal(204);
			expect((await call(stack, `/conversations/${group}`, m2)).status).to.equal(404);
			expect((await call(stack, `/conversations/${group}/members/${m1.userId}`, m1, { method: "DELETE" })).status).to.equal(204);
			expect((await send(stack, m1, group)).status).to.equal(404);
			const left = await call(stack, `/conversations/${group}`, admin);
			expect(left.json.members.map((m: { userId: string }) => m.userId).sort()).to.deep.equal([admin.userId, late.userId].sort());
		});

		it("the last admin leaving makes the longest-standing member admin", async () => {
			const [admin, m1, m2] = await createProfiles(stack, 3);
			const group = await conversationOf(stack, admin, [m1.userId, m2.userId], "Handover");
			expect((await call(stack, `/conversations/${group}/members/${admin.userId}`, admin, { method: "DELETE" })).status).to.equal(204);
			const view = await call(stack, `/conversations/${group}`, m1);
			expect(view.json.members.filter((m: { role: string }) => m.role === "admin")).to.have.length(1);
		});

		it("renames a group (admins only; not a 1:1) and mutes for me", async () => {
			const group = await conversationOf(stack, asha, [juma.userId, neema.userId], "Old name");
			const renamed = await call(stack, `/conversations/${group}`, asha, { method: "PATCH", body: { title: "New name" } });
			expect(renamed.json.title).to.equal("New name");
			expect((await call(stack, `/conversations/${group}`, juma, { method: "PATCH", body: { title: "Mine" } })).status).to.equal(403);
			const pair = await conversationOf(stack, asha, [juma.userId]);
			expect((await call(stack, `/conversations/${pair}`, asha, { method: "PATCH", body: { title: "x" } })).json.type).to.equal("NOT_A_GROUP");
			const muted = await call(stack, `/conversations/${pair}`, juma, { method: "PATCH", body: { muted: true } });
			expect(muted.json.muted).to.equal(true);
			expect((await call(stack, `/conversations/${pair}`, asha)).json.muted).to.equal(false);
			expect((await call(stack, `/conversations/${pair}`, neema, { method: "PATCH", body: { muted: true } })).status).to.equal(404);
			expect((await call(stack, `/conversations/${pair}`, juma, { method: "PATCH", body: { muted: "yes" } })).status).to.equal(400);
		});
	});

	describe("who may message whom (users.canMessage)", () => {
		it("a blocked user cannot start a conversation nor send in an existing one", async () => {
			const [p, q] = await createProfiles(stack, 2);
			const pair = await conversationOf(stack, p, [q.userId]);
			expect((await send(stack, p, pair)).status).to.equal(201);
			expect((await usersCall(stack, `/${p.userId}/block`, q, { method: "POST" })).status).to.equal(200);
			const sent = await send(stack, p, pair);
			expect([sent.status, sent.json.type, sent.json.data?.reason]).to.deep.equal([403, "MESSAGING_NOT_ALLOWED", "blocked"]);
			// Nor the other way round.
			expect((await send(stack, q, pair)).status).to.equal(403);
			const [r] = await createProfiles(stack, 1);
			const group = await call(stack, "/conversations", p, { method: "POST", body: { memberIds: [q.userId, r.userId], title: "No" } });
			expect([group.status, group.json.data?.userId]).to.deep.equal([403, q.userId]);
			const rows = await coreQuery("SELECT count(*)::int AS n FROM messages.messages WHERE conversation_id = $1", [pair]);
			expect(rows[0].n).to.equal(1);
		});

		it("a retry of a message that landed before a block still answers that message (200); a new one is refused", async () => {
			const [p, q] = await createProfiles(stack, 2);
			const pair = await conversationOf(stack, p, [q.userId]);
			const clientId = newId();
			const first = await send(stack, p, pair, { clientId, text: "kabla" });
			expect(first.status).to.equal(201);
			expect((await usersCall(stack, `/${p.userId}/block`, q, { method: "POST" })).status).to.equal(200);
			const again = await send(stack, p, pair, { clientId, text: "kabla" });
			expect([again.status, again.json.id, again.json.seq]).to.deep.equal([200, first.json.id, first.json.seq]);
			expect((await send(stack, p, pair)).status).to.equal(403);
			const [c] = await coreQuery("SELECT last_seq::int AS n FROM messages.conversations WHERE id = $1", [pair]);
			expect(c.n).to.equal(1);
		});

		it("whoCanMessage=nobody refuses new messages; followers lets followers in", async () => {
			const [p, q] = await createProfiles(stack, 2);
			expect((await usersCall(stack, "/me/privacy", q, { method: "PATCH", body: { whoCanMessage: "nobody" } })).status).to.equal(200);
			const res = await call(stack, "/conversations", p, { method: "POST", body: { memberIds: [q.userId] } });
			expect([res.status, res.json.data?.reason]).to.deep.equal([403, "nobody"]);
			expect((await usersCall(stack, "/me/privacy", q, { method: "PATCH", body: { whoCanMessage: "followers" } })).status).to.equal(200);
			expect((await call(stack, "/conversations", p, { method: "POST", body: { memberIds: [q.userId] } })).json.data?.reason).to.equal("not_follower");
			expect((await usersCall(stack, `/${q.userId}/follow`, p, { method: "POST" })).status).to.equal(200);
			const pair = await conversationOf(stack, p, [q.userId]);
			expect((await send(stack, p, pair)).status).to.equal(201);
		});
	});
});
