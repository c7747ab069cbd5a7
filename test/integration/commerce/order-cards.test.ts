/**
 * commerce.orderCards (messages embeds orders in chats) and the orders
 * business counter on the commerce node's /metrics.
 */
import { expect } from "chai";
import { sample, scrape } from "../../support/metrics";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { waitFor } from "../../support/wait";
import { addToCart, checkedOut, paidOrder, productIn, shopFor } from "./orders-fixtures";

type Cards = Record<string, { id: string; number: string; status: string; total: number; itemCount: number; title: string; shopName: string | null }>;

describe("commerce: order cards and the orders counter", function () {
	this.timeout(90_000);
	let stack: Stack;
	let seller: TestUser;
	let buyer: TestUser;
	let stranger: TestUser;
	let shop: string;

	before(async () => {
		stack = await getStack();
		[seller, buyer, stranger] = await Promise.all([createUser(stack), createUser(stack), createUser(stack)]);
		shop = await shopFor(seller.userId);
	});

	it("shows an order's card to its buyer and its seller only", async () => {
		const a = await productIn(shop, seller.userId, { title: "Kikapu" });
		const b = await productIn(shop, seller.userId, { title: "Mkeka" });
		await addToCart(stack, buyer, a.productId, 2);
		await addToCart(stack, buyer, b.productId, 1);
		const { orders } = await checkedOut(stack, buyer);
		const order = orders[0];
		const cards = (viewerId: string) => stack.broker.call<Cards, object>("commerce.orderCards", { ids: [order.id], viewerId });
		for (const viewer of [buyer, seller]) {
			const card = (await cards(viewer.userId))[order.id];
			expect(card, viewer === buyer ? "buyer" : "seller").to.include({ id: order.id, number: order.number, status: "pending_payment", total: order.total, itemCount: 3 });
			expect(card.title).to.match(/^(Kikapu|Mkeka) and 1 more$/);
			expect(card.shopName).to.be.a("string");
		}
		expect(await cards(stranger.userId)).to.deep.equal({});
		const invalid = await stack.broker.call("commerce.orderCards", { ids: ["nope"], viewerId: buyer.userId }).catch((e: { type: string }) => e);
		expect((invalid as { type: string }).type).to.equal("VALIDATION_ERROR");
	});

	it("counts orders reaching each status on /metrics", async () => {
		const count = (text: string, status: string) => sample(text, "nexgate_orders_total", { status });
		const before = await scrape(stack, "commerce");
		const p = await productIn(shop, seller.userId);
		await paidOrder(stack, buyer, p.productId);
		await waitFor(async () => {
			const now = await scrape(stack, "commerce");
			return count(now, "pending_payment") >= count(before, "pending_payment") + 1 && count(now, "paid") >= count(before, "paid") + 1;
		}, "the orders counter to move");
	});
});
