/**
 * Journeys (issue 13) where something goes wrong, through the public REST API
 * and the simulators: a payment prompt nobody answers (reconciliation ends it
 * and the seats come back, then the retry is paid), an order cancelled before
 * shipping and refunded, an event cancelled with every booking refunded, and
 * a dispute an administrator decides.
 */
import { expect } from "chai";
import { splitCommission } from "../../../services/payments/rules/money";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { png, upload } from "../files/support";
import { adminToken } from "../payments/support";
import { ADDRESS, answerPrompt, api, hasNotifications, idempotencyKey, mobile, must, until, type Json } from "./support";

const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

describe("journeys: when things go wrong", function () {
	this.timeout(180_000);
	let stack: Stack;
	let admin: string;
	let seller: TestUser;
	let shop: Json;

	before(async () => {
		stack = await getStack();
		seller = await createUser(stack, { displayName: "Duka la Juma" });
		admin = await adminToken(stack, await createUser(stack));
		shop = await must(api(stack, seller, "POST", "/commerce/shops", { name: `Duka la Juma ${Date.now()}`, category: "electronics", region: "Nairobi", city: "Nairobi", phone: "+254712000333", currency: "KES" }), 201);
		await must(api(stack, seller, "POST", `/commerce/shops/${shop.id}/verification`, { documentFileIds: [await verificationDoc(stack, seller)], nationalId: "31234567" }), 201);
		await must(api(stack, admin, "POST", `/commerce/shops/${shop.id}/verification/approve`), 200);
	});

	async function listed(stock: number, price = 100_000): Promise<Json> {
		return must(api(stack, seller, "POST", `/commerce/shops/${shop.id}/products`, { title: `Redio ${Date.now()}`, price, currency: "KES", stock, status: "active" }), 201);
	}

	async function paidOrder(buyer: TestUser, productId: string): Promise<Json> {
		await must(api(stack, buyer, "POST", "/commerce/cart/items", { productId, quantity: 1 }), 201);
		const result = await must(api(stack, buyer, "POST", "/commerce/checkout", { shippingAddress: ADDRESS, payment: { provider: "mpesa", phone: mobile("KE") } }, idempotencyKey()), 201);
		await answerPrompt(stack, buyer, result.payment.intentId, "success");
		return until(stack, buyer, `/commerce/orders/${result.orders[0].id}`, o => o.status === "paid", "the order to be paid");
	}

	it("a booking whose prompt is never answered is ended by reconciliation, its seat comes back, and the retry is paid", async () => {
		const organizer = await createUser(stack);
		const attendee = await createUser(stack);
		const event = await must(api(stack, organizer, "POST", "/events", { title: `Warsha ya Kodi ${Date.now()}`, description: "Tax workshop", category: "education", startsAt: inHours(48), endsAt: inHours(50), timezone: "Africa/Nairobi", online: { url: "https://meet.example.org/kodi" } }), 201);
		const type = await must(api(stack, organizer, "POST", `/events/${event.id}/ticket-types`, { name: "Seat", price: 500_000, currency: "TZS", capacity: 1 }), 201);
		await must(api(stack, organizer, "POST", `/events/${event.id}/publish`, {}), 200);
		const book = () => api(stack, attendee, "POST", `/events/${event.id}/bookings`, { items: [{ ticketTypeId: type.id, quantity: 1 }], payment: { provider: "tembo", phone: mobile("TZ") } }, idempotencyKey());

		const first = await must(book(), 201);
		await answerPrompt(stack, attendee, first.payment.intentId, "timeout");
		// The only seat is held: nobody else can book it meanwhile.
		expect((await book()).status).to.equal(409);
		await until(stack, attendee, `/events/bookings/${first.booking.id}`, b => b.status === "expired", "the unanswered booking to expire", 60_000);
		// Reconciliation polls the provider, finds no answer and ends the intent at the end of its lifetime.
		await until(stack, attendee, `/payments/intents/${first.payment.intentId}`, i => i.status === "expired", "the unanswered intent to expire", 60_000);

		const retry = await must(book(), 201);
		await answerPrompt(stack, attendee, retry.payment.intentId, "success");
		await until(stack, attendee, `/events/bookings/${retry.booking.id}`, b => b.status === "confirmed", "the retried booking to be confirmed");
	});

	it("an order cancelled before shipping is refunded in full and its stock comes back", async () => {
		const buyer = await createUser(stack);
		const product = await listed(1);
		const order = await paidOrder(buyer, product.id);
		expect((await must(api(stack, null, "GET", `/commerce/products/${product.id}`), 200)).inStock).to.equal(false);
		await must(api(stack, buyer, "POST", `/commerce/orders/${order.id}/cancel`), 200);
		const done = await until(stack, buyer, `/commerce/orders/${order.id}`, o => o.status === "refunded", "the order to be refunded");
		const path = done.history.map((h: Json) => h.to);
		expect(path[0]).to.equal("pending_payment");
		expect(path).to.include("paid");
		expect(path[path.length - 1]).to.equal("refunded");
		expect((await must(api(stack, null, "GET", `/commerce/products/${product.id}`), 200)).inStock).to.equal(true);
		expect((await must(api(stack, seller, "POST", `/commerce/orders/${order.id}/ship`, {}), 409)).type).to.be.a("string");
		await hasNotifications(stack, buyer, ["commerce.order_refunded"]);
		await hasNotifications(stack, seller, ["commerce.order_cancelled"]);
	});

	it("an event cancelled by its organizer refunds every booking and tells every attendee", async () => {
		const organizer = await createUser(stack);
		const attendees = await Promise.all([createUser(stack), createUser(stack)]);
		const event = await must(api(stack, organizer, "POST", "/events", { title: `Mbio za Hisani ${Date.now()}`, description: "Charity run", category: "sports", startsAt: inHours(72), endsAt: inHours(75), timezone: "Africa/Dar_es_Salaam", venue: { name: "Uwanja wa Uhuru", address: "Uhuru St", city: "Dar es Salaam", region: "Dar es Salaam", country: "TZ", lat: -6.8485, lng: 39.2783 } }), 201);
		const type = await must(api(stack, organizer, "POST", `/events/${event.id}/ticket-types`, { name: "Runner", price: 2_000_000, currency: "TZS", capacity: 50 }), 201);
		await must(api(stack, organizer, "POST", `/events/${event.id}/publish`, {}), 200);
		const bookings = [];
		for (const a of attendees) {
			const b = await must(api(stack, a, "POST", `/events/${event.id}/bookings`, { items: [{ ticketTypeId: type.id, quantity: 1 }], payment: { provider: "selcom", phone: mobile("TZ") } }, idempotencyKey()), 201);
			await answerPrompt(stack, a, b.payment.intentId, "success");
			bookings.push(await until(stack, a, `/events/bookings/${b.booking.id}`, x => x.status === "confirmed", "the booking to be confirmed"));
		}
		await must(api(stack, organizer, "POST", `/events/${event.id}/cancel`, { reason: "Heavy rains" }), 200);
		for (const [i, a] of attendees.entries()) {
			await until(stack, a, `/events/bookings/${bookings[i].id}`, b => b.status === "refunded", "the booking to be refunded");
			const mine = await must(api(stack, a, "GET", "/events/tickets"), 200);
			expect(mine.items.filter((t: Json) => t.eventId === event.id).every((t: Json) => t.status === "revoked")).to.equal(true);
			await hasNotifications(stack, a, ["ticket.booking_cancelled"]);
		}
	});

	it("a disputed order is frozen until an administrator splits it", async () => {
		const buyer = await createUser(stack);
		const product = await listed(2, 300_000);
		const order = await paidOrder(buyer, product.id);
		await must(api(stack, seller, "POST", `/commerce/orders/${order.id}/ship`, { carrier: "Sendy" }), 200);
		await must(api(stack, buyer, "POST", `/commerce/orders/${order.id}/dispute`, { reason: "The radio does not turn on" }), 200);
		expect((await api(stack, buyer, "POST", `/commerce/orders/${order.id}/confirm-delivery`)).status).to.equal(409);
		expect((await api(stack, buyer, "POST", `/commerce/orders/${order.id}/dispute/resolve`, { resolution: "refund" })).status).to.equal(403);
		await hasNotifications(stack, seller, ["commerce.order_disputed"]);
		const walletBefore = (await must(api(stack, seller, "GET", "/payments/wallet?currency=KES"), 200)).available;
		await must(api(stack, admin, "POST", `/commerce/orders/${order.id}/dispute/resolve`, { resolution: "split", refundAmount: 100_000 }), 200);
		await hasNotifications(stack, buyer, ["commerce.dispute_resolved"]);
		await hasNotifications(stack, seller, ["commerce.dispute_resolved"]);
		// The seller's share (what was not refunded), minus commission, reaches the seller's wallet.
		const { net } = splitCommission(order.total - 100_000, 500);
		await until(stack, seller, "/payments/wallet?currency=KES", w => w.available === walletBefore + net, "the seller's share in the wallet");
	});
});

async function verificationDoc(stack: Stack, owner: TestUser): Promise<string> {
	const res = await upload(stack, owner, await png(600, 400), { purpose: "verification", filename: "id.png", type: "image/png" });
	expect(res.status, res.text).to.equal(201);
	return res.json.id;
}
