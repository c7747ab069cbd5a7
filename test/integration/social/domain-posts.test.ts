/**
 * Posts made from other domains' events: a seller publishes a product (or an
 * organizer an event) with postToFeed, and the post embedding it reaches the
 * followers' feeds. The events here are published directly with made-up ids, so
 * no product or event answers for them and the card renders as null: the
 * embed's id is still there (test/integration/social/posts.test.ts shows live cards).
 */
import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { getStack, type Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { coreQuery } from "../../support/db";
import { waitFor } from "../../support/wait";
import { call, createProfiles, follow, publish, redeliver, shows, feedIds } from "./support";

describe("social: posts from commerce and events", function () {
	this.timeout(120_000);
	let stack: Stack;
	let seller: TestUser;
	let follower: TestUser;

	before(async () => {
		stack = await getStack();
		[seller, follower] = await createProfiles(stack, 2);
		expect((await call(stack, "/feed", follower)).status).to.equal(200);
		await follow(stack, follower, seller);
	});

	it("commerce.product.published with postToFeed: the seller's post embeds the product in the follower's feed, once per product", async () => {
		const productId = newId();
		const envelope = await publish(stack, "commerce.product.published", { productId, shopId: newId(), sellerId: seller.userId, postToFeed: true, title: "Kitenge #Mitindo" });
		const [row] = await waitRows(productId);
		const shown = await shows(stack, follower, row.id);
		expect(shown.author.id).to.equal(seller.userId);
		expect(shown.text).to.equal("Kitenge #Mitindo");
		expect(shown.hashtags).to.deep.equal(["mitindo"]);
		expect(shown.embed).to.deep.equal({ type: "product", id: productId, card: null });
		await redeliver(stack, envelope);
		const again = await publish(stack, "commerce.product.published", { productId, shopId: newId(), sellerId: seller.userId, postToFeed: true, title: "Again" });
		const quiet = await publish(stack, "commerce.product.published", { productId: newId(), shopId: newId(), sellerId: seller.userId, postToFeed: false, title: "Quiet" });
		await waitFor(
			async () => (await coreQuery("SELECT 1 FROM social.processed_events WHERE event_id = ANY($1::uuid[])", [[again.id, quiet.id]])).length === 2,
			"social to handle both events",
			20_000,
			100
		);
		const rows = await coreQuery("SELECT id FROM social.posts WHERE author_id = $1 AND source = 'commerce'", [seller.userId]);
		expect(rows).to.have.length(1);
	});

	it("events.event.published with postToFeed: the organizer's post embeds the event", async () => {
		const eventId = newId();
		await publish(stack, "events.event.published", { eventId, organizerId: seller.userId, postToFeed: true, title: "Tamasha la Muziki" });
		const [row] = await waitRows(eventId);
		const shown = await shows(stack, follower, row.id);
		expect(shown.embed).to.deep.equal({ type: "event", id: eventId, card: null });
		expect((await call(stack, `/posts/${row.id}`, follower)).json.embed.card).to.equal(null);
		expect(await feedIds(stack, seller)).to.include(row.id);
	});
});

function waitRows(embedId: string): Promise<Array<{ id: string }>> {
	return waitFor(async () => {
		const rows = await coreQuery<{ id: string }>("SELECT id FROM social.posts WHERE embed_id = $1", [embedId]);
		return rows.length ? rows : null;
	}, `the post embedding ${embedId}`, 20_000, 100);
}
