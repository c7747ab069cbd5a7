/**
 * Likes, reposts, comments and polls through REST, with the notifications
 * they raise (grouped), and counters that equal the rows under 100 parallel
 * requests.
 */
import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { getStack, type Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { coreQuery } from "../../support/db";
import { waitFor } from "../../support/wait";
import { inAppOf, type Notice } from "../notifications/support";
import { call, createProfile, createProfiles, follow, post, users } from "./support";

/** The user's in-app notifications of one type, once `n` of them exist. */
function notices(stack: Stack, user: TestUser, type: string, match: (n: Notice) => boolean, what: string): Promise<Notice> {
	return waitFor(async () => (await inAppOf(stack, user.accessToken, "?limit=100")).find(n => n.type === type && match(n)), what, 20_000, 100);
}

async function likeCounts(postId: string): Promise<{ count: number; rows: number }> {
	const [row] = await coreQuery<{ likes_count: number; rows: string }>(
		"SELECT likes_count, (SELECT count(*) FROM social.likes WHERE post_id = $1) AS rows FROM social.posts WHERE id = $1",
		[postId]
	);
	return { count: row.likes_count, rows: Number(row.rows) };
}

/** Many verified users, ten registrations at a time. */
async function createMany(stack: Stack, n: number): Promise<TestUser[]> {
	const out: TestUser[] = [];
	for (let i = 0; i < n; i += 10) out.push(...(await Promise.all(Array.from({ length: Math.min(10, n - i) }, () => createProfile(stack)))));
	return out;
}

describe("social: likes, reposts, comments, polls", function () {
	this.timeout(240_000);
	let stack: Stack;
	let owner: TestUser;
	let fan: TestUser;
	let other: TestUser;

	before(async () => {
		stack = await getStack();
		[owner, fan, other] = await createProfiles(stack, 3, { displayName: "Mwanjelwa" });
		await follow(stack, fan, owner);
	});

	describe("likes", () => {
		it("like and unlike are idempotent, shown to the viewer, and notify the author grouped", async () => {
			const p = await post(stack, owner, { text: "Like me" });
			expect((await call(stack, `/posts/${p.id}/like`, fan, { method: "POST" })).json).to.deep.equal({ postId: p.id, liked: true, likes: 1 });
			expect((await call(stack, `/posts/${p.id}/like`, fan, { method: "POST" })).json.likes).to.equal(1);
			expect((await call(stack, `/posts/${p.id}/like`, other, { method: "POST" })).json.likes).to.equal(2);
			expect((await call(stack, `/posts/${p.id}`, fan)).json.viewer).to.deep.equal({ liked: true, reposted: false });
			const grouped = await notices(stack, owner, "social.post_liked", n => n.data.postId === p.id && /and/.test(n.body), "a grouped like notification");
			expect(grouped.body).to.match(/Mwanjelwa and Mwanjelwa liked your post/);
			expect((await inAppOf(stack, owner.accessToken, "?limit=100")).filter(n => n.type === "social.post_liked" && n.data.postId === p.id)).to.have.length(1);
			expect((await call(stack, `/posts/${p.id}/like`, fan, { method: "DELETE" })).json).to.deep.equal({ postId: p.id, liked: false, likes: 1 });
			expect((await call(stack, `/posts/${p.id}/like`, fan, { method: "DELETE" })).json.likes).to.equal(1);
		});

		it("400 for a bad id, 401 without a token, 404 for a post I cannot see", async () => {
			const hidden = await post(stack, owner, { text: "mine only", visibility: "private" });
			expect((await call(stack, "/posts/xyz/like", fan, { method: "POST" })).status).to.equal(400);
			expect((await call(stack, `/posts/${hidden.id}/like`, null, { method: "POST" })).status).to.equal(401);
			expect((await call(stack, `/posts/${hidden.id}/like`, fan, { method: "POST" })).status).to.equal(404);
			expect((await call(stack, `/posts/${newId()}/like`, fan, { method: "DELETE" })).status).to.equal(404);
		});

		it("100 parallel likes leave the count equal to the rows", async () => {
			const p = await post(stack, owner, { text: "Popular" });
			// 50 people, each liking twice at once (a double tap): 100 requests in flight, 50 likes.
			const likers = await createMany(stack, 50);
			const results = await Promise.all(likers.flatMap(u => [0, 1].map(() => call(stack, `/posts/${p.id}/like`, u, { method: "POST" }))));
			expect(results.filter(r => r.status === 200)).to.have.length(100);
			expect(await likeCounts(p.id)).to.deep.equal({ count: 50, rows: 50 });
			// Then half take it back while the other half like again, all at once.
			const mixed = await Promise.all(likers.flatMap((u, i) => [0, 1].map(() => call(stack, `/posts/${p.id}/like`, u, { method: i % 2 ? "DELETE" : "POST" }))));
			expect(mixed.every(r => r.status === 200)).to.equal(true);
			expect(await likeCounts(p.id)).to.deep.equal({ count: 25, rows: 25 });
			expect((await call(stack, `/posts/${p.id}`, owner)).json.counts.likes).to.equal(25);
		});
	});

	describe("reposts", () => {
		it("reposts public posts only, notifies the author, refuses what I cannot see", async () => {
			const p = await post(stack, owner, { text: "Spread the word" });
			expect((await call(stack, `/posts/${p.id}/repost`, fan, { method: "POST" })).json).to.deep.equal({ postId: p.id, reposted: true, reposts: 1 });
			expect((await call(stack, `/posts/${p.id}/repost`, fan, { method: "POST" })).json.reposts).to.equal(1);
			await notices(stack, owner, "social.post_reposted", n => n.data.postId === p.id, "a repost notification");
			const closed = await post(stack, owner, { text: "followers only", visibility: "followers" });
			const res = await call(stack, `/posts/${closed.id}/repost`, fan, { method: "POST" });
			expect(res.status).to.equal(422);
			expect(res.json.type).to.equal("NOT_SHAREABLE");
			expect((await call(stack, `/posts/${closed.id}/repost`, other, { method: "POST" })).status).to.equal(404);
			expect((await call(stack, `/posts/${p.id}/repost`, null, { method: "POST" })).status).to.equal(401);
			expect((await call(stack, "/posts/1/repost", fan, { method: "DELETE" })).status).to.equal(400);
		});
	});

	describe("comments", () => {
		it("comments and one level of replies, oldest first, with counts and notifications", async () => {
			const p = await post(stack, owner, { text: "Tell me" });
			const c1 = await call(stack, `/posts/${p.id}/comments`, fan, { method: "POST", body: { text: "Kwanza!" } });
			expect(c1.status).to.equal(201);
			expect(c1.json).to.include({ postId: p.id, parentId: null, text: "Kwanza!", repliesCount: 0 });
			expect(c1.json.author.id).to.equal(fan.userId);
			const reply = await call(stack, `/posts/${p.id}/comments`, other, { method: "POST", body: { text: "Ndiyo", parentId: c1.json.id } });
			expect(reply.status).to.equal(201);
			const nested = await call(stack, `/posts/${p.id}/comments`, owner, { method: "POST", body: { text: "Too deep", parentId: reply.json.id } });
			expect(nested.status).to.equal(422);
			expect(nested.json.type).to.equal("INVALID_PARENT");
			const top = await call(stack, `/posts/${p.id}/comments`, other);
			expect(top.json.items.map((c: { id: string }) => c.id)).to.deep.equal([c1.json.id]);
			expect(top.json.items[0].repliesCount).to.equal(1);
			const replies = await call(stack, `/posts/${p.id}/comments?parentId=${c1.json.id}`, other);
			expect(replies.json.items.map((c: { id: string }) => c.id)).to.deep.equal([reply.json.id]);
			expect((await call(stack, `/posts/${p.id}`, owner)).json.counts.comments).to.equal(2);
			await notices(stack, owner, "social.post_commented", n => n.data.postId === p.id, "a comment notification");
			await notices(stack, fan, "social.comment_replied", n => n.data.parentId === c1.json.id, "a reply notification");
		});

		it("lets the comment's author or the post's author delete (a top-level comment takes its replies); nobody else", async () => {
			const p = await post(stack, owner, { text: "Moderated" });
			const c1 = (await call(stack, `/posts/${p.id}/comments`, fan, { method: "POST", body: { text: "one" } })).json;
			await call(stack, `/posts/${p.id}/comments`, other, { method: "POST", body: { text: "reply", parentId: c1.id } });
			const c2 = (await call(stack, `/posts/${p.id}/comments`, other, { method: "POST", body: { text: "two" } })).json;
			expect((await call(stack, `/comments/${c2.id}`, fan, { method: "DELETE" })).status).to.equal(403);
			expect((await call(stack, `/comments/${c2.id}`, null, { method: "DELETE" })).status).to.equal(401);
			expect((await call(stack, "/comments/nope", other, { method: "DELETE" })).status).to.equal(400);
			expect((await call(stack, `/comments/${c2.id}`, other, { method: "DELETE" })).status).to.equal(204);
			expect((await call(stack, `/posts/${p.id}`, owner)).json.counts.comments).to.equal(2);
			expect((await call(stack, `/comments/${c1.id}`, owner, { method: "DELETE" })).status).to.equal(204);
			expect((await call(stack, `/posts/${p.id}`, owner)).json.counts.comments).to.equal(0);
			expect((await call(stack, `/comments/${c1.id}`, owner, { method: "DELETE" })).status).to.equal(404);
		});

		it("400 for empty or too long text, 404 on a post I cannot see, 401 without a token", async () => {
			const p = await post(stack, owner, { text: "x" });
			const hidden = await post(stack, owner, { text: "hidden", visibility: "followers" });
			expect((await call(stack, `/posts/${p.id}/comments`, fan, { method: "POST", body: { text: " " } })).status).to.equal(400);
			expect((await call(stack, `/posts/${p.id}/comments`, fan, { method: "POST", body: { text: "x".repeat(1001) } })).status).to.equal(400);
			expect((await call(stack, `/posts/${p.id}/comments`, fan, { method: "POST", body: {} })).status).to.equal(400);
			expect((await call(stack, `/posts/${hidden.id}/comments`, other, { method: "POST", body: { text: "hi" } })).status).to.equal(404);
			expect((await call(stack, `/posts/${hidden.id}/comments`, other)).status).to.equal(404);
			expect((await call(stack, `/posts/${p.id}/comments`, null)).status).to.equal(401);
		});

		it("50 parallel comments and deletions keep the count equal to the rows", async () => {
			const p = await post(stack, owner, { text: "Busy thread" });
			const made = await Promise.all(Array.from({ length: 25 }, (_, i) => call(stack, `/posts/${p.id}/comments`, i % 2 ? fan : other, { method: "POST", body: { text: `c${i}` } })));
			expect(made.every(r => r.status === 201)).to.equal(true);
			await Promise.all([
				...made.slice(0, 10).map(r => call(stack, `/comments/${r.json.id}`, owner, { method: "DELETE" })),
				...Array.from({ length: 15 }, (_, i) => call(stack, `/posts/${p.id}/comments`, fan, { method: "POST", body: { text: `more${i}`, parentId: made[20].json.id } }))
			]);
			const [row] = await coreQuery<{ comments_count: number; rows: string }>(
				"SELECT comments_count, (SELECT count(*) FROM social.comments WHERE post_id = $1) AS rows FROM social.posts WHERE id = $1",
				[p.id]
			);
			expect(row.comments_count).to.equal(Number(row.rows));
			expect(row.comments_count).to.equal(30);
		});
	});

	describe("polls", () => {
		const soon = () => new Date(Date.now() + 3_600_000).toISOString();

		it("single choice: one ballot per user, results, invalid choices refused", async () => {
			const p = await post(stack, owner, { text: "Which?", poll: { options: ["Chai", "Kahawa", "Maji"], expiresAt: soon() } });
			expect(p.poll.options.map((o: { text: string; votes: number }) => [o.text, o.votes])).to.deep.equal([["Chai", 0], ["Kahawa", 0], ["Maji", 0]]);
			expect(p.poll).to.include({ multiple: false, totalVotes: 0, expired: false });
			const [chai, kahawa] = p.poll.options.map((o: { id: string }) => o.id);
			const two = await call(stack, `/posts/${p.id}/poll/votes`, fan, { method: "POST", body: { optionIds: [chai, kahawa] } });
			expect(two.status).to.equal(422);
			expect(two.json.type).to.equal("INVALID_CHOICE");
			expect((await call(stack, `/posts/${p.id}/poll/votes`, fan, { method: "POST", body: { optionIds: [newId()] } })).status).to.equal(422);
			expect((await call(stack, `/posts/${p.id}/poll/votes`, fan, { method: "POST", body: { optionIds: [] } })).status).to.equal(400);
			expect((await call(stack, `/posts/${p.id}/poll/votes`, null, { method: "POST", body: { optionIds: [chai] } })).status).to.equal(401);
			const voted = await call(stack, `/posts/${p.id}/poll/votes`, fan, { method: "POST", body: { optionIds: [kahawa] } });
			expect(voted.status).to.equal(200);
			expect(voted.json.viewerVotes).to.deep.equal([kahawa]);
			expect(voted.json.totalVotes).to.equal(1);
			const again = await call(stack, `/posts/${p.id}/poll/votes`, fan, { method: "POST", body: { optionIds: [chai] } });
			expect(again.status).to.equal(409);
			expect(again.json.type).to.equal("ALREADY_VOTED");
			const noPoll = await post(stack, owner, { text: "no poll" });
			expect((await call(stack, `/posts/${noPoll.id}/poll/votes`, fan, { method: "POST", body: { optionIds: [chai] } })).status).to.equal(404);
		});

		it("multiple choice, with parallel ballots counted exactly once each", async () => {
			const p = await post(stack, owner, { text: "Pick any", poll: { options: ["A", "B"], multiple: true, expiresAt: soon() } });
			const [a, b] = p.poll.options.map((o: { id: string }) => o.id);
			const voters = await createProfiles(stack, 8);
			const res = await Promise.all(voters.flatMap(u => [0, 1].map(() => call(stack, `/posts/${p.id}/poll/votes`, u, { method: "POST", body: { optionIds: [a, b] } }))));
			expect(res.filter(r => r.status === 200)).to.have.length(8);
			expect(res.filter(r => r.status === 409)).to.have.length(8);
			const poll = (await call(stack, `/posts/${p.id}`, other)).json.poll;
			expect(poll.options.map((o: { votes: number }) => o.votes)).to.deep.equal([8, 8]);
			expect(poll).to.include({ totalVotes: 16, voters: 8 });
			expect(poll.viewerVotes).to.deep.equal([]);
		});

		it("refuses votes after expiry", async () => {
			const p = await post(stack, owner, { text: "Short", poll: { options: ["Yes", "No"], expiresAt: new Date(Date.now() + 6 * 60_000).toISOString() } });
			await coreQuery("UPDATE social.polls SET expires_at = now() - interval '1 second' WHERE post_id = $1", [p.id]);
			const res = await call(stack, `/posts/${p.id}/poll/votes`, fan, { method: "POST", body: { optionIds: [p.poll.options[0].id] } });
			expect(res.status).to.equal(422);
			expect(res.json.type).to.equal("POLL_EXPIRED");
			expect((await call(stack, `/posts/${p.id}`, fan)).json.poll.expired).to.equal(true);
		});
	});

	describe("mentions and quotes notify", () => {
		it("a mention reaches the mentioned user; a quote reaches the quoted author", async () => {
			const name = (await users(stack, "/me", other)).json.username;
			const p = await post(stack, fan, { text: `Habari @${name}` });
			await notices(stack, other, "social.mentioned", n => n.data.postId === p.id, "a mention notification");
			const q = await post(stack, other, { text: "Quoting", quoteOf: p.id });
			const n = await notices(stack, fan, "social.post_quoted", x => x.data.postId === q.id, "a quote notification");
			expect(n.body).to.match(/quoted your post/);
		});
	});
});
