/**
 * The last units under a crowd: 200 buyers, each with the product in their
 * cart, check out the last 5 units at the same moment through the REST API.
 * Exactly 5 get orders and payments (and all 5 are paid through the M-Pesa
 * simulator); the other 195 are told it sold out and no payment intent is
 * made for them, so none is left dangling.
 */
import { expect } from "chai";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { addToCart, checkout, pay, productIn, shopFor, stockOf } from "./orders-fixtures";

const BUYERS = 200;
const UNITS = 5;

describe("commerce: 200 buyers, 5 units", function () {
	this.timeout(600_000);
	let stack: Stack;
	let buyers: TestUser[] = [];

	before(async () => {
		stack = await getStack();
		// A few at a time: registration hashes passwords and is rate-limited per address; the machine is small.
		for (let i = 0; i < BUYERS; i += 4) buyers = buyers.concat(await Promise.all(Array.from({ length: Math.min(4, BUYERS - i) }, () => createUser(stack))));
	});

	it("sells exactly the stock: 5 orders paid, 195 told it sold out, one payment intent per winner and none for the rest", async () => {
		const seller = await createUser(stack);
		const shop = await shopFor(seller.userId);
		const p = await productIn(shop, seller.userId, { prices: [50_000], stock: UNITS });
		for (let i = 0; i < BUYERS; i += 25) await Promise.all(buyers.slice(i, i + 25).map(b => addToCart(stack, b, p.productId, 1)));

		const results = await Promise.all(buyers.map(b => checkout(stack, b)));
		const won = results.filter(r => r.status === 201);
		const lost = results.filter(r => r.status !== 201);
		expect(won).to.have.length(UNITS);
		expect(lost).to.have.length(BUYERS - UNITS);
		for (const r of lost) {
			expect(r.status, r.text).to.equal(409);
			expect(r.json.type).to.equal("OUT_OF_STOCK");
			expect(r.json.data.changes[0]).to.include({ productId: p.productId, kind: "unavailable" });
		}
		expect(await stockOf(p.variantIds[0])).to.equal(0);

		const ids = buyers.map(b => b.userId);
		const [orders] = await coreQuery<{ n: string }>("SELECT count(*) AS n FROM commerce.orders WHERE buyer_id = ANY($1::uuid[])", [ids]);
		expect(Number(orders.n)).to.equal(UNITS);
		const [intents] = await coreQuery<{ n: string }>("SELECT count(*) AS n FROM payments.payment_intents WHERE payer_id = ANY($1::uuid[])", [ids]);
		expect(Number(intents.n)).to.equal(UNITS);

		for (const r of won) await pay(stack, r.json);
		const paid = await coreQuery<{ status: string }>("SELECT status FROM commerce.orders WHERE buyer_id = ANY($1::uuid[])", [ids]);
		expect(paid.map(r => r.status)).to.deep.equal(Array(UNITS).fill("paid"));
		const [product] = await coreQuery<{ sold_count: number }>("SELECT sold_count FROM commerce.products WHERE id = $1", [p.productId]);
		expect(Number(product.sold_count)).to.equal(UNITS);
		const [held] = await coreQuery<{ n: string }>(
			"SELECT count(*) AS n FROM commerce.stock_reservations r JOIN commerce.orders o ON o.id = r.order_id WHERE o.buyer_id = ANY($1::uuid[]) AND r.status = 'committed'",
			[ids]
		);
		expect(Number(held.n)).to.equal(UNITS);
		expect(await stockOf(p.variantIds[0])).to.equal(0);
	});
});
