/**
 * Helpers for the catalog tests (shops, verification, products, search,
 * cards): REST calls as a user or an administrator, shops opened and verified
 * the way a seller and a reviewer do it, files uploaded through the files API,
 * and the commerce outbox.
 */
import { expect } from "chai";
import type { Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { coreQuery } from "../../support/db";
import { http, type HttpResult } from "../api/http";
import { png, upload } from "../files/support";
import { adminToken } from "../payments/support";

export { createProfile, createProfiles, publish } from "../users/support";

export const BASE = "/api/v1/commerce";

/** Who calls: a test user, a raw access token (an administrator's), or nobody. */
export type Caller = TestUser | string | null;
const tokenOf = (c: Caller) => (c === null ? undefined : typeof c === "string" ? c : c.accessToken);

export function call(stack: Stack, path: string, who: Caller, opts: { method?: string; body?: unknown } = {}): Promise<HttpResult> {
	return http(stack.apiUrl, `${BASE}${path}`, { method: opts.method, body: opts.body, token: tokenOf(who) });
}

/** An administrator's token (the user is promoted, as bin/create-admin does). */
export function makeAdmin(stack: Stack, user: TestUser): Promise<string> {
	return adminToken(stack, user);
}

let n = 0;
export function shopBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	n += 1;
	return { name: `Duka la Mama ${Date.now().toString(36)}${n}`, region: "Dar es Salaam", city: "Kariakoo", phone: "0712345678", category: "fashion", ...overrides };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export async function openShop(stack: Stack, owner: TestUser, overrides: Record<string, unknown> = {}): Promise<Json> {
	const res = await call(stack, "/shops", owner, { method: "POST", body: shopBody(overrides) });
	expect(res.status, res.text).to.equal(201);
	return res.json;
}

/** Uploads a picture for a purpose (product, shop, verification) and returns its file id. */
export async function uploadImage(stack: Stack, user: TestUser, purpose: string, size: [number, number] = [320, 240]): Promise<string> {
	const res = await upload(stack, user, await png(size[0], size[1]), { purpose, filename: `${purpose}.png`, type: "image/png" });
	expect(res.status, res.text).to.be.oneOf([200, 201]);
	return res.json.id;
}

export async function submitVerification(stack: Stack, owner: TestUser, shopId: string, docs?: string[]): Promise<Json> {
	const documentFileIds = docs ?? [await uploadImage(stack, owner, "verification")];
	const res = await call(stack, `/shops/${shopId}/verification`, owner, { method: "POST", body: { documentFileIds, nationalId: "19900101-12345-00001-23" } });
	expect(res.status, res.text).to.equal(201);
	return res.json;
}

/** A shop opened, submitted and approved: active, ready to sell. */
export async function activeShop(stack: Stack, owner: TestUser, admin: string, overrides: Record<string, unknown> = {}): Promise<Json> {
	const shop = await openShop(stack, owner, overrides);
	await submitVerification(stack, owner, shop.id);
	const res = await call(stack, `/shops/${shop.id}/verification/approve`, admin, { method: "POST" });
	expect(res.status, res.text).to.equal(200);
	return res.json;
}

/** Events commerce raised of one type, oldest first (the outbox is written with the change). */
export async function outbox(type: string, where: Record<string, string> = {}): Promise<Json[]> {
	const rows = await coreQuery<{ envelope: Json }>("SELECT envelope FROM commerce.outbox WHERE type = $1 ORDER BY created_at, id", [type]);
	return rows.map(r => r.envelope).filter(e => Object.entries(where).every(([k, v]) => e.data[k] === v));
}

/** A product as a seller posts it (201 expected). */
export async function addProduct(stack: Stack, owner: TestUser, shopId: string, body: Record<string, unknown>): Promise<Json> {
	const res = await call(stack, `/shops/${shopId}/products`, owner, { method: "POST", body: { price: 150000, stock: 5, status: "active", ...body } });
	expect(res.status, res.text).to.equal(201);
	return res.json;
}

/** The id of a seeded category by its slug. */
export async function categoryId(slug: string): Promise<string> {
	const [row] = await coreQuery<{ id: string }>("SELECT id FROM commerce.categories WHERE slug = $1", [slug]);
	return row.id;
}
