/**
 * Feeds through REST: the home feed (fan-out on write, authors merged at
 * read, rebuilt when the cache is gone), a user's posts, a tag's posts, my
 * mentions, explore and trending tags — and what must never show: a
 * followers-only post to a non-follower, a blocked or muted user's posts, a
 * private account's posts to strangers, a deleted post anywhere.
 */
import { expect } from "chai";
import { getStack, type Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { runReplCommand } from "../../support/repl";
import { waitFor } from "../../support/wait";
import { coreQuery } from "../../support/db";
import { allPages, call, createProfiles, feedIds, follow, post, shows, users, type Post } from "./support";

const ids = (items: Post[]) => items.map((p: Post) => p.id);

describe("social: feeds", function () {
	this.timeout(180_000);
	let stack: Stack;

	before(async () => {
		stack = await getStack();
	});

	describe("GET /social/feed", () => {
		let author: TestUser;
		let fan: TestUser;
		let stranger: TestUser;

		before(async () => {
			[author, fan, stranger] = await createProfiles(stack, 3);
			// Both read their feed once: active users get fan-out.
			for (const u of [fan, stranger]) expect((await call(stack, "/feed", u)).status).to.equal(200);
			await follow(stack, fan, author);
		});

		it("fans a post out to followers, newest first, and to nobody else; followers-only posts never reach a non-follower's feed, tag page or the author's page", async () => {
			const a = await post(stack, author, { text: "Kwanza #feedtag" });
			const b = await post(stack, author, { text: "Pili kwa wafuasi #feedtag", visibility: "followers" });
			const c = await post(stack, author, { text: "Siri yangu", visibility: "private" });
			await shows(stack, fan, b.id);
			const fanFeed = await feedIds(stack, fan);
			expect(fanFeed.indexOf(b.id)).to.be.lessThan(fanFeed.indexOf(a.id));
			expect(fanFeed).to.not.include(c.id);
			expect(await feedIds(stack, stranger)).to.not.include.members([a.id, b.id, c.id]);
			expect(ids(await allPages(stack, "/hashtags/FeedTag/posts", stranger))).to.deep.equal([a.id]);
			expect(ids(await allPages(stack, "/hashtags/feedtag/posts", fan))).to.deep.equal([b.id, a.id]);
			expect(ids(await allPages(stack, `/users/${author.userId}/posts`, stranger))).to.deep.equal([a.id]);
			expect(ids(await allPages(stack, `/users/${author.userId}/posts`, author))).to.deep.equal([c.id, b.id, a.id]);
			expect(await feedIds(stack, author)).to.include.members([a.id, b.id, c.id]);
		});

		it("reports the fan-out lag on the social node's /metrics", async () => {
			const p = await post(stack, author, { text: "Measured" });
			await shows(stack, fan, p.id);
			const text = await waitFor(
				async () => {
					const body = await (await fetch(`http://127.0.0.1:${stack.healthPortOf("social")}/metrics`)).text();
					return /^nexgate_feed_fanout_lag_seconds(\{[^}]*\})? [0-9.e+-]+$/m.test(body) ? body : null;
				},
				"the fan-out lag gauge",
				20_000,
				100
			);
			const value = Number(/^nexgate_feed_fanout_lag_seconds(?:\{[^}]*\})? ([0-9.e+-]+)$/m.exec(text)![1]);
			expect(value).to.be.at.least(0).and.below(60);
		});

		it("pages with a cursor without repeating or skipping, and refuses a forged cursor", async () => {
			const made: string[] = [];
			for (let i = 0; i < 5; i++) made.push((await post(stack, author, { text: `page ${i}` })).id);
			await shows(stack, fan, made[4]);
			const seen: string[] = [];
			let cursor: string | null = null;
			do {
				const res = await call(stack, `/feed?limit=2${cursor ? `&cursor=${cursor}` : ""}`, fan);
				expect(res.status).to.equal(200);
				expect(res.json.items.length).to.be.at.most(2);
				seen.push(...ids(res.json.items));
				cursor = res.json.nextCursor;
			} while (cursor);
			expect(new Set(seen).size).to.equal(seen.length);
			expect(seen.slice(0, 5)).to.deep.equal([...made].reverse());
			expect((await call(stack, "/feed?cursor=bm90LWEtY3Vyc29y", fan)).status).to.equal(400);
			expect((await call(stack, "/feed?limit=0", fan)).status).to.equal(400);
			expect((await call(stack, "/feed", null)).status).to.equal(401);
		});

		it("deleting a post removes it from every feed and list", async () => {
			const p = await post(stack, author, { text: "Nitafuta #gone" });
			await shows(stack, fan, p.id);
			expect((await call(stack, `/posts/${p.id}`, author, { method: "DELETE" })).status).to.equal(204);
			expect(await feedIds(stack, fan)).to.not.include(p.id);
			expect(await feedIds(stack, author)).to.not.include(p.id);
			expect(await feedIds(stack, fan, `/users/${author.userId}/posts`)).to.not.include(p.id);
			expect(await feedIds(stack, fan, "/hashtags/gone/posts")).to.not.include(p.id);
			expect(await feedIds(stack, fan, "/feed/explore")).to.not.include(p.id);
		});

		it("shows a post reposted by several people I follow once, with repostedBy", async () => {
			const [r1, r2, viewer, original] = await createProfiles(stack, 4);
			expect((await call(stack, "/feed", viewer)).status).to.equal(200);
			await follow(stack, viewer, r1);
			await follow(stack, viewer, r2);
			const p = await post(stack, original, { text: "Share me" });
			expect((await call(stack, `/posts/${p.id}/repost`, r1, { method: "POST" })).json).to.deep.equal({ postId: p.id, reposted: true, reposts: 1 });
			expect((await call(stack, `/posts/${p.id}/repost`, r2, { method: "POST" })).json.reposts).to.equal(2);
			const seen = await waitFor(
				async () => {
					const items = await allPages(stack, "/feed", viewer);
					const hit = items.filter((x: Post) => x.id === p.id);
					return hit.length === 1 && hit[0].repostedBy.length === 2 ? items : null;
				},
				"the repost with both reposters",
				20_000,
				100
			);
			expect(seen.filter((x: Post) => x.id === p.id)).to.have.length(1);
			const entry = seen.find((x: Post) => x.id === p.id);
			expect(entry.repostedBy.map((u: { id: string }) => u.id).sort()).to.deep.equal([r1.userId, r2.userId].sort());
			// Undoing both reposts takes it out: I follow neither the author nor a reposter any more.
			await call(stack, `/posts/${p.id}/repost`, r1, { method: "DELETE" });
			expect((await call(stack, `/posts/${p.id}/repost`, r2, { method: "DELETE" })).json).to.deep.equal({ postId: p.id, reposted: false, reposts: 0 });
			expect(await feedIds(stack, viewer)).to.not.include(p.id);
		});

		it("merges an author with very many followers at read time instead of fanning out", async () => {
			const [big, ...followers] = await createProfiles(stack, 6);
			for (const f of followers) await follow(stack, f, big);
			// Their feeds are cached (active) before the post, so only fan-out or the read-time merge could bring it.
			for (const f of followers) expect((await call(stack, "/feed", f)).status).to.equal(200);
			const p = await post(stack, big, { text: "To all five of you" });
			// Nothing was fanned out: the post reaches each feed by the read-time merge (the big-author set refreshes every few seconds).
			for (const f of followers) await shows(stack, f, p.id);
			const fanned = await coreQuery("SELECT followers FROM social.authors WHERE author_id = $1", [big.userId]);
			expect(fanned[0].followers).to.equal(5);
		});

		it("rebuilds a missing cached feed from PostgreSQL with no gaps (REPL feed-rebuild too)", async () => {
			const [writer, reader] = await createProfiles(stack, 2);
			await follow(stack, reader, writer);
			const made: string[] = [];
			for (let i = 0; i < 3; i++) made.push((await post(stack, writer, { text: `before ${i}` })).id);
			// The reader never read a feed: no fan-out reached them; the first read builds it from PostgreSQL.
			expect((await feedIds(stack, reader)).slice(0, 3)).to.deep.equal([...made].reverse());
			const out = await runReplCommand(stack, "feed-rebuild", { userId: reader.userId });
			expect(out).to.match(/3 entries/);
			made.push((await post(stack, writer, { text: "after rebuild" })).id);
			await shows(stack, reader, made[3]);
			expect((await feedIds(stack, reader)).slice(0, 4)).to.deep.equal([...made].reverse());
		});
	});

	describe("blocks, mutes and private accounts", () => {
		it("never shows a blocked user's posts, in any list, either way", async () => {
			const [blocker, blocked] = await createProfiles(stack, 2);
			await follow(stack, blocker, blocked);
			const p = await post(stack, blocked, { text: "Do you see me #blockcheck" });
			await shows(stack, blocker, p.id);
			expect((await users(stack, `/${blocked.userId}/block`, blocker, { method: "POST" })).status).to.equal(200);
			expect(await feedIds(stack, blocker)).to.not.include(p.id);
			expect(await feedIds(stack, blocker, "/hashtags/blockcheck/posts")).to.not.include(p.id);
			expect(await feedIds(stack, blocker, "/feed/explore")).to.not.include(p.id);
			expect((await call(stack, `/posts/${p.id}`, blocker)).status).to.equal(404);
			const mine = await post(stack, blocker, { text: "Hidden from the blocked #blockcheck" });
			expect((await call(stack, `/posts/${mine.id}`, blocked)).status).to.equal(404);
			expect((await call(stack, `/posts/${mine.id}/like`, blocked, { method: "POST" })).status).to.equal(404);
			expect((await call(stack, `/users/${blocker.userId}/posts`, blocked)).status).to.equal(404);
			expect(await feedIds(stack, blocked, "/hashtags/blockcheck/posts")).to.not.include(mine.id);
		});

		it("hides a muted user's posts from lists but not from a post opened directly", async () => {
			const [muter, muted] = await createProfiles(stack, 2);
			await follow(stack, muter, muted);
			const p = await post(stack, muted, { text: "Noise #mutecheck" });
			await shows(stack, muter, p.id);
			expect((await users(stack, `/${muted.userId}/mute`, muter, { method: "POST" })).status).to.equal(200);
			expect(await feedIds(stack, muter)).to.not.include(p.id);
			expect(await feedIds(stack, muter, "/hashtags/mutecheck/posts")).to.not.include(p.id);
			expect((await call(stack, `/posts/${p.id}`, muter)).status).to.equal(200);
		});

		it("shows a private account's posts only to approved followers", async () => {
			const [owner, approved, other] = await createProfiles(stack, 3);
			expect((await users(stack, "/me/privacy", owner, { method: "PATCH", body: { isPrivate: true } })).status).to.equal(200);
			expect((await users(stack, `/${owner.userId}/follow`, approved, { method: "POST" })).json.status).to.equal("requested");
			expect((await users(stack, `/me/follow-requests/${approved.userId}/accept`, owner, { method: "POST" })).status).to.equal(200);
			const p = await post(stack, owner, { text: "Public post of a private account #privcheck" });
			await shows(stack, approved, p.id);
			expect((await call(stack, `/posts/${p.id}`, other)).status).to.equal(404);
			expect(await feedIds(stack, other, "/hashtags/privcheck/posts")).to.deep.equal([]);
			expect(await feedIds(stack, other, `/users/${owner.userId}/posts`)).to.deep.equal([]);
			expect(await feedIds(stack, other, "/feed/explore")).to.not.include(p.id);
		});
	});

	describe("GET /social/users/:id/posts", () => {
		it("400 for a bad id, 404 for an unknown user, 401 without a token", async () => {
			const [u] = await createProfiles(stack, 1);
			expect((await call(stack, "/users/abc/posts", u)).status).to.equal(400);
			expect((await call(stack, "/users/0190a5c4-0000-7000-8000-000000000000/posts", u)).status).to.equal(404);
			expect((await call(stack, `/users/${u.userId}/posts`, null)).status).to.equal(401);
		});
	});

	describe("hashtags", () => {
		it("treat Swahili and English tags case-insensitively, and trend by distinct authors over the window", async () => {
			const people = await createProfiles(stack, 3);
			const tag = `Biashara${Date.now() % 100000}`;
			for (const u of people) await post(stack, u, { text: `Leo #${tag.toUpperCase()} na #${tag}` });
			await post(stack, people[0], { text: `Siri #${tag}`, visibility: "followers" });
			const page = await allPages(stack, `/hashtags/${encodeURIComponent(tag.toLowerCase())}/posts`, people[0]);
			expect(page).to.have.length(4);
			expect(page.every((p: Post) => p.hashtags.includes(tag.toLowerCase()))).to.equal(true);
			const trending = await waitFor(
				async () => {
					const res = await call(stack, "/hashtags/trending?limit=50", people[1]);
					return res.json.items.find((t: { tag: string }) => t.tag === tag.toLowerCase());
				},
				"the tag to trend",
				90_000,
				1000
			);
			// Three people, three public posts: the followers-only post is not counted.
			expect(trending).to.deep.equal({ tag: tag.toLowerCase(), authors: 3, posts: 3 });
			expect((await call(stack, "/hashtags/%23%23/posts", people[0])).status).to.equal(400);
			expect((await call(stack, "/hashtags/trending", null)).status).to.equal(401);
			expect((await call(stack, "/hashtags/trending?limit=500", people[0])).status).to.equal(400);
		});
	});

	describe("GET /social/mentions", () => {
		it("lists posts that mention me, never from someone I blocked or who blocked me", async () => {
			const [writer, target, blocker] = await createProfiles(stack, 3);
			const name = (await users(stack, "/me", target)).json.username;
			const p = await post(stack, writer, { text: `Karibu @${name}` });
			expect(ids(await allPages(stack, "/mentions", target))).to.deep.equal([p.id]);
			expect((await users(stack, `/${target.userId}/block`, blocker, { method: "POST" })).status).to.equal(200);
			const q = await post(stack, blocker, { text: `Hey @${name}` });
			expect(q.mentions).to.deep.equal([]);
			expect(ids(await allPages(stack, "/mentions", target))).to.deep.equal([p.id]);
			expect((await call(stack, "/mentions", null)).status).to.equal(401);
		});
	});

	describe("GET /social/feed/explore", () => {
		it("ranks recent public posts by engagement, and pages by cursor", async () => {
			const [author, ...likers] = await createProfiles(stack, 4);
			const quiet = await post(stack, author, { text: "quiet" });
			const loud = await post(stack, author, { text: "loud" });
			for (const u of likers) expect((await call(stack, `/posts/${loud.id}/like`, u, { method: "POST" })).status).to.equal(200);
			await call(stack, `/posts/${loud.id}/comments`, likers[0], { method: "POST", body: { text: "Nzuri!" } });
			const order = await waitFor(
				async () => {
					const list = ids(await allPages(stack, "/feed/explore", author, 100));
					return list.includes(quiet.id) && list.includes(loud.id) ? list : null;
				},
				"explore to rank both posts",
				30_000,
				200
			);
			expect(order.indexOf(loud.id)).to.be.lessThan(order.indexOf(quiet.id));
			const first = await call(stack, "/feed/explore?limit=1", author);
			expect(first.json.items).to.have.length(1);
			if (first.json.nextCursor) {
				const second = await call(stack, `/feed/explore?limit=1&cursor=${first.json.nextCursor}`, author);
				expect(second.json.items[0].id).to.not.equal(first.json.items[0].id);
			}
			expect((await call(stack, "/feed/explore?cursor=WyJ4Il0", author)).status).to.equal(400);
		});
	});
});
