/**
 * Blocks, mutes, privacy settings, search and suggestions through REST, and
 * the internal relationship reads other domains use (cached, yet a change is
 * visible at once).
 */
import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { call, createProfiles, follow } from "./support";

type Rel = { following: boolean; followedBy: boolean; requested: boolean; blocking: boolean; blockedBy: boolean; muting: boolean };

describe("users: blocks, mutes, privacy, search, suggestions", function () {
	this.timeout(120_000);
	let stack: Stack;
	let asha: TestUser;
	let baraka: TestUser;
	let chausiku: TestUser;
	const tag = newId().replace(/-/g, "").slice(-6);
	const rel = (viewerId: string, userIds: string[]) => stack.broker.call<Record<string, Rel>, object>("users.relationships", { viewerId, userIds });

	before(async () => {
		stack = await getStack();
		[asha, baraka, chausiku] = await createProfiles(stack, 3);
		await call(stack, "/me", asha, { method: "PATCH", body: { displayName: `Asha Kilimanjaro ${tag}` } });
		await call(stack, "/me", baraka, { method: "PATCH", body: { displayName: `Baraka Mwanza ${tag}` } });
	});

	describe("POST|DELETE /users/:id/block", () => {
		it("removes follows both ways and their counts; the blocked user cannot follow, see the profile or find the blocker", async () => {
			await follow(stack, asha, baraka.userId);
			await follow(stack, baraka, asha.userId);
			expect((await call(stack, "/me", asha)).json.counts).to.include({ followers: 1, following: 1 });

			const res = await call(stack, `/${baraka.userId}/block`, asha, { method: "POST" });
			expect(res.status).to.equal(200);
			expect(res.json).to.deep.equal({ blocked: true });
			expect((await call(stack, `/${baraka.userId}/block`, asha, { method: "POST" })).status).to.equal(200);
			expect((await call(stack, "/me", asha)).json.counts).to.include({ followers: 0, following: 0 });
			expect((await call(stack, "/me", baraka)).json.counts).to.include({ followers: 0, following: 0 });

			const followBack = await follow(stack, baraka, asha.userId);
			expect(followBack.status).to.equal(404);
			const [rows] = await coreQuery<{ n: string }>("SELECT count(*) AS n FROM users.follows WHERE follower_id = $1 AND followee_id = $2", [baraka.userId, asha.userId]);
			expect(Number(rows.n)).to.equal(0);
			expect((await call(stack, `/${asha.userId}`, baraka)).status).to.equal(404);
			expect((await call(stack, `/${asha.userId}/trust`, baraka)).status).to.equal(404);
			expect((await call(stack, `/${asha.userId}/followers`, baraka)).status).to.equal(404);
			expect((await call(stack, `/${asha.userId}/mute`, baraka, { method: "POST" })).status).to.equal(404);
			const search = await call(stack, `?q=${encodeURIComponent(`kilimanjaro ${tag}`)}`, baraka);
			expect(search.status).to.equal(200);
			expect(search.json.items.map((u: { id: string }) => u.id)).to.not.include(asha.userId);
			// …and the blocker does not find the blocked user either.
			const other = await call(stack, `?q=${encodeURIComponent(`mwanza ${tag}`)}`, asha);
			expect(other.json.items.map((u: { id: string }) => u.id)).to.not.include(baraka.userId);
			// The blocker still sees the profile, flagged.
			expect((await call(stack, `/${baraka.userId}`, asha)).json.viewer).to.include({ blocked: true, following: false });
			// Following someone I block: unblock first.
			const mine = await follow(stack, asha, baraka.userId);
			expect(mine.status).to.equal(409);
			expect(mine.json.type).to.equal("USER_BLOCKED");
		});

		it("tells other domains through the internal reads: no content, no messages", async () => {
			expect((await rel(baraka.userId, [asha.userId]))[asha.userId]).to.include({ blockedBy: true, following: false });
			expect((await rel(asha.userId, [baraka.userId]))[baraka.userId]).to.include({ blocking: true });
			expect(await stack.broker.call("users.canView", { viewerId: baraka.userId, authorId: asha.userId })).to.deep.equal({ allowed: false, reason: "blocked" });
			expect(await stack.broker.call("users.canMessage", { senderId: baraka.userId, recipientId: asha.userId })).to.deep.equal({ allowed: false, reason: "blocked" });
			expect(await stack.broker.call("users.canMessage", { senderId: asha.userId, recipientId: baraka.userId })).to.deep.equal({ allowed: false, reason: "blocked" });
		});

		it("unblock (204) lifts it: visible and followable again, follows do not come back", async () => {
			expect((await call(stack, `/${baraka.userId}/block`, asha, { method: "DELETE" })).status).to.equal(204);
			expect((await call(stack, `/${baraka.userId}/block`, asha, { method: "DELETE" })).status).to.equal(204);
			expect((await call(stack, `/${asha.userId}`, baraka)).status).to.equal(200);
			expect((await rel(baraka.userId, [asha.userId]))[asha.userId]).to.include({ blockedBy: false, following: false });
			expect(await stack.broker.call("users.canMessage", { senderId: baraka.userId, recipientId: asha.userId })).to.deep.equal({ allowed: true });
			expect((await follow(stack, baraka, asha.userId)).json.status).to.equal("following");
		});

		it("400 bad id, 404 unknown user, 422 myself, 401 without a token", async () => {
			expect((await call(stack, "/nope/block", asha, { method: "POST" })).status).to.equal(400);
			expect((await call(stack, `/${newId()}/block`, asha, { method: "POST" })).status).to.equal(404);
			expect((await call(stack, `/${asha.userId}/block`, asha, { method: "POST" })).json.type).to.equal("CANNOT_BLOCK_SELF");
			expect((await call(stack, `/${baraka.userId}/block`, null, { method: "POST" })).status).to.equal(401);
			expect((await call(stack, `/${baraka.userId}/block`, null, { method: "DELETE" })).status).to.equal(401);
		});
	});

	describe("POST|DELETE /users/:id/mute", () => {
		it("mutes silently: only the muter's view changes, follows stay", async () => {
			await follow(stack, chausiku, asha.userId);
			const res = await call(stack, `/${asha.userId}/mute`, chausiku, { method: "POST" });
			expect(res.status).to.equal(200);
			expect(res.json).to.deep.equal({ muted: true });
			expect((await call(stack, `/${asha.userId}`, chausiku)).json.viewer).to.include({ muted: true, following: true });
			expect((await call(stack, `/${chausiku.userId}`, asha)).json.viewer).to.include({ muted: false, followedBy: true });
			expect((await rel(chausiku.userId, [asha.userId]))[asha.userId]).to.include({ muting: true });
			const [events] = await coreQuery<{ n: string }>("SELECT count(*) AS n FROM users.outbox WHERE type LIKE 'users.mute%'");
			expect(Number(events.n)).to.equal(0);
			expect((await call(stack, `/${asha.userId}/mute`, chausiku, { method: "DELETE" })).status).to.equal(204);
			expect((await rel(chausiku.userId, [asha.userId]))[asha.userId]).to.include({ muting: false });
		});

		it("400 bad id, 404 unknown user, 422 myself, 401 without a token", async () => {
			expect((await call(stack, "/nope/mute", asha, { method: "POST" })).status).to.equal(400);
			expect((await call(stack, `/${newId()}/mute`, asha, { method: "POST" })).status).to.equal(404);
			expect((await call(stack, `/${asha.userId}/mute`, asha, { method: "POST" })).json.type).to.equal("CANNOT_MUTE_SELF");
			expect((await call(stack, `/${asha.userId}/mute`, null, { method: "DELETE" })).status).to.equal(401);
		});
	});

	describe("internal reads are cached and cleared on every change", () => {
		it("users.relationships shows a follow, a mute and a block at once, from both sides", async () => {
			const [x, y] = await createProfiles(stack, 2);
			const none = { following: false, followedBy: false, requested: false, blocking: false, blockedBy: false, muting: false };
			// Prime the cache with the "nothing" answer, twice (the second is served from the cache).
			expect((await rel(x.userId, [y.userId]))[y.userId]).to.deep.equal(none);
			expect((await rel(x.userId, [y.userId]))[y.userId]).to.deep.equal(none);
			expect((await rel(y.userId, [x.userId]))[x.userId]).to.deep.equal(none);
			expect(await stack.broker.call("users.canView", { viewerId: y.userId, authorId: x.userId })).to.deep.equal({ allowed: true });
			const key = `users.relationships:${x.userId}:`;
			const cached = await stack.broker.cacher!.getCacheKeys();
			expect(cached.some(k => k.key.includes(key)), "the answer is in the cache").to.equal(true);

			await follow(stack, x, y.userId);
			expect((await rel(x.userId, [y.userId]))[y.userId]).to.deep.equal({ ...none, following: true });
			expect((await rel(y.userId, [x.userId]))[x.userId]).to.deep.equal({ ...none, followedBy: true });
			await call(stack, `/${y.userId}/mute`, x, { method: "POST" });
			expect((await rel(x.userId, [y.userId]))[y.userId]).to.deep.equal({ ...none, following: true, muting: true });
			await call(stack, `/${x.userId}/block`, y, { method: "POST" });
			expect((await rel(x.userId, [y.userId]))[y.userId]).to.deep.equal({ ...none, muting: true, blockedBy: true });
			expect(await stack.broker.call("users.canView", { viewerId: y.userId, authorId: x.userId })).to.deep.equal({ allowed: false, reason: "blocked" });
		});

		it("users.canMessage follows the recipient's setting at once", async () => {
			const [x, y] = await createProfiles(stack, 2);
			const can = () => stack.broker.call("users.canMessage", { senderId: x.userId, recipientId: y.userId });
			expect(await can()).to.deep.equal({ allowed: true });
			await call(stack, "/me/privacy", y, { method: "PATCH", body: { whoCanMessage: "followers" } });
			expect(await can()).to.deep.equal({ allowed: false, reason: "not_follower" });
			await follow(stack, x, y.userId);
			expect(await can()).to.deep.equal({ allowed: true });
			await call(stack, "/me/privacy", y, { method: "PATCH", body: { whoCanMessage: "nobody" } });
			expect(await can()).to.deep.equal({ allowed: false, reason: "nobody" });
		});

		it("users.profiles answers cards in a batch; a name change shows at once; unknown ids are absent", async () => {
			const [x, y] = await createProfiles(stack, 2);
			const unknown = newId();
			const cards = () => stack.broker.call<Record<string, { displayName: string; username: string; avatar: unknown; isPrivate: boolean }>, object>("users.profiles", { ids: [x.userId, y.userId, unknown] });
			const first = await cards();
			expect(Object.keys(first).sort()).to.deep.equal([x.userId, y.userId].sort());
			expect(first[x.userId]).to.have.keys("id", "username", "displayName", "avatar", "isPrivate");
			await call(stack, "/me", x, { method: "PATCH", body: { displayName: "Renamed Person", isPrivate: true } });
			expect((await cards())[x.userId]).to.include({ displayName: "Renamed Person", isPrivate: true });
		});
	});

	describe("GET|PATCH /users/me/privacy", () => {
		it("reads and changes the settings; 400 for bad values (nothing changes); 401 without a token", async () => {
			const before = await call(stack, "/me/privacy", chausiku);
			expect(before.status).to.equal(200);
			expect(before.json).to.deep.equal({ isPrivate: false, whoCanMessage: "everyone", showFollowers: true, discoverableByPhone: true });
			const res = await call(stack, "/me/privacy", chausiku, { method: "PATCH", body: { whoCanMessage: "followers", discoverableByPhone: false } });
			expect(res.json).to.deep.equal({ isPrivate: false, whoCanMessage: "followers", showFollowers: true, discoverableByPhone: false });
			expect((await call(stack, "/me/privacy", chausiku, { method: "PATCH", body: { whoCanMessage: "friends" } })).status).to.equal(400);
			expect((await call(stack, "/me/privacy", chausiku, { method: "PATCH", body: { showFollowers: "no" } })).status).to.equal(400);
			expect((await call(stack, "/me/privacy", chausiku)).json.whoCanMessage).to.equal("followers");
			expect((await call(stack, "/me/privacy", null)).status).to.equal(401);
			expect((await call(stack, "/me/privacy", null, { method: "PATCH", body: {} })).status).to.equal(401);
		});

		it("finding by phone number respects discoverableByPhone", async () => {
			const found = await call(stack, `?phone=${encodeURIComponent(asha.phone!)}`, baraka);
			expect(found.status).to.equal(200);
			expect(found.json.items.map((u: { id: string }) => u.id)).to.deep.equal([asha.userId]);
			expect((await call(stack, `?phone=${encodeURIComponent(chausiku.phone!)}`, baraka)).json.items).to.deep.equal([]);
			expect((await call(stack, "?phone=12", baraka)).status).to.equal(400);
		});
	});

	describe("GET /users?q= (search)", () => {
		it("tolerates typos in usernames and display names, ranks the closest first", async () => {
			const typo = await call(stack, `?q=${encodeURIComponent(`kilmanjaro ${tag}`)}`, chausiku);
			expect(typo.status).to.equal(200);
			expect(typo.json.items[0].id).to.equal(asha.userId);
			const byUsername = (await call(stack, `/${baraka.userId}`, chausiku)).json.username as string;
			const partial = await call(stack, `?q=${encodeURIComponent(byUsername.slice(0, -1))}`, chausiku);
			expect(partial.json.items.map((u: { id: string }) => u.id)).to.include(baraka.userId);
		});

		it("pages with a cursor", async () => {
			const people = await createProfiles(stack, 3);
			for (const [i, p] of people.entries()) await call(stack, "/me", p, { method: "PATCH", body: { displayName: `Zawadi Pagetest${tag} ${i}` } });
			const q = encodeURIComponent(`zawadi pagetest${tag}`);
			const first = await call(stack, `?q=${q}&limit=2`, chausiku);
			expect(first.json.items).to.have.length(2);
			const ids: string[] = first.json.items.map((u: { id: string }) => u.id);
			let cursor = first.json.nextCursor;
			while (cursor) {
				const next = await call(stack, `?q=${q}&limit=2&cursor=${cursor}`, chausiku);
				ids.push(...next.json.items.map((u: { id: string }) => u.id));
				cursor = next.json.nextCursor;
			}
			expect(new Set(ids).size, "no repeats across pages").to.equal(ids.length);
			expect(ids.slice(0, 3)).to.have.members(people.map(p => p.userId));
		});

		it("400 without a query or with a bad cursor, 401 without a token", async () => {
			expect((await call(stack, "?q=", chausiku)).status).to.equal(400);
			expect((await call(stack, "", chausiku)).status).to.equal(400);
			expect((await call(stack, "?q=asha&cursor=bm9wZQ", chausiku)).status).to.equal(400);
			expect((await call(stack, "?q=asha", null)).status).to.equal(401);
		});
	});

	describe("GET /users/me/suggestions", () => {
		it("suggests friends of friends first, then people in my city, never the blocked or already followed", async () => {
			const [me, friend, fof1, fof2, local, blocked] = await createProfiles(stack, 6);
			const city = `Arusha${tag}`;
			await call(stack, "/me", me, { method: "PATCH", body: { location: { country: "TZ", city } } });
			await call(stack, "/me", local, { method: "PATCH", body: { location: { country: "TZ", city: city.toUpperCase() } } });
			await follow(stack, me, friend.userId);
			for (const u of [fof1, fof2, blocked]) await follow(stack, friend, u.userId);
			await follow(stack, fof1, fof2.userId);
			await follow(stack, me, fof1.userId);
			await call(stack, `/${me.userId}/block`, blocked, { method: "POST" });
			const res = await call(stack, "/me/suggestions", me);
			expect(res.status).to.equal(200);
			const ids = res.json.items.map((u: { id: string }) => u.id);
			expect(ids).to.include.members([fof2.userId, local.userId]);
			expect(ids).to.not.include.members([me.userId, friend.userId, fof1.userId, blocked.userId]);
			expect(ids.indexOf(fof2.userId)).to.be.lessThan(ids.indexOf(local.userId));
			const fof = res.json.items.find((u: { id: string }) => u.id === fof2.userId);
			expect(fof.suggestion).to.deep.equal({ reason: "mutual_follows", mutuals: 2 });
			expect(res.json.items.find((u: { id: string }) => u.id === local.userId).suggestion.reason).to.equal("same_city");
		});

		it("400 for a bad limit, 401 without a token", async () => {
			expect((await call(stack, "/me/suggestions?limit=0", asha)).status).to.equal(400);
			expect((await call(stack, "/me/suggestions", null)).status).to.equal(401);
		});
	});
});
