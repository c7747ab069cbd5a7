/**
 * Follows and follow requests through REST: following, private accounts'
 * requests, the lists and their visibility, the notifications they cause,
 * and counters that stay equal to the rows under 100 parallel requests.
 */
import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { waitFor } from "../../support/wait";
import { closeNotifDb, inAppOf } from "../notifications/support";
import { call, createProfile, createProfiles, follow } from "./support";

async function counts(stack: Stack, user: TestUser) {
	return (await call(stack, "/me", user)).json.counts as { followers: number; following: number; posts: number };
}

async function rowCounts(userId: string) {
	const [r] = await coreQuery<{ followers: string; following: string }>(
		"SELECT (SELECT count(*) FROM users.follows WHERE followee_id = $1) AS followers, (SELECT count(*) FROM users.follows WHERE follower_id = $1) AS following",
		[userId]
	);
	return { followers: Number(r.followers), following: Number(r.following) };
}

describe("users: follows", function () {
	this.timeout(120_000);
	let stack: Stack;
	let asha: TestUser;
	let juma: TestUser;
	let neema: TestUser;

	before(async () => {
		stack = await getStack();
		[asha, juma, neema] = await createProfiles(stack, 3);
		await call(stack, "/me", asha, { method: "PATCH", body: { displayName: "Asha Follows" } });
	});
	after(closeNotifDb);

	describe("POST /users/:id/follow and DELETE", () => {
		it("follows a public account at once, counts both ends, and is idempotent", async () => {
			const res = await follow(stack, asha, juma.userId);
			expect(res.status).to.equal(200);
			expect(res.json).to.deep.equal({ status: "following" });
			expect((await follow(stack, asha, juma.userId)).json).to.deep.equal({ status: "following" });
			expect((await counts(stack, juma)).followers).to.equal(1);
			expect((await counts(stack, asha)).following).to.equal(1);
			const seen = await call(stack, `/${juma.userId}`, asha);
			expect(seen.json.viewer).to.include({ following: true, followedBy: false });
			expect((await call(stack, `/${asha.userId}`, juma)).json.viewer).to.include({ following: false, followedBy: true });
		});

		it("tells the followed user (in-app 'new follower' with the follower's name)", async () => {
			const notices = await waitFor(async () => {
				const items = await inAppOf(stack, juma.accessToken);
				return items.find(n => n.type === "social.new_follower");
			}, "the new-follower notification", 20_000);
			expect(notices.title).to.equal("New follower");
			expect(notices.body).to.equal("Asha Follows started following you");
			expect(notices.data).to.include({ userId: asha.userId });
		});

		it("unfollows (204), idempotently, and the counts come back", async () => {
			expect((await call(stack, `/${juma.userId}/follow`, asha, { method: "DELETE" })).status).to.equal(204);
			expect((await call(stack, `/${juma.userId}/follow`, asha, { method: "DELETE" })).status).to.equal(204);
			expect((await counts(stack, juma)).followers).to.equal(0);
			expect((await counts(stack, asha)).following).to.equal(0);
			const [removed] = await coreQuery<{ n: string }>(
				"SELECT count(*) AS n FROM users.outbox WHERE type = 'users.follow.removed' AND envelope->'data'->>'followerId' = $1",
				[asha.userId]
			);
			expect(Number(removed.n)).to.equal(1);
		});

		it("400 for a bad id, 404 for an unknown user, 422 for myself, 401 without a token", async () => {
			expect((await follow(stack, asha, "nope")).status).to.equal(400);
			expect((await follow(stack, asha, newId())).json.type).to.equal("USER_NOT_FOUND");
			const self = await follow(stack, asha, asha.userId);
			expect(self.status).to.equal(422);
			expect(self.json.type).to.equal("CANNOT_FOLLOW_SELF");
			expect((await call(stack, `/${juma.userId}/follow`, null, { method: "POST" })).status).to.equal(401);
			expect((await call(stack, `/${juma.userId}/follow`, null, { method: "DELETE" })).status).to.equal(401);
		});
	});

	describe("private accounts and follow requests", () => {
		let priv: TestUser;
		before(async () => {
			priv = await createProfile(stack, { displayName: "Private Person" });
			expect((await call(stack, "/me", priv, { method: "PATCH", body: { isPrivate: true } })).json.isPrivate).to.equal(true);
		});

		it("a follow becomes a request; the owner sees it and is told", async () => {
			const res = await follow(stack, asha, priv.userId);
			expect(res.json).to.deep.equal({ status: "requested" });
			expect((await follow(stack, asha, priv.userId)).json).to.deep.equal({ status: "requested" });
			expect((await call(stack, `/${priv.userId}`, asha)).json.viewer).to.include({ following: false, requested: true });
			const list = await call(stack, "/me/follow-requests", priv);
			expect(list.status).to.equal(200);
			expect(list.json.items.map((u: { id: string }) => u.id)).to.deep.equal([asha.userId]);
			expect(list.json.items[0].requestedAt).to.be.a("string");
			const notice = await waitFor(async () => (await inAppOf(stack, priv.accessToken)).find(n => n.type === "social.follow_request"), "the request notification", 20_000);
			expect(notice.body).to.equal("Asha Follows asked to follow you");
			expect((await counts(stack, priv)).followers).to.equal(0);
		});

		it("hides the follower list and content from people who do not follow", async () => {
			const followers = await call(stack, `/${priv.userId}/followers`, juma);
			expect(followers.status).to.equal(403);
			expect(followers.json.type).to.equal("PRIVATE_ACCOUNT");
			expect((await call(stack, `/${priv.userId}/following`, juma)).status).to.equal(403);
			expect(await stack.broker.call("users.canView", { viewerId: juma.userId, authorId: priv.userId })).to.deep.equal({ allowed: false, reason: "private" });
			expect(await stack.broker.call("users.canView", { viewerId: null, authorId: priv.userId })).to.deep.equal({ allowed: false, reason: "private" });
			// The owner always sees their own lists.
			expect((await call(stack, `/${priv.userId}/followers`, priv)).status).to.equal(200);
		});

		it("accepting makes the requester a follower, tells them, and opens the lists to them", async () => {
			const res = await call(stack, `/me/follow-requests/${asha.userId}/accept`, priv, { method: "POST" });
			expect(res.status).to.equal(200);
			expect(res.json).to.deep.equal({ status: "following" });
			expect((await counts(stack, priv)).followers).to.equal(1);
			expect((await call(stack, "/me/follow-requests", priv)).json.items).to.deep.equal([]);
			expect((await call(stack, `/${priv.userId}/followers`, asha)).status).to.equal(200);
			expect(await stack.broker.call("users.canView", { viewerId: asha.userId, authorId: priv.userId })).to.deep.equal({ allowed: true });
			const notice = await waitFor(async () => (await inAppOf(stack, asha.accessToken)).find(n => n.type === "social.follow_request_accepted"), "the acceptance notification", 20_000);
			expect(notice.body).to.equal("Private Person accepted your follow request");
			// Accepting is the owner's own decision: no "new follower" notice for it.
			expect((await inAppOf(stack, priv.accessToken)).filter(n => n.type === "social.new_follower")).to.deep.equal([]);
		});

		it("reject removes a request; unknown requests are 404; someone else's requests are not mine to answer", async () => {
			expect((await follow(stack, juma, priv.userId)).json.status).to.equal("requested");
			// Neema cannot answer a request made to priv.
			expect((await call(stack, `/me/follow-requests/${juma.userId}/accept`, neema, { method: "POST" })).status).to.equal(404);
			expect((await call(stack, `/me/follow-requests/${juma.userId}/reject`, neema, { method: "POST" })).status).to.equal(404);
			const res = await call(stack, `/me/follow-requests/${juma.userId}/reject`, priv, { method: "POST" });
			expect(res.status).to.equal(200);
			expect(res.json).to.deep.equal({ status: "rejected" });
			expect((await call(stack, `/me/follow-requests/${juma.userId}/reject`, priv, { method: "POST" })).json.type).to.equal("FOLLOW_REQUEST_NOT_FOUND");
			expect((await call(stack, `/${priv.userId}`, juma)).json.viewer.requested).to.equal(false);
			expect((await call(stack, "/me/follow-requests/nope/accept", priv, { method: "POST" })).status).to.equal(400);
			expect((await call(stack, "/me/follow-requests", null)).status).to.equal(401);
		});

		it("withdrawing a request is DELETE /follow", async () => {
			expect((await follow(stack, neema, priv.userId)).json.status).to.equal("requested");
			expect((await call(stack, `/${priv.userId}/follow`, neema, { method: "DELETE" })).status).to.equal(204);
			expect((await call(stack, "/me/follow-requests", priv)).json.items).to.deep.equal([]);
		});

		it("going public approves the pending requests", async () => {
			expect((await follow(stack, neema, priv.userId)).json.status).to.equal("requested");
			const res = await call(stack, "/me/privacy", priv, { method: "PATCH", body: { isPrivate: false } });
			expect(res.status).to.equal(200);
			expect(res.json.isPrivate).to.equal(false);
			expect((await call(stack, `/${priv.userId}`, neema)).json.viewer).to.include({ following: true, requested: false });
			expect((await counts(stack, priv)).followers).to.equal(2);
			expect(await rowCounts(priv.userId)).to.deep.equal({ followers: 2, following: 0 });
		});
	});

	describe("GET /users/:id/followers and /following", () => {
		let star: TestUser;
		let fans: TestUser[];
		before(async () => {
			star = await createProfile(stack);
			fans = await createProfiles(stack, 5);
			for (const fan of fans) expect((await follow(stack, fan, star.userId)).status).to.equal(200);
		});

		it("pages followers newest first with a cursor, with my flags on each row", async () => {
			const first = await call(stack, `/${star.userId}/followers?limit=2`, fans[0]);
			expect(first.status).to.equal(200);
			expect(first.json.items).to.have.length(2);
			const seen = [...first.json.items];
			let cursor = first.json.nextCursor;
			while (cursor) {
				const next = await call(stack, `/${star.userId}/followers?limit=2&cursor=${cursor}`, fans[0]);
				seen.push(...next.json.items);
				cursor = next.json.nextCursor;
			}
			expect(seen.map(u => u.id)).to.deep.equal([...fans].reverse().map(f => f.userId));
			const me = seen.find(u => u.id === fans[0].userId);
			expect(me).to.not.have.property("viewer");
			const other = seen.find(u => u.id === fans[1].userId);
			expect(other.viewer).to.deep.equal({ following: false, followedBy: false, requested: false, blocked: false, muted: false });
			expect(other).to.include.keys("id", "username", "displayName", "bio", "avatar", "isPrivate", "counts");
		});

		it("lists whom a user follows", async () => {
			const res = await call(stack, `/${fans[2].userId}/following`, asha);
			expect(res.json.items.map((u: { id: string }) => u.id)).to.deep.equal([star.userId]);
			expect(res.json.nextCursor).to.equal(null);
		});

		it("hides the lists when the owner turned showFollowers off (except from the owner)", async () => {
			expect((await call(stack, "/me/privacy", star, { method: "PATCH", body: { showFollowers: false } })).json.showFollowers).to.equal(false);
			const hidden = await call(stack, `/${star.userId}/followers`, fans[0]);
			expect(hidden.status).to.equal(403);
			expect(hidden.json.type).to.equal("FOLLOWERS_HIDDEN");
			expect((await call(stack, `/${star.userId}/followers`, star)).json.items).to.have.length(5);
			await call(stack, "/me/privacy", star, { method: "PATCH", body: { showFollowers: true } });
		});

		it("400 for a bad cursor or id, 404 for an unknown user, 401 without a token", async () => {
			expect((await call(stack, `/${star.userId}/followers?cursor=bm9wZQ`, asha)).status).to.equal(400);
			expect((await call(stack, "/x/followers", asha)).status).to.equal(400);
			expect((await call(stack, `/${newId()}/followers`, asha)).status).to.equal(404);
			expect((await call(stack, `/${star.userId}/followers`, null)).status).to.equal(401);
		});

		it("users.followerIds streams follower ids in id order, in batches", async () => {
			const all: string[] = [];
			let after: string | undefined;
			for (;;) {
				const page = await stack.broker.call<{ ids: string[]; next: string | null }, object>("users.followerIds", { userId: star.userId, limit: 2, ...(after ? { after } : {}) });
				all.push(...page.ids);
				if (!page.next) break;
				after = page.next;
			}
			expect(all).to.deep.equal(fans.map(f => f.userId).sort());
		});
	});

	describe("100 parallel follow/unfollow requests", () => {
		it("leave the counters equal to the rows", async () => {
			const target = await createProfile(stack);
			const crowd = await createProfiles(stack, 10);
			// Each of 10 users sends 10 alternating follow/unfollow requests, all at once: 100 in flight.
			const requests = crowd.flatMap(u => Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? follow(stack, u, target.userId) : call(stack, `/${target.userId}/follow`, u, { method: "DELETE" }))));
			// Plus the target following them back while they act.
			requests.push(...crowd.slice(0, 5).map(u => follow(stack, target, u.userId)));
			const results = await Promise.all(requests);
			for (const r of results) expect([200, 204]).to.include(r.status);
			const rows = await rowCounts(target.userId);
			expect(await counts(stack, target)).to.include(rows);
			expect(rows.following).to.equal(5);
			for (const u of crowd) expect(await counts(stack, u)).to.include(await rowCounts(u.userId));
			const [drift] = await coreQuery<{ n: string }>(
				`SELECT count(*) AS n FROM users.profiles p
				  WHERE p.followers_count <> (SELECT count(*) FROM users.follows WHERE followee_id = p.id)
				     OR p.following_count <> (SELECT count(*) FROM users.follows WHERE follower_id = p.id)`
			);
			expect(Number(drift.n)).to.equal(0);
		});
	});
});
