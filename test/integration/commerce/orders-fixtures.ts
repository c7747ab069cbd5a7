/**
 * Helpers for the cart, checkout, orders and reviews tests. The catalog a
 * buyer shops from (an active shop, products with variants and stock) is
 * written straight into the commerce schema: these tests are about what
 * happens after a product is listed, and must not depend on how it was listed.
 * Everything a buyer or seller does goes through the REST API; payments go
 * through the M-Pesa simulator on its wire protocol.
 */
import crypto from "node:crypto";
import { expect } from "chai";
import { newId } from "../../../lib/ids";
import { coreQuery } from "../../support/db";
import type { Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { waitFor } from "../../support/wait";
import { http, type HttpResult } from "../api/http";
import { complete, phoneFor } from "../payments/support";

export const BASE = "/api/v1/commerce";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export function call(stack: Stack, path: string, who: TestUser | string | null, opts: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<HttpResult> {
	const token = who === null ? undefined : typeof who === "string" ? who : who.accessToken;
	return http(stack.apiUrl, `${BASE}${path}`, { method: opts.method, body: opts.body, token, headers: opts.headers });
}

let seq = 0;
/** An active (verified) shop owned by `ownerId`, selling in KES unless told otherwise. */
export async function shopFor(ownerId: string, o: { currency?: string; deliveryFee?: number } = {}): Promise<string> {
	seq += 1;
	const id = newId();
	await coreQuery(
		`INSERT INTO commerce.shops (id, owner_id, name, slug, region, city, phone, status, verified_at, delivery_fee, currency)
		 VALUES ($1, $2, $3, $4, 'Nairobi', 'Westlands', '+254712345678', 'active', now(), $5, $6)`,
		[id, ownerId, `Duka ${seq}`, `duka-${id}`, o.deliveryFee ?? 0, o.currency ?? "KES"]
	);
	return id;
}

/** Two sellers, each with an active shop and its delivery fee: a cart that spans shops. */
export async function twoShops(stack: Stack, fees: [number, number]): Promise<{ seller: TestUser; seller2: TestUser; shop: string; shop2: string }> {
	const [seller, seller2] = await Promise.all([createUser(stack), createUser(stack)]);
	const [shop, shop2] = await Promise.all([shopFor(seller.userId, { deliveryFee: fees[0] }), shopFor(seller2.userId, { deliveryFee: fees[1] })]);
	return { seller, seller2, shop, shop2 };
}

export interface Listed {
	productId: string;
	variantIds: string[];
}

/** An active product of the shop with one variant per price given (stock each). */
export async function productIn(shopId: string, sellerId: string, o: { prices?: number[]; stock?: number; currency?: string; title?: string; status?: string } = {}): Promise<Listed> {
	const prices = o.prices ?? [100_000];
	const productId = newId();
	await coreQuery(
		`INSERT INTO commerce.products (id, shop_id, seller_id, title, description, currency, status, price_min, published_at)
		 VALUES ($1, $2, $3, $4, 'Test product', $5, $6, $7, now())`,
		[productId, shopId, sellerId, o.title ?? `Kikapu ${++seq}`, o.currency ?? "KES", o.status ?? "active", Math.min(...prices)]
	);
	const variantIds: string[] = [];
	for (const [i, price] of prices.entries()) {
		const id = newId();
		await coreQuery("INSERT INTO commerce.product_variants (id, product_id, sku, options, price, stock, position) VALUES ($1, $2, $3, $4, $5, $6, $7)", [
			id,
			productId,
			`SKU-${seq}-${i}`,
			JSON.stringify(prices.length > 1 ? { size: ["S", "M", "L", "XL"][i] ?? String(i) } : {}),
			price,
			o.stock ?? 10,
			i
		]);
		variantIds.push(id);
	}
	return { productId, variantIds };
}

export async function stockOf(variantId: string): Promise<number> {
	const [row] = await coreQuery<{ stock: number }>("SELECT stock FROM commerce.product_variants WHERE id = $1", [variantId]);
	return Number(row.stock);
}

export async function setPrice(variantId: string, price: number): Promise<void> {
	await coreQuery("UPDATE commerce.product_variants SET price = $2 WHERE id = $1", [variantId, price]);
}

export async function addToCart(stack: Stack, buyer: TestUser, productId: string, quantity = 1, variantId?: string): Promise<Json> {
	const res = await call(stack, "/cart/items", buyer, { method: "POST", body: { productId, quantity, ...(variantId ? { variantId } : {}) } });
	expect(res.status, res.text).to.equal(201);
	return res.json;
}

export function address(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return { recipientName: "Wanjiru Kamau", phone: "+254712345678", region: "Nairobi", city: "Nairobi", area: "Kilimani, Argwings Kodhek Rd", landmark: "Next to Yaya Centre", ...overrides };
}

export function checkoutBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return { shippingAddress: address(), payment: { provider: "mpesa", phone: phoneFor("mpesa") }, ...overrides };
}

export function checkout(stack: Stack, buyer: TestUser | null, body: Record<string, unknown> = checkoutBody(), key: string | null = crypto.randomUUID()): Promise<HttpResult> {
	return call(stack, "/checkout", buyer, { method: "POST", body, headers: key ? { "idempotency-key": key } : {} });
}

/** Checks out the buyer's cart (201 expected). */
export async function checkedOut(stack: Stack, buyer: TestUser, body?: Record<string, unknown>): Promise<Json> {
	const res = await checkout(stack, buyer, body);
	expect(res.status, res.text).to.equal(201);
	return res.json;
}

export async function orderStatus(orderId: string): Promise<string> {
	const [row] = await coreQuery<{ status: string }>("SELECT status FROM commerce.orders WHERE id = $1", [orderId]);
	return row?.status;
}

export function waitOrder(orderId: string, status: string, timeoutMs = 30_000): Promise<string> {
	return waitFor(async () => ((await orderStatus(orderId)) === status ? status : null), `order ${orderId} to become ${status}`, timeoutMs, 100);
}

/** The buyer approves the checkout's M-Pesa prompt; resolves once every order is paid. */
export async function pay(stack: Stack, result: Json, outcome = "success"): Promise<void> {
	await complete(stack, "mpesa", result.payment.providerReference, { outcome });
	if (outcome === "success") for (const o of result.orders) await waitOrder(o.id, "paid");
}

/** A buyer's one-shop order, paid: the seller can ship it. */
export async function paidOrder(stack: Stack, buyer: TestUser, productId: string, quantity = 1): Promise<Json> {
	await addToCart(stack, buyer, productId, quantity);
	const result = await checkedOut(stack, buyer);
	await pay(stack, result);
	return result.orders[0];
}

export async function act(stack: Stack, who: TestUser | string | null, orderId: string, action: string, body: unknown = {}): Promise<HttpResult> {
	return call(stack, `/orders/${orderId}/${action}`, who, { method: "POST", body });
}

/** Events commerce raised of one type about an order. */
export async function orderEvents(type: string, orderId: string): Promise<Json[]> {
	const rows = await coreQuery<{ envelope: Json }>("SELECT envelope FROM commerce.outbox WHERE type = $1 AND envelope->'data'->>'orderId' = $2 ORDER BY id", [type, orderId]);
	return rows.map(r => r.envelope);
}

export async function historyOf(orderId: string): Promise<string[]> {
	const rows = await coreQuery<{ from_status: string | null; to_status: string }>("SELECT from_status, to_status FROM commerce.order_history WHERE order_id = $1 ORDER BY id", [orderId]);
	return rows.map(r => `${r.from_status ?? "∅"}→${r.to_status}`);
}
