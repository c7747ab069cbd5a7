/**
 * Checkout (docs/commerce.md "Checkout"): the cart becomes one order per shop
 * and one payment for their total, with an escrow per order.
 *
 * 1. One transaction, holding the buyer's cart row (checkouts of one cart run
 *    one at a time): the Idempotency-Key is looked up (a repeat gets the first
 *    answer); the cart is re-read against the live catalog (a sold-out line or
 *    a price the buyer never saw refuses the checkout, naming the changes);
 *    stock is reserved by guarded decrements in variant order; orders, their
 *    item snapshots, reservations and history are written, the checkout row
 *    records the key and the cart is emptied.
 * 2. payments.createIntent with one allocation per order, under a key derived
 *    from the checkout, so any retry (the same request again, or a crash
 *    between the two steps) finds the same intent instead of charging twice.
 *    A refusal from payments (bad phone, unknown method…) undoes step 1
 *    completely: orders removed, stock and cart restored, key free again.
 * Losers of a race for the last units fail in step 1 and never reach payments.
 */
import type { Transaction } from "sequelize";
import { inTransaction } from "../../../lib/db/transaction";
import type { PaymentPurpose } from "../../../lib/events/catalogue";
import { newId } from "../../../lib/ids";
import { CommerceError } from "../errors";
import { checkAddress, type ShippingAddress } from "../rules/address";
import { intentKey, requestFingerprint, validIdempotencyKey } from "../rules/checkout-request";
import { paymentLifetimeSeconds, reservationExpiry, reservationPlan } from "../rules/inventory";
import { formatOrderNumber } from "../rules/order-number";
import { cartChanges, checkoutTotal, lineTotal, splitByShop, type CartLine, type CartChange } from "../rules/pricing";
import type { CommerceRuntime } from "../runtime";
import { cartLines, deleteItems, lockCart, markPricesSeen, restoreItems } from "../store/cart";
import { checkoutById, findCheckout, markCreated, deleteCheckout, type CheckoutRow } from "../store/checkouts";
import { execute } from "../store/db";
import { insertHistory, insertItems, insertOrder, itemsOf, nextOrderSequence, ordersOfCheckout, setIntent, type OrderRow } from "../store/orders";
import { insertReservations, releaseReservations, stockOf, takeStock } from "../store/reservations";
import { countOrders, dbOf, orderViews, type OrderView } from "./orders";

export type PaymentChoice = { methodId: string } | { provider: "mpesa" | "selcom" | "tembo"; phone: string };

export interface CheckoutInput {
	shippingAddress: Record<string, unknown>;
	payment: PaymentChoice;
}

export interface CheckoutResult {
	orders: OrderView[];
	payment: { intentId: string; status: string; provider: string | null; providerReference: string | null; amount: number; currency: string };
}

interface Intent {
	id: string;
	status: string;
	provider: string | null;
	providerReference: string | null;
	amount: number;
	currency: string;
}

/** Step 1's outcome: a new checkout, or the one this key already made. */
type Claimed = { fresh: boolean; checkout: CheckoutRow };

class Refused extends Error {
	constructor(readonly error: Error, readonly seenPricesStale: boolean) {
		super(error.message);
	}
}

export async function checkout(rt: CommerceRuntime, buyerId: string, key: string | null | undefined, input: CheckoutInput): Promise<CheckoutResult> {
	if (!validIdempotencyKey(key)) throw CommerceError.idempotencyKeyRequired();
	const checked = checkAddress(input.shippingAddress ?? {});
	if (!checked.ok) throw CommerceError.addressInvalid(checked.problems);
	const payment = normalisePayment(input.payment);
	const fingerprint = requestFingerprint({ shippingAddress: checked.address, payment });

	let claimed: Claimed;
	try {
		claimed = await inTransaction(rt.sequelize, t => placeOrders(rt, t, buyerId, key, fingerprint, checked.address, payment));
	} catch (err) {
		if (!(err instanceof Refused)) throw err;
		// The buyer is being told the new prices now: a repeat goes through at them.
		if (err.seenPricesStale) await markPricesSeen(dbOf(rt), buyerId);
		throw err.error;
	}
	if (claimed.checkout.fingerprint !== fingerprint) throw CommerceError.idempotencyKeyReused();
	const intent = await ensureIntent(rt, claimed.checkout);
	return result(rt, claimed.checkout.id, intent);
}

function normalisePayment(p: PaymentChoice): PaymentChoice {
	if ("methodId" in p) return { methodId: p.methodId.toLowerCase() };
	return { provider: p.provider, phone: p.phone.replace(/[\s\-()]/g, "") };
}

async function placeOrders(
	rt: CommerceRuntime,
	t: Transaction,
	buyerId: string,
	key: string,
	fingerprint: string,
	address: ShippingAddress,
	payment: PaymentChoice
): Promise<Claimed> {
	const db = dbOf(rt, t);
	await lockCart(db, buyerId);
	const existing = await findCheckout(db, buyerId, key);
	if (existing) return { fresh: false, checkout: existing };

	const rows = await cartLines(db, buyerId);
	if (!rows.length) throw new Refused(CommerceError.cartEmpty(), false);
	const lines: CartLine[] = rows.map(r => ({ ...r, currency: r.currency.trim() }));
	const changes = cartChanges(lines);
	const stockChanges = changes.filter(c => c.kind !== "price_changed");
	if (stockChanges.length) throw new Refused(CommerceError.outOfStock(stockChanges), changes.length > stockChanges.length);
	if (changes.length) throw new Refused(CommerceError.cartChanged(changes), true);

	const groups = splitByShop(lines, new Map(rows.map(r => [r.shopId, r.deliveryFee])));
	const totals = checkoutTotal(groups);
	if (!totals.ok) throw new Refused(totals.code === "CART_EMPTY" ? CommerceError.cartEmpty() : CommerceError.mixedCurrencies(totals.currencies), false);

	// Guarded decrements in variant order; the first that cannot be met refuses the whole checkout (rolled back).
	for (const want of reservationPlan(lines)) {
		if (await takeStock(db, want)) continue;
		const left = await stockOf(db, [want.variantId]);
		const sold: CartChange[] = lines
			.filter(l => l.variantId === want.variantId)
			.map(l => {
				const available = left.get(l.variantId) ?? 0;
				return available > 0
					? { itemId: l.itemId, productId: l.productId, variantId: l.variantId, kind: "insufficient_stock" as const, available }
					: { itemId: l.itemId, productId: l.productId, variantId: l.variantId, kind: "unavailable" as const };
			});
		throw new Refused(CommerceError.outOfStock(sold), false);
	}

	const now = new Date();
	const checkoutId = newId();
	await execute(
		db,
		`INSERT INTO commerce.checkouts (id, buyer_id, idempotency_key, fingerprint, status, currency, total, payment)
		 VALUES (:id, :buyerId, :key, :fingerprint, 'awaiting_payment', :currency, :total, :payment)`,
		{ id: checkoutId, buyerId, key, fingerprint, currency: totals.currency, total: totals.total, payment: JSON.stringify(payment) }
	);
	const expiresAt = reservationExpiry(now, rt.cfg.orders.reservationSeconds);
	t.afterCommit(() => countOrders(rt, ["pending_payment"], groups.length));
	for (const g of groups) {
		const orderId = newId();
		await insertOrder(db, {
			id: orderId,
			number: formatOrderNumber(await nextOrderSequence(db), now),
			checkout_id: checkoutId,
			buyer_id: buyerId,
			shop_id: g.shopId,
			seller_id: g.sellerId,
			currency: g.currency,
			subtotal: g.subtotal,
			delivery_fee: g.deliveryFee,
			total: g.total,
			shipping_address: address
		});
		const byItem = new Map(rows.map(r => [r.itemId, r]));
		await insertItems(
			db,
			orderId,
			g.lines.map(l => {
				const r = byItem.get(l.itemId)!;
				return {
					id: newId(),
					product_id: l.productId,
					variant_id: l.variantId,
					title: l.title,
					sku: r.sku,
					options: r.options ?? {},
					image_file_id: r.imageFileId,
					unit_price: l.price,
					quantity: l.quantity,
					line_total: lineTotal(l.price, l.quantity)
				};
			})
		);
		await insertReservations(db, orderId, reservationPlan(g.lines), expiresAt, newId);
		await insertHistory(db, { orderId, from: null, to: "pending_payment", actor: "buyer", actorId: buyerId });
	}
	await deleteItems(db, buyerId, lines.map(l => l.itemId));
	return { fresh: true, checkout: (await checkoutById(db, checkoutId))! };
}

/**
 * The checkout's one payment: found again if it was made, else made now.
 * payments dedupes on (payer, key), so two requests racing here get one intent.
 */
async function ensureIntent(rt: CommerceRuntime, c: CheckoutRow): Promise<Intent> {
	if (c.intent_id) return rt.broker.call<Intent, { id: string }>("payments.getIntent", { id: c.intent_id });
	const orders = await ordersOfCheckout(dbOf(rt), c.id);
	const allocations = orders.map(o => ({ purpose: { type: "order", id: o.id } as PaymentPurpose, payeeId: o.seller_id, amount: o.total }));
	let intent: Intent;
	try {
		intent = await rt.broker.call<Intent, unknown>("payments.createIntent", {
			payerId: c.buyer_id,
			...(orders.length === 1 ? { payeeId: orders[0].seller_id } : {}),
			amount: c.total,
			currency: c.currency.trim(),
			purpose: allocations[0].purpose,
			allocations,
			method: c.payment,
			idempotencyKey: intentKey(c.id),
			lifetimeSeconds: paymentLifetimeSeconds(rt.cfg.orders.reservationSeconds, 60),
			description: orders.length === 1 ? `Order ${orders[0].number}` : `${orders.length} orders, ${orders[0].number}…`
		});
	} catch (err) {
		// payments said no (4xx): nothing was charged; undo the orders so the buyer can fix and retry.
		// Anything else (timeout, payments down) may have created the intent: keep the checkout for a retry.
		const code = (err as { code?: number }).code ?? 500;
		if (code >= 400 && code < 500) await undoCheckout(rt, c.id);
		throw err;
	}
	await inTransaction(rt.sequelize, async t => {
		await markCreated(dbOf(rt, t), c.id, intent.id);
		await setIntent(dbOf(rt, t), c.id, intent.id);
	});
	return intent;
}

/** Step 1 undone: no one was told about these orders (no event was raised), so they go entirely. */
async function undoCheckout(rt: CommerceRuntime, checkoutId: string): Promise<void> {
	await inTransaction(rt.sequelize, async t => {
		const db = dbOf(rt, t);
		const c = await checkoutById(db, checkoutId, true);
		if (!c || c.status !== "awaiting_payment") return;
		const orders = await ordersOfCheckout(db, checkoutId);
		const items = await itemsOf(db, orders.map(o => o.id));
		for (const o of orders) {
			await releaseReservations(db, o.id);
			await restoreItems(
				db,
				c.buyer_id,
				(items.get(o.id) ?? []).map(it => ({ id: newId(), productId: it.product_id, variantId: it.variant_id, quantity: it.quantity, unitPrice: it.unit_price })),
				rt.cfg.orders.cartMaxQuantity
			);
		}
		const ids = orders.map(o => o.id);
		if (ids.length) for (const table of ["stock_reservations", "order_history", "order_items"]) await execute(db, `DELETE FROM commerce.${table} WHERE order_id IN (:ids)`, { ids });
		if (ids.length) await execute(db, "DELETE FROM commerce.orders WHERE id IN (:ids)", { ids });
		await deleteCheckout(db, checkoutId);
	});
}

async function result(rt: CommerceRuntime, checkoutId: string, intent: Intent): Promise<CheckoutResult> {
	const db = dbOf(rt);
	const orders: OrderRow[] = await ordersOfCheckout(db, checkoutId);
	return {
		orders: await orderViews(db, orders, () => "buyer"),
		payment: { intentId: intent.id, status: intent.status, provider: intent.provider, providerReference: intent.providerReference, amount: intent.amount, currency: intent.currency }
	};
}
