/**
 * The whole path with the M-Pesa simulator, as the apps drive it: cart →
 * checkout → the buyer approves the STK prompt (the simulator calls back over
 * Daraja's wire protocol) → paid → shipped → delivery confirmed → the escrow
 * released to the seller's wallet minus commission; and a paid order
 * cancelled and refunded to the phone that paid. Buyer and seller are told
 * through notifications.
 */
import { expect } from "chai";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { waitFor } from "../../support/wait";
import { http } from "../api/http";
import { complete, phoneFor, simShow } from "../payments/support";
import { act, addToCart, call, checkout, checkoutBody, productIn, shopFor, waitOrder } from "./orders-fixtures";

const COMMISSION_BPS = 500;

async function wallet(stack: Stack, user: TestUser) {
	const res = await http(stack.apiUrl, "/api/v1/payments/wallet?currency=KES", { token: user.accessToken });
	expect(res.status).to.equal(200);
	return res.json as { available: number; held: number };
}

function notified(stack: Stack, user: TestUser, type: string, orderId: string) {
	return waitFor(
		async () => {
			const list = await http(stack.apiUrl, "/api/v1/notifications", { token: user.accessToken });
			return (list.json.items as Array<{ type: string; body: string; data: Record<string, string> }>).find(n => n.type === type && n.data.orderId === orderId);
		},
		`${type} for ${user.userId}`,
		20_000,
		100
	);
}

describe("commerce: the M-Pesa journey", function () {
	this.timeout(120_000);
	let stack: Stack;
	let seller: TestUser;
	let buyer: TestUser;
	let shop: string;

	before(async () => {
		stack = await getStack();
		[seller, buyer] = await Promise.all([createUser(stack), createUser(stack)]);
		shop = await shopFor(seller.userId, { deliveryFee: 30_000 });
	});

	it("cart → checkout → M-Pesa callback → paid → shipped → confirmed → escrow released to the seller's wallet minus commission", async () => {
		const p = await productIn(shop, seller.userId, { prices: [250_000], stock: 3 });
		await addToCart(stack, buyer, p.productId, 2);
		const phone = phoneFor("mpesa");
		const res = await checkout(stack, buyer, checkoutBody({ payment: { provider: "mpesa", phone } }));
		expect(res.status, res.text).to.equal(201);
		const order = res.json.orders[0];
		const total = 2 * 250_000 + 30_000;
		expect(order.total).to.equal(total);
		expect(res.json.payment.providerReference).to.match(/^ws_CO_/);
		const prompt = await simShow(stack, "mpesa", res.json.payment.providerReference);
		expect(prompt.amount).to.equal(total / 100);

		const before = await wallet(stack, seller);
		const done = await complete(stack, "mpesa", res.json.payment.providerReference, { outcome: "success" });
		expect(done.callbacks).to.deep.equal([200]);
		await waitOrder(order.id, "paid");
		expect((await wallet(stack, seller)).held).to.equal(before.held + total);
		const sellerNotice = await notified(stack, seller, "commerce.order_paid", order.id);
		expect(sellerNotice.body).to.contain("KES 5,300");
		expect(sellerNotice.data.number).to.equal(order.number);

		const shipped = await act(stack, seller, order.id, "ship", { carrier: "Sendy", trackingRef: "SND-778" });
		expect(shipped.json.status).to.equal("shipped");
		await notified(stack, buyer, "commerce.order_shipped", order.id);

		const confirmed = await act(stack, buyer, order.id, "confirm-delivery");
		expect(confirmed.status).to.equal(200);
		expect(confirmed.json.status).to.equal("completed");
		const commission = Math.floor((total * COMMISSION_BPS) / 10_000);
		const after = await wallet(stack, seller);
		expect(after.available - before.available).to.equal(total - commission);
		expect(after.held).to.equal(before.held);
		await notified(stack, seller, "commerce.order_completed", order.id);
		const history = (await call(stack, `/orders/${order.id}`, buyer)).json.history.map((h: { to: string }) => h.to);
		expect(history).to.deep.equal(["pending_payment", "paid", "shipped", "delivered", "completed"]);
	});

	it("a paid order cancelled before shipping is refunded in full to the phone that paid", async () => {
		const p = await productIn(shop, seller.userId, { prices: [100_000], stock: 3 });
		await addToCart(stack, buyer, p.productId, 1);
		const phone = phoneFor("mpesa");
		const res = await checkout(stack, buyer, checkoutBody({ payment: { provider: "mpesa", phone } }));
		const order = res.json.orders[0];
		await complete(stack, "mpesa", res.json.payment.providerReference, { outcome: "success" });
		await waitOrder(order.id, "paid");

		const cancelled = await act(stack, buyer, order.id, "cancel");
		expect(cancelled.status).to.equal(200);
		expect(cancelled.json).to.include({ status: "refunded", cancelReason: "buyer_cancelled" });
		const payout = await waitFor(
			async () => {
				const [row] = await coreQuery<{ amount: string; phone: string; status: string }>("SELECT amount, phone, status FROM payments.payouts WHERE user_id = $1 AND reason = 'refund' AND status = 'paid'", [
					buyer.userId
				]);
				return row;
			},
			"the refund payout to be paid",
			30_000,
			200
		);
		expect(Number(payout.amount)).to.equal(order.total);
		expect(payout.phone).to.equal(phone);
		await notified(stack, seller, "commerce.order_cancelled", order.id);
		await notified(stack, buyer, "commerce.order_refunded", order.id);
	});
});
