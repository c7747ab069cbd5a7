/**
 * Orders through the REST API: reading them as buyer, seller, stranger and
 * admin; every transition (ship, confirm delivery, cancel with refund,
 * dispute and its resolution) with its guards, history rows, events and
 * money; payments' failures cancelling orders with stock and cart restored;
 * the sweeper's automatic delivery and completion.
 */
import { expect } from "chai";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { waitFor } from "../../support/wait";
import { adminToken, balance, complete } from "../payments/support";
import { act, addToCart, call, checkedOut, historyOf, orderEvents, paidOrder, pay, productIn, shopFor, stockOf, waitOrder } from "./orders-fixtures";

const escrowOf = (orderId: string) => coreQuery<{ status: string; auto_release_at: Date | null }>("SELECT status, auto_release_at FROM payments.escrows WHERE purpose_type = 'order' AND purpose_id = $1", [orderId]).then(r => r[0]);

describe("commerce: orders", function () {
	this.timeout(120_000);
	let stack: Stack;
	let seller: TestUser;
	let buyer: TestUser;
	let stranger: TestUser;
	let admin: string;
	let shop: string;

	before(async () => {
		stack = await getStack();
		let adminUser: TestUser;
		[seller, buyer, stranger, adminUser] = await Promise.all([createUser(stack), createUser(stack), createUser(stack), createUser(stack)]);
		admin = await adminToken(stack, adminUser);
		shop = await shopFor(seller.userId, { deliveryFee: 10_000 });
	});

	it("shows an order to its buyer and seller (with history and the actions each may take), 404 to others, 401 without a token, 400 for a bad id", async () => {
		const p = await productIn(shop, seller.userId);
		await addToCart(stack, buyer, p.productId);
		const { orders } = await checkedOut(stack, buyer);
		const id = orders[0].id;
		const mine = await call(stack, `/orders/${id}`, buyer);
		expect(mine.status).to.equal(200);
		expect(mine.json).to.include({ id, status: "pending_payment", number: orders[0].number });
		expect(mine.json.actions).to.deep.equal(["cancel"]);
		expect(mine.json.history).to.have.length(1);
		expect(mine.json.history[0]).to.include({ from: null, to: "pending_payment", actor: "buyer" });
		const theirs = await call(stack, `/orders/${id}`, seller);
		expect(theirs.status).to.equal(200);
		expect(theirs.json.actions).to.deep.equal(["cancel"]);
		expect((await call(stack, `/orders/${id}`, stranger)).status).to.equal(404);
		expect((await call(stack, `/orders/${id}`, admin)).status).to.equal(200);
		expect((await call(stack, `/orders/${id}`, null)).status).to.equal(401);
		expect((await call(stack, "/orders/not-a-uuid", buyer)).status).to.equal(400);
	});

	it("lists my orders as a buyer and a shop's orders for its owner only, newest first, paged", async () => {
		const b = await createUser(stack);
		const p = await productIn(shop, seller.userId);
		for (let i = 0; i < 3; i++) {
			await addToCart(stack, b, p.productId);
			await checkedOut(stack, b);
		}
		const page1 = await call(stack, "/orders?limit=2", b);
		expect(page1.status).to.equal(200);
		expect(page1.json.items).to.have.length(2);
		const page2 = await call(stack, `/orders?limit=2&cursor=${page1.json.nextCursor}`, b);
		expect(page2.json.items).to.have.length(1);
		expect(page2.json.nextCursor).to.equal(null);
		expect((await call(stack, "/orders?status=paid", b)).json.items).to.deep.equal([]);
		expect((await call(stack, "/orders?status=nonsense", b)).status).to.equal(400);
		expect((await call(stack, "/orders", null)).status).to.equal(401);

		const shopList = await call(stack, `/shops/${shop}/orders?limit=100`, seller);
		expect(shopList.status).to.equal(200);
		expect(shopList.json.items.filter((o: { buyerId: string }) => o.buyerId === b.userId)).to.have.length(3);
		const forbidden = await call(stack, `/shops/${shop}/orders`, b);
		expect(forbidden.status).to.equal(403);
		expect((await call(stack, `/shops/00000000-0000-7000-8000-000000000000/orders`, seller)).status).to.equal(404);
	});

	it("a failed payment cancels the order (payment_failed), releases the stock and puts the items back in the cart", async () => {
		const b = await createUser(stack);
		const p = await productIn(shop, seller.userId, { stock: 5 });
		await addToCart(stack, b, p.productId, 2);
		const result = await checkedOut(stack, b);
		expect(await stockOf(p.variantIds[0])).to.equal(3);
		await pay(stack, result, "insufficient_funds");
		const id = result.orders[0].id;
		await waitOrder(id, "cancelled");
		const order = (await call(stack, `/orders/${id}`, b)).json;
		expect(order).to.include({ status: "cancelled", cancelReason: "payment_failed" });
		expect(await stockOf(p.variantIds[0])).to.equal(5);
		const cart = (await call(stack, "/cart", b)).json;
		expect(cart.items.map((i: { productId: string; quantity: number }) => [i.productId, i.quantity])).to.deep.equal([[p.productId, 2]]);
		expect(await orderEvents("commerce.order.cancelled", id)).to.have.length(1);
		expect(await historyOf(id)).to.deep.equal(["∅→pending_payment", "pending_payment→cancelled"]);
	});

	it("the sweeper cancels an unpaid order whose hold lapsed without any payment (payment_expired)", async () => {
		const b = await createUser(stack);
		const p = await productIn(shop, seller.userId, { stock: 5 });
		await addToCart(stack, b, p.productId, 1);
		const result = await checkedOut(stack, b);
		const id = result.orders[0].id;
		// The payment expired at payments (the prompt was never answered) and the hold lapsed long ago.
		await coreQuery("UPDATE payments.payment_intents SET status = 'expired' WHERE id = $1", [result.payment.intentId]);
		await coreQuery("UPDATE commerce.stock_reservations SET expires_at = now() - interval '1 day' WHERE order_id = $1", [id]);
		const swept = await stack.broker.call<{ expired: number }, object>("commerce.sweepOrders", {});
		expect(swept.expired).to.be.at.least(1);
		const order = (await call(stack, `/orders/${id}`, b)).json;
		expect(order).to.include({ status: "cancelled", cancelReason: "payment_expired" });
		expect(await stockOf(p.variantIds[0])).to.equal(5);
		expect((await call(stack, "/cart", b)).json.items).to.have.length(1);
	});

	it("money arriving for an order the buyer cancelled while the prompt was open is refunded to the phone that paid", async () => {
		const b = await createUser(stack);
		const p = await productIn(shop, seller.userId, { stock: 5 });
		await addToCart(stack, b, p.productId);
		const result = await checkedOut(stack, b);
		const id = result.orders[0].id;
		expect((await act(stack, b, id, "cancel")).json.status).to.equal("cancelled");
		await complete(stack, "mpesa", result.payment.providerReference, { outcome: "success" });
		const escrow = await waitFor(async () => {
			const e = await escrowOf(id);
			return e?.status === "refunded" ? e : null;
		}, "the late payment's escrow to be refunded", 30_000, 100);
		expect(escrow.status).to.equal("refunded");
		expect(await waitOrder(id, "cancelled")).to.equal("cancelled");
		expect(await stockOf(p.variantIds[0])).to.equal(5);
	});

	it("ship: the seller ships a paid order (carrier, tracking); the buyer may not, an unpaid order cannot be, a stranger gets 404", async () => {
		const p = await productIn(shop, seller.userId);
		await addToCart(stack, buyer, p.productId);
		const unpaid = (await checkedOut(stack, buyer)).orders[0];
		const early = await act(stack, seller, unpaid.id, "ship");
		expect(early.status).to.equal(409);
		expect(early.json.type).to.equal("ORDER_STATE");

		const order = await paidOrder(stack, buyer, p.productId);
		expect((await act(stack, buyer, order.id, "ship")).status).to.equal(403);
		expect((await act(stack, stranger, order.id, "ship")).status).to.equal(404);
		expect((await act(stack, null, order.id, "ship")).status).to.equal(401);
		expect((await act(stack, seller, order.id, "ship", { carrier: "x".repeat(101) })).status).to.equal(400);
		const shipped = await act(stack, seller, order.id, "ship", { carrier: "G4S Courier", trackingRef: "KE-123" });
		expect(shipped.status).to.equal(200);
		expect(shipped.json).to.include({ status: "shipped" });
		expect(shipped.json.shipment).to.deep.equal({ carrier: "G4S Courier", trackingRef: "KE-123" });
		expect((await act(stack, seller, order.id, "ship")).status).to.equal(409);
		expect(await orderEvents("commerce.order.shipped", order.id)).to.have.length(1);
	});

	it("confirm-delivery: only the buyer, only once shipped; the escrow is released to the seller and the order completes", async () => {
		const p = await productIn(shop, seller.userId, { prices: [200_000] });
		const order = await paidOrder(stack, buyer, p.productId);
		expect((await act(stack, buyer, order.id, "confirm-delivery")).status).to.equal(409);
		await act(stack, seller, order.id, "ship");
		expect((await act(stack, seller, order.id, "confirm-delivery")).status).to.equal(403);
		expect((await act(stack, stranger, order.id, "confirm-delivery")).status).to.equal(404);
		const done = await act(stack, buyer, order.id, "confirm-delivery");
		expect(done.status).to.equal(200);
		expect(done.json.status).to.equal("completed");
		expect((await escrowOf(order.id)).status).to.equal("released");
		expect(await historyOf(order.id)).to.deep.equal(["∅→pending_payment", "pending_payment→paid", "paid→shipped", "shipped→delivered", "delivered→completed"]);
		expect(await orderEvents("commerce.order.completed", order.id)).to.have.length(1);
		expect((await act(stack, buyer, order.id, "confirm-delivery")).status).to.equal(409);
	});

	it("cancel: the buyer cancels an unpaid order; a paid one is refunded in full to the paying phone with its stock back; a shipped one cannot be", async () => {
		const p = await productIn(shop, seller.userId, { stock: 10 });
		await addToCart(stack, buyer, p.productId);
		const unpaid = (await checkedOut(stack, buyer)).orders[0];
		expect((await act(stack, stranger, unpaid.id, "cancel")).status).to.equal(404);
		const c1 = await act(stack, buyer, unpaid.id, "cancel");
		expect(c1.status).to.equal(200);
		expect(c1.json).to.include({ status: "cancelled", cancelReason: "buyer_cancelled" });
		expect(await stockOf(p.variantIds[0])).to.equal(10);

		const paid = await paidOrder(stack, buyer, p.productId, 2);
		expect(await stockOf(p.variantIds[0])).to.equal(8);
		const c2 = await act(stack, seller, paid.id, "cancel");
		expect(c2.status).to.equal(200);
		expect(c2.json).to.include({ status: "refunded", cancelReason: "seller_cancelled" });
		expect(await stockOf(p.variantIds[0])).to.equal(10);
		expect((await escrowOf(paid.id)).status).to.equal("refunded");
		expect(await historyOf(paid.id)).to.deep.equal(["∅→pending_payment", "pending_payment→paid", "paid→cancelled", "cancelled→refunded"]);
		expect(await orderEvents("commerce.order.refunded", paid.id)).to.have.length(1);

		const shipped = await paidOrder(stack, buyer, p.productId);
		await act(stack, seller, shipped.id, "ship");
		const late = await act(stack, buyer, shipped.id, "cancel");
		expect(late.status).to.equal(409);
		expect(late.json.data.allowedFrom).to.deep.equal(["pending_payment", "paid"]);
	});

	it("dispute: the buyer disputes a shipped order (escrow frozen); only an admin resolves it, and a refund ends the order refunded", async () => {
		const p = await productIn(shop, seller.userId, { prices: [300_000] });
		const order = await paidOrder(stack, buyer, p.productId);
		await act(stack, seller, order.id, "ship");
		expect((await act(stack, buyer, order.id, "dispute", {})).status).to.equal(400);
		expect((await act(stack, seller, order.id, "dispute", { reason: "x" })).status).to.equal(403);
		const d = await act(stack, buyer, order.id, "dispute", { reason: "The bag arrived torn" });
		expect(d.status).to.equal(200);
		expect(d.json.status).to.equal("disputed");
		expect((await escrowOf(order.id)).status).to.equal("disputed");
		expect((await act(stack, buyer, order.id, "confirm-delivery")).status).to.equal(409);

		expect((await act(stack, buyer, order.id, "dispute/resolve", { resolution: "refund" })).status).to.equal(403);
		expect((await act(stack, admin, order.id, "dispute/resolve", { resolution: "nonsense" })).status).to.equal(400);
		const r = await act(stack, admin, order.id, "dispute/resolve", { resolution: "refund" });
		expect(r.status, r.text).to.equal(200);
		expect(r.json.status).to.equal("refunded");
		expect((await escrowOf(order.id)).status).to.equal("refunded");
		const [resolved] = await coreQuery<{ envelope: { data: { loserId: string } } }>(
			"SELECT envelope FROM commerce.outbox WHERE type = 'commerce.dispute.resolved' AND envelope->'data'->>'orderId' = $1",
			[order.id]
		);
		expect(resolved.envelope.data.loserId).to.equal(seller.userId);
		const view = (await call(stack, `/orders/${order.id}`, buyer)).json;
		expect(view.dispute).to.include({ reason: "The bag arrived torn", status: "resolved", resolution: "refund" });
		expect((await act(stack, admin, order.id, "dispute/resolve", { resolution: "release" })).status).to.equal(404);
	});

	it("dispute resolved for the seller (release): the order completes, the seller is paid and the buyer is named the loser", async () => {
		const p = await productIn(shop, seller.userId, { prices: [100_000] });
		const order = await paidOrder(stack, buyer, p.productId);
		expect((await act(stack, buyer, order.id, "dispute", { reason: "Not sure it is original" })).json.status).to.equal("disputed");
		const r = await act(stack, admin, order.id, "dispute/resolve", { resolution: "release" });
		expect(r.status, r.text).to.equal(200);
		expect(r.json.status).to.equal("completed");
		expect((await escrowOf(order.id)).status).to.equal("released");
		const [resolved] = await coreQuery<{ envelope: { data: { loserId: string } } }>(
			"SELECT envelope FROM commerce.outbox WHERE type = 'commerce.dispute.resolved' AND envelope->'data'->>'orderId' = $1",
			[order.id]
		);
		expect(resolved.envelope.data.loserId).to.equal(buyer.userId);
		expect(await orderEvents("commerce.order.completed", order.id)).to.have.length(1);
	});

	it("a shipped order never confirmed is marked delivered by the sweeper, and completes when payments auto-releases its escrow", async () => {
		const p = await productIn(shop, seller.userId, { prices: [100_000] });
		const order = await paidOrder(stack, buyer, p.productId);
		await act(stack, seller, order.id, "ship");
		await coreQuery("UPDATE commerce.orders SET shipped_at = now() - interval '400 days' WHERE id = $1", [order.id]);
		const swept = await stack.broker.call<{ delivered: number }, object>("commerce.sweepOrders", {});
		expect(swept.delivered).to.be.at.least(1);
		expect(await waitOrder(order.id, "delivered")).to.equal("delivered");
		expect((await escrowOf(order.id)).auto_release_at).to.not.equal(null);
		const delivered = await orderEvents("commerce.order.delivered", order.id);
		expect(delivered.map(e => e.data.by)).to.deep.equal(["system"]);
		// payments' window passes: its worker releases the escrow, and commerce completes the order.
		await coreQuery("UPDATE payments.escrows SET auto_release_at = now() - interval '1 minute' WHERE purpose_type = 'order' AND purpose_id = $1", [order.id]);
		await waitOrder(order.id, "completed", 30_000);
		expect((await escrowOf(order.id)).status).to.equal("released");
		expect(await balance(`user:${seller.userId}:wallet`, "KES")).to.be.greaterThan(0);
		await waitFor(async () => (await orderEvents("commerce.order.completed", order.id)).length === 1, "completed event");
	});
});
