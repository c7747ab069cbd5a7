/**
 * The trust score through GET /users/:id/trust, fed by other domains' events
 * raised on the durable bus (the producers land later and must emit exactly
 * these payloads), each applied once even when delivered twice; the posts
 * count; and account deletion (auth.user.deleted) removing the graph.
 */
import { expect } from "chai";
import type { EventEnvelope } from "../../../lib/events/envelope";
import { newId } from "../../../lib/ids";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { waitFor } from "../../support/wait";
import { call, createProfiles, follow, publish, redeliver } from "./support";

type Factor = { name: string; weight: number; value: number; points: number };
type Trust = { score: number; level: string; factors: Factor[] };

describe("users: trust score, post counts and deletion", function () {
	this.timeout(120_000);
	let stack: Stack;
	let seller: TestUser;
	let buyer: TestUser;
	let viewer: TestUser;

	const trust = async (user: TestUser, as: TestUser = viewer): Promise<Trust> => (await call(stack, `/${user.userId}/trust`, as)).json;
	const factor = (t: Trust, name: string) => t.factors.find(f => f.name === name)!;
	const processed = async (eventId: string) =>
		(await coreQuery("SELECT 1 FROM users.processed_events WHERE event_id = $1", [eventId])).length > 0;

	before(async () => {
		stack = await getStack();
		[seller, buyer, viewer] = await createProfiles(stack, 3);
	});

	describe("GET /users/:id/trust", () => {
		it("starts from the verified phone (from auth.user.verified) and shows every factor", async () => {
			const t = await waitFor(async () => {
				const x = await trust(seller);
				return factor(x, "phone_verified").value === 1 ? x : null;
			}, "the phone verification to count", 20_000);
			expect(t.score).to.equal(15);
			expect(t.level).to.equal("new");
			expect(t.factors.map(f => f.name)).to.deep.equal([
				"phone_verified",
				"email_verified",
				"account_age_days",
				"orders_as_buyer",
				"orders_as_seller",
				"average_rating",
				"disputes_lost",
				"refunds",
				"reports_upheld"
			]);
			for (const f of t.factors) expect(f).to.have.keys("name", "weight", "value", "points");
		});

		it("commerce and events outcomes move it, once per event even when redelivered", async () => {
			const orders: EventEnvelope<"commerce.order.completed">[] = [];
			for (let i = 0; i < 4; i++) orders.push(await publish(stack, "commerce.order.completed", { orderId: newId(), buyerId: buyer.userId, sellerId: seller.userId }));
			await redeliver(stack, orders[0]);
			const reviews = [5, 5, 4].map(rating => ({ reviewId: newId(), productId: newId(), sellerId: seller.userId, authorId: buyer.userId, rating }));
			for (const r of reviews) await publish(stack, "commerce.review.created", r);
			await publish(stack, "events.rating.created", { ratingId: newId(), eventId: newId(), organizerId: seller.userId, authorId: buyer.userId, rating: 2 });
			// Out-of-range or self ratings never count.
			await publish(stack, "commerce.review.created", { reviewId: newId(), productId: newId(), sellerId: seller.userId, authorId: buyer.userId, rating: 9 });
			const selfRating = await publish(stack, "commerce.review.created", { reviewId: newId(), productId: newId(), sellerId: seller.userId, authorId: seller.userId, rating: 5 });
			await waitFor(() => processed(selfRating.id), "the events to be consumed", 20_000);
			const t = await waitFor(async () => {
				const x = await trust(seller);
				return factor(x, "orders_as_seller").value === 4 && factor(x, "average_rating").value === 4 ? x : null;
			}, "orders and ratings to count", 20_000);
			await waitFor(() => processed(orders[0].id), "the redelivered order", 10_000);
			expect(factor(await trust(seller), "orders_as_seller").value).to.equal(4);
			expect(factor(await trust(buyer), "orders_as_buyer").value).to.equal(4);
			expect(factor(t, "orders_as_seller").points).to.equal(4);
			// Four ratings averaging 4 stars: 25 × 0.75 × 4/9.
			expect(factor(t, "average_rating").points).to.equal(8.3);
			expect(t.score).to.equal(Math.round(15 + 4 + 25 * 0.75 * (4 / 9)));
		});

		it("disputes lost, refunds and upheld reports take points away", async () => {
			const before = await trust(seller);
			await publish(stack, "commerce.dispute.resolved", { disputeId: newId(), orderId: newId(), buyerId: buyer.userId, sellerId: seller.userId, loserId: seller.userId });
			await publish(stack, "commerce.dispute.resolved", { disputeId: newId(), orderId: newId(), buyerId: buyer.userId, sellerId: seller.userId, loserId: null });
			await publish(stack, "commerce.order.refunded", { orderId: newId(), buyerId: buyer.userId, sellerId: seller.userId });
			await publish(stack, "social.report.upheld", { reportId: newId(), targetUserId: seller.userId });
			const t = await waitFor(async () => {
				const x = await trust(seller);
				return factor(x, "disputes_lost").value === 1 && factor(x, "refunds").value === 1 && factor(x, "reports_upheld").value === 1 ? x : null;
			}, "the penalties", 20_000);
			expect(factor(t, "disputes_lost").points).to.equal(-10);
			expect(factor(t, "refunds").points).to.equal(-3);
			expect(factor(t, "reports_upheld").points).to.equal(-15);
			expect(t.score).to.equal(Math.max(0, before.score - 28));
			// The buyer was refunded: not their fault.
			expect(factor(await trust(buyer), "refunds").value).to.equal(0);
		});

		it("404 for an unknown user, 400 for a bad id, 401 without a token", async () => {
			expect((await call(stack, `/${newId()}/trust`, viewer)).status).to.equal(404);
			expect((await call(stack, "/nope/trust", viewer)).status).to.equal(400);
			expect((await call(stack, `/${seller.userId}/trust`, null)).status).to.equal(401);
		});
	});

	it("social.post.created / deleted keep counts.posts", async () => {
		const posts = [newId(), newId(), newId()];
		for (const postId of posts) await publish(stack, "social.post.created", { postId, authorId: seller.userId, visibility: "public" });
		const deleted = await publish(stack, "social.post.deleted", { postId: posts[0], authorId: seller.userId });
		await redeliver(stack, deleted);
		await waitFor(async () => (await call(stack, `/${seller.userId}`, viewer)).json.counts.posts === 2, "two posts counted", 20_000);
		await waitFor(() => processed(deleted.id), "the deletion", 10_000);
		expect((await call(stack, `/${seller.userId}`, viewer)).json.counts.posts).to.equal(2);
	});

	describe("auth.user.deleted", () => {
		it("anonymises the profile and removes its graph; the others' counts follow", async () => {
			const [gone, fan, idol] = await createProfiles(stack, 3);
			await follow(stack, fan, gone.userId);
			await follow(stack, gone, idol.userId);
			await call(stack, `/${fan.userId}/block`, gone, { method: "POST" }).then(() => call(stack, `/${fan.userId}/block`, gone, { method: "DELETE" }));
			await call(stack, `/${idol.userId}/mute`, gone, { method: "POST" });
			expect((await call(stack, "/me", idol)).json.counts.followers).to.equal(1);
			const username = (await call(stack, "/me", gone)).json.username;

			const res = await fetch(`${stack.apiUrl}/api/v1/auth/me`, { method: "DELETE", headers: { ...gone.headers, "content-type": "application/json" }, body: JSON.stringify({ password: gone.password }) });
			expect(res.status).to.equal(204);
			await waitFor(async () => (await call(stack, `/${gone.userId}`, fan)).status === 404, "the profile to go", 20_000);
			expect((await call(stack, `/${username}`, fan)).status).to.equal(404);
			expect((await call(stack, "/me", fan)).json.counts.following).to.equal(0);
			expect((await call(stack, "/me", idol)).json.counts.followers).to.equal(0);
			const [row] = await coreQuery<{ username: string; display_name: string; bio: string; phone_key: string | null; deleted_at: Date | null }>(
				"SELECT username, display_name, bio, phone_key, deleted_at FROM users.profiles WHERE id = $1",
				[gone.userId]
			);
			expect(row.username).to.match(/^deleted_/);
			expect(row).to.include({ display_name: "", bio: "", phone_key: null });
			expect(row.deleted_at).to.be.instanceOf(Date);
			const [edges] = await coreQuery<{ n: string }>(
				`SELECT (SELECT count(*) FROM users.follows WHERE $1 IN (follower_id, followee_id))
				      + (SELECT count(*) FROM users.mutes WHERE $1 IN (muter_id, muted_id))
				      + (SELECT count(*) FROM users.blocks WHERE $1 IN (blocker_id, blocked_id)) AS n`,
				[gone.userId]
			);
			expect(Number(edges.n)).to.equal(0);
			expect(await stack.broker.call("users.profiles", { ids: [gone.userId] })).to.deep.equal({});
		});

		it("a deletion that overtakes the registration leaves a tombstone the registration cannot revive", async () => {
			const userId = newId();
			const deleted = await publish(stack, "auth.user.deleted", { userId });
			await waitFor(() => processed(deleted.id), "the deletion", 20_000);
			const registered = await publish(stack, "auth.user.registered", { userId, username: `late_${userId.slice(-8)}`, displayName: "Late", phone: null, email: null, language: "en" });
			await waitFor(() => processed(registered.id), "the registration", 20_000);
			expect((await call(stack, `/${userId}`, viewer)).status).to.equal(404);
		});
	});
});
