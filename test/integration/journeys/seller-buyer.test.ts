/**
 * Journey (issue 13): a seller and a buyer, as their apps would do it, through
 * the public REST API and the WebSocket, with the SMS and M-Pesa simulators.
 *
 * The seller registers (code from the SMS simulator), opens a shop, is
 * verified by an administrator and publishes a product with posting on. The
 * buyer, who follows the seller, finds the post in the home feed with the
 * product card, buys from it with M-Pesa, chats with the seller about the
 * order (the order card embedded), and confirms delivery once it is shipped;
 * the escrow is released to the seller, who withdraws to M-Pesa. Every party
 * gets the notifications the product promises.
 */
import { expect } from "chai";
import { splitCommission } from "../../../services/payments/rules/money";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { adminToken } from "../payments/support";
import { png, upload } from "../files/support";
import { openSocket, wsUrl } from "../api/ws-client";
import { ADDRESS, answerPrompt, api, hasNotifications, idempotencyKey, mobile, must, until, type Json } from "./support";

describe("journey: a seller sells to a follower through a post, paid with M-Pesa", function () {
	this.timeout(180_000);
	let stack: Stack;
	let seller: TestUser;
	let buyer: TestUser;
	let admin: string;
	let shop: Json;
	let product: Json;
	let order: Json;

	before(async () => {
		stack = await getStack();
		// createUser registers through REST and verifies with the code the SMS simulator received.
		[seller, buyer] = await Promise.all([createUser(stack, { displayName: "Mama Neema Vitenge" }), createUser(stack, { displayName: "Baraka" })]);
		admin = await adminToken(stack, await createUser(stack));
	});

	it("the seller opens a shop and is verified by an administrator", async () => {
		shop = await must(api(stack, seller, "POST", "/commerce/shops", { name: `Vitenge vya Neema ${Date.now()}`, category: "fashion", region: "Nairobi", city: "Nairobi", phone: "+254712000222", currency: "KES", deliveryFee: 20_000 }), 201);
		expect(shop.status).to.equal("pending_verification");
		const doc = await upload(stack, seller, await png(640, 400), { purpose: "verification", filename: "id.png", type: "image/png" });
		expect(doc.status, doc.text).to.equal(201);
		await must(api(stack, seller, "POST", `/commerce/shops/${shop.id}/verification`, { documentFileIds: [doc.json.id], nationalId: "29876543" }), 201);
		const queue = await must(api(stack, admin, "GET", "/commerce/verifications"), 200);
		expect(queue.items.map((v: Json) => v.shopId ?? v.shop?.id)).to.include(shop.id);
		shop = await must(api(stack, admin, "POST", `/commerce/shops/${shop.id}/verification/approve`), 200);
		expect(shop.status).to.equal("active");
		await hasNotifications(stack, seller, ["commerce.shop_approved"]);
	});

	it("the seller publishes a product with posting on; the follower sees it in the home feed with its card", async () => {
		await must(api(stack, buyer, "POST", `/users/${seller.userId}/follow`), 200);
		const image = await upload(stack, seller, await png(800, 800), { purpose: "product", filename: "kitenge.png", type: "image/png" });
		expect(image.status, image.text).to.equal(201);
		product = await must(
			api(stack, seller, "POST", `/commerce/shops/${shop.id}/products`, { title: "Kitenge dress", description: "Hand-sewn, size M", price: 250_000, currency: "KES", stock: 3, imageFileIds: [image.json.id], status: "active", postToFeed: true }),
			201
		);
		const feed = await until(stack, buyer, "/social/feed", f => f.items.some((p: Json) => p.embed?.id === product.id), "the product's post in the follower's feed");
		const post = feed.items.find((p: Json) => p.embed?.id === product.id);
		expect(post.author.id).to.equal(seller.userId);
		expect(post.embed.type).to.equal("product");
		expect(post.embed.card).to.include({ title: "Kitenge dress", price: 250_000, currency: "KES", inStock: true });
		expect(post.embed.card.imageUrl).to.be.a("string");
		expect(post.embed.card.blurhash).to.be.a("string");
	});

	it("the buyer buys from the post with M-Pesa: one prompt, the order is paid, the seller is told", async () => {
		await must(api(stack, buyer, "POST", "/commerce/cart/items", { productId: product.id, quantity: 2 }), 201);
		const result = await must(api(stack, buyer, "POST", "/commerce/checkout", { shippingAddress: ADDRESS, payment: { provider: "mpesa", phone: mobile("KE") } }, idempotencyKey()), 201);
		expect(result.orders).to.have.length(1);
		order = result.orders[0];
		expect(order).to.include({ status: "pending_payment", currency: "KES", total: 2 * 250_000 + 20_000 });
		expect(order.number).to.be.a("string");
		await answerPrompt(stack, buyer, result.payment.intentId, "success");
		order = await until(stack, buyer, `/commerce/orders/${order.id}`, o => o.status === "paid", "the order to be paid");
		const cart = await must(api(stack, buyer, "GET", "/commerce/cart"), 200);
		expect(cart.items ?? cart.shops ?? []).to.have.length(0);
		await hasNotifications(stack, seller, ["commerce.order_paid"]);
		await hasNotifications(stack, buyer, ["payment.succeeded"]);
	});

	it("buyer and seller talk about the order over WebSocket, the order card embedded", async () => {
		const sellerSocket = await openSocket(wsUrl(stack.apiUrl, `/ws?token=${seller.accessToken}`));
		try {
			const conversation = await must(api(stack, buyer, "POST", "/messages/conversations", { memberIds: [seller.userId] }), 201);
			const arriving = sellerSocket.next("message.new", 20_000);
			const sent = await must(
				api(stack, buyer, "POST", `/messages/conversations/${conversation.id}/messages`, { clientId: `c-${Date.now()}`, text: "Habari, mtatuma lini?", embed: { type: "order", id: order.id } }),
				201
			);
			expect(sent.embed.card).to.include({ id: order.id, number: order.number, status: "paid" });
			const frame = await arriving;
			expect(frame.data).to.include({ id: sent.id, text: "Habari, mtatuma lini?" });
			expect(frame.data.embed.card).to.include({ number: order.number });
			const reply = await must(api(stack, seller, "POST", `/messages/conversations/${conversation.id}/messages`, { clientId: `c-${Date.now()}-s`, text: "Leo jioni" }), 201);
			const page = await must(api(stack, buyer, "GET", `/messages/conversations/${conversation.id}/messages`), 200);
			expect(page.items.map((m: Json) => m.id)).to.include.members([sent.id, reply.id]);
		} finally {
			sellerSocket.close();
		}
	});

	it("the seller ships, the buyer confirms, the escrow goes to the seller minus commission", async () => {
		await must(api(stack, seller, "POST", `/commerce/orders/${order.id}/ship`, { carrier: "G4S", trackingRef: "G4S-123456" }), 200);
		await hasNotifications(stack, buyer, ["commerce.order_shipped"]);
		await must(api(stack, buyer, "POST", `/commerce/orders/${order.id}/confirm-delivery`), 200);
		order = await until(stack, buyer, `/commerce/orders/${order.id}`, o => o.status === "completed", "the order to complete");
		const { net } = splitCommission(order.total, 500);
		const wallet = await until(stack, seller, "/payments/wallet?currency=KES", w => w.available > 0, "the seller's wallet to be credited");
		expect(wallet).to.include({ currency: "KES", available: net, held: 0 });
		await hasNotifications(stack, seller, ["commerce.order_completed"]);
	});

	it("the seller withdraws to M-Pesa and is told when it is paid", async () => {
		const method = await must(api(stack, seller, "POST", "/payments/methods", { type: "mobile_money", provider: "mpesa", phone: mobile("KE") }), 201);
		const wallet = await must(api(stack, seller, "GET", "/payments/wallet?currency=KES"), 200);
		const payout = await must(api(stack, seller, "POST", "/payments/payouts", { amount: wallet.available, methodId: method.id }, idempotencyKey()), 202);
		await until(stack, seller, `/payments/payouts/${payout.id}`, p => p.status === "paid", "the payout to be paid");
		expect((await must(api(stack, seller, "GET", "/payments/wallet?currency=KES"), 200)).available).to.equal(0);
		await hasNotifications(stack, seller, ["payment.payout_paid"]);
	});
});
