/**
 * Journeys under faults (issue 13): a node restarting mid-journey, and
 * RabbitMQ restarting or Redis dropping every connection while a purchase is
 * under way. Money and messages still arrive exactly once: one "paid" step in
 * the order's history, the seller's share in the wallet once, one
 * notification; and every event raised around a RabbitMQ restart is consumed.
 *
 * Split topology only: a fault here is a node process dying, which one
 * process cannot show (destroying a service under live traffic inside the
 * same broker is not a restart, and leaves its in-flight work half-stopped).
 * The single-topology durability of each piece is covered in its domain's
 * tests (payments, notifications, files, platform durable events).
 */
import { execFileSync } from "node:child_process";
import { expect } from "chai";
import { splitCommission } from "../../../services/payments/rules/money";
import { RABBITMQ_NODE, TOPOLOGY } from "../../support/environment";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { sleep, waitFor } from "../../support/wait";
import { openSocket, wsUrl } from "../api/ws-client";
import { png, upload } from "../files/support";
import { adminToken } from "../payments/support";
import { ADDRESS, answerPrompt, api, idempotencyKey, mobile, must, notificationTypes, until, type Json } from "./support";

describe("journeys: faults", function () {
	this.timeout(240_000);
	let stack: Stack;
	let seller: TestUser;
	let shop: Json;

	before(async function () {
		if (TOPOLOGY !== "split") return this.skip();
		stack = await getStack();
		seller = await createUser(stack);
		const admin = await adminToken(stack, await createUser(stack));
		shop = await must(api(stack, seller, "POST", "/commerce/shops", { name: `Fundi Simu ${Date.now()}`, category: "electronics", region: "Mombasa", city: "Mombasa", phone: "+254712000444", currency: "KES" }), 201);
		const doc = await upload(stack, seller, await png(600, 400), { purpose: "verification", filename: "id.png", type: "image/png" });
		await must(api(stack, seller, "POST", `/commerce/shops/${shop.id}/verification`, { documentFileIds: [doc.json.id], nationalId: "27654321" }), 201);
		await must(api(stack, admin, "POST", `/commerce/shops/${shop.id}/verification/approve`), 200);
	});

	async function checkout(buyer: TestUser, price = 200_000): Promise<{ order: Json; intentId: string }> {
		const product = await must(api(stack, seller, "POST", `/commerce/shops/${shop.id}/products`, { title: `Chaja ${Date.now()}`, price, currency: "KES", stock: 5, status: "active" }), 201);
		await must(api(stack, buyer, "POST", "/commerce/cart/items", { productId: product.id, quantity: 1 }), 201);
		const result = await must(api(stack, buyer, "POST", "/commerce/checkout", { shippingAddress: ADDRESS, payment: { provider: "mpesa", phone: mobile("KE") } }, idempotencyKey()), 201);
		return { order: result.orders[0], intentId: result.payment.intentId };
	}

	/** Ships, confirms and checks the seller was paid this order's share exactly once. */
	async function finish(buyer: TestUser, order: Json): Promise<void> {
		const walletBefore = (await must(api(stack, seller, "GET", "/payments/wallet?currency=KES"), 200)).available;
		await must(api(stack, seller, "POST", `/commerce/orders/${order.id}/ship`, {}), 200);
		await must(api(stack, buyer, "POST", `/commerce/orders/${order.id}/confirm-delivery`), 200);
		const done = await until(stack, buyer, `/commerce/orders/${order.id}`, o => o.status === "completed", "the order to complete");
		expect(done.history.filter((h: Json) => h.to === "paid")).to.have.length(1);
		const { net } = splitCommission(order.total, 500);
		await until(stack, seller, "/payments/wallet?currency=KES", w => w.available === walletBefore + net, "the seller's share, once");
		await sleep(500);
		expect((await must(api(stack, seller, "GET", "/payments/wallet?currency=KES"), 200)).available).to.equal(walletBefore + net);
	}

	const count = (types: string[], type: string) => types.filter(t => t === type).length;

	/** A direct message from `from` reaches `to`'s socket on the stack's (current) gateway as a real-time frame. */
	async function frameArrives(from: TestUser, to: TestUser): Promise<void> {
		const socket = await openSocket(wsUrl(stack.apiUrl, `/ws?token=${to.accessToken}`));
		try {
			const conversation = await must(api(stack, from, "POST", "/messages/conversations", { memberIds: [to.userId] }), 201);
			const sent = await must(api(stack, from, "POST", `/messages/conversations/${conversation.id}/messages`, { clientId: `rt-${Date.now()}`, text: "Mzigo umefika?" }), 201);
			const frame = await socket.next("message.new", 15_000);
			expect(frame.data.id).to.equal(sent.id);
		} finally {
			socket.close();
		}
	}

	/** Stops RabbitMQ (every connection dropped, durable queues kept), waits, and starts it again. */
	async function restartRabbitMq(downMs: number): Promise<void> {
		const ctl = (command: string) => execFileSync("rabbitmqctl", [...(RABBITMQ_NODE ? ["-n", RABBITMQ_NODE] : []), command], { stdio: "ignore" });
		ctl("stop_app");
		try {
			await sleep(downMs);
		} finally {
			ctl("start_app");
		}
	}

	it("the business node (commerce) goes down after checkout and the payment arrives meanwhile: paid once when it returns", async () => {
		const buyer = await createUser(stack);
		const { order, intentId } = await checkout(buyer);
		const paidNoticesBefore = count(await notificationTypes(stack, seller), "commerce.order_paid");
		await stack.takeDown("commerce");
		try {
			await answerPrompt(stack, buyer, intentId, "success");
			await until(stack, buyer, `/payments/intents/${intentId}`, i => i.status === "succeeded", "the payment to succeed while commerce is down");
		} finally {
			await stack.bringUp("commerce");
		}
		await until(stack, buyer, `/commerce/orders/${order.id}`, o => o.status === "paid", "the order to be paid after the restart", 60_000);
		await waitFor(async () => count(await notificationTypes(stack, seller), "commerce.order_paid") === paidNoticesBefore + 1, "the seller's paid notification", 30_000, 200);
		await finish(buyer, order);
		await sleep(500);
		expect(count(await notificationTypes(stack, seller), "commerce.order_paid")).to.equal(paidNoticesBefore + 1);
	});

	it("the payments node goes down while the buyer answers the prompt: reconciliation books it once after the restart", async () => {
		const buyer = await createUser(stack);
		const { order, intentId } = await checkout(buyer);
		await until(stack, buyer, `/payments/intents/${intentId}`, i => Boolean(i.providerReference), "the prompt to be sent");
		const intent = await must(api(stack, buyer, "GET", `/payments/intents/${intentId}`), 200);
		await stack.takeDown("payments");
		try {
			// The customer pays; the provider's callback finds no payments service (and is not retried by the simulator).
			const res = await fetch(`${stack.apiUrl}/sim/mpesa/payments/${encodeURIComponent(intent.providerReference)}/complete`, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ outcome: "success" })
			});
			expect(res.status).to.equal(200);
		} finally {
			await stack.bringUp("payments");
		}
		await until(stack, buyer, `/commerce/orders/${order.id}`, o => o.status === "paid", "reconciliation to find the payment", 90_000);
		await finish(buyer, order);
	});

	it("the gateway node restarts between payment and delivery: the journey goes on through the new one, money once", async () => {
		const buyer = await createUser(stack);
		const { order, intentId } = await checkout(buyer);
		await answerPrompt(stack, buyer, intentId, "success");
		await until(stack, buyer, `/commerce/orders/${order.id}`, o => o.status === "paid", "the order to be paid");
		// A new process on a new port (the simulators, which live on the gateway, start empty: nothing is pending).
		await stack.takeDown("api");
		await stack.bringUp("api");
		await finish(buyer, order);
		// The new gateway node gets the real-time frames other nodes broadcast.
		await frameArrives(seller, buyer);
	});

	it("the notifications node goes down while a message is sent: the offline member is told once when it returns", async () => {
		const buyer = await createUser(stack);
		const conversation = await must(api(stack, buyer, "POST", "/messages/conversations", { memberIds: [seller.userId] }), 201);
		const before = count(await notificationTypes(stack, seller), "message.new");
		await stack.takeDown("notifications");
		try {
			await must(api(stack, buyer, "POST", `/messages/conversations/${conversation.id}/messages`, { clientId: `f-${Date.now()}`, text: "Bado iko?" }), 201);
		} finally {
			await stack.bringUp("notifications");
		}
		await waitFor(async () => count(await notificationTypes(stack, seller), "message.new") === before + 1, "one message notification", 60_000, 200);
		await sleep(1000);
		expect(count(await notificationTypes(stack, seller), "message.new")).to.equal(before + 1);
	});

	describe("shared infrastructure dropping its connections", () => {
		it("RabbitMQ restarting mid-purchase: the nodes reconnect and the order is paid once", async () => {
			const buyer = await createUser(stack);
			const { order, intentId } = await checkout(buyer);
			await restartRabbitMq(2000);
			await waitFor(async () => (await api(stack, buyer, "GET", `/payments/intents/${intentId}`)).status === 200, "the nodes to talk again", 90_000, 500);
			await answerPrompt(stack, buyer, intentId, "success");
			await until(stack, buyer, `/commerce/orders/${order.id}`, o => o.status === "paid", "the order to be paid after RabbitMQ came back", 90_000);
			await finish(buyer, order);
		});

		it("RabbitMQ going down while events are being published: every accepted post is counted once it returns, and later ones too", async () => {
			const author = await createUser(stack);
			const post = (n: number) => api(stack, author, "POST", "/social/posts", { text: `Soko la Kariakoo ${n}`, visibility: "public" });
			// Posts in flight as the broker stops: some are refused, the accepted ones have events in the outbox or on the wire.
			const inFlight = Array.from({ length: 8 }, (_, n) => post(n));
			await sleep(30);
			await restartRabbitMq(1500);
			const accepted = (await Promise.all(inFlight)).filter(r => r.status === 201).length;
			await waitFor(async () => (await post(100)).status === 201, "a post to be accepted after the restart", 90_000, 500);
			const counted = async () => (await must(api(stack, author, "GET", `/users/${author.userId}`), 200)).counts.posts;
			await waitFor(async () => (await counted()) === accepted + 1, `users to count all ${accepted + 1} accepted posts`, 90_000, 500);
			await sleep(1000);
			expect(await counted()).to.equal(accepted + 1);
			// Requests, durable events and real-time frames all cross RabbitMQ again.
			await frameArrives(await createUser(stack), author);
		});

		it("Redis dropping every client mid-purchase: the nodes reconnect and the order is paid once", async () => {
			const buyer = await createUser(stack);
			const { order, intentId } = await checkout(buyer);
			execFileSync("redis-cli", ["-h", "127.0.0.1", "CLIENT", "KILL", "TYPE", "normal"], { stdio: "ignore" });
			await answerPrompt(stack, buyer, intentId, "success");
			await until(stack, buyer, `/commerce/orders/${order.id}`, o => o.status === "paid", "the order to be paid after Redis dropped its clients", 60_000);
			await finish(buyer, order);
		});
	});
});
