/**
 * Helpers for the social tests: REST calls as a user, posts, follows that
 * social has seen (its follow graph comes from users' events), feeds read as
 * a client reads them, and other domains' events published on the durable bus.
 */
import { expect } from "chai";
import type { Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { waitFor } from "../../support/wait";
import { http, type HttpResult } from "../api/http";
import { coreQuery } from "../../support/db";

export { createProfile, createProfiles, publish, redeliver } from "../users/support";

export const BASE = "/api/v1/social";

export function call(stack: Stack, path: string, user: TestUser | null, opts: { method?: string; body?: unknown } = {}): Promise<HttpResult> {
	return http(stack.apiUrl, `${BASE}${path}`, { method: opts.method, body: opts.body, token: user?.accessToken });
}

export function users(stack: Stack, path: string, user: TestUser, opts: { method?: string; body?: unknown } = {}): Promise<HttpResult> {
	return http(stack.apiUrl, `/api/v1/users${path}`, { method: opts.method, body: opts.body, token: user.accessToken });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Post = any;

/** Creates a post (201 expected) and returns it. */
export async function post(stack: Stack, user: TestUser, body: Record<string, unknown>): Promise<Post> {
	const res = await call(stack, "/posts", user, { method: "POST", body: { visibility: "public", ...body } });
	expect(res.status, JSON.stringify(res.json)).to.equal(201);
	return res.json;
}

/** `follower` follows `author` (a direct follow) and social's follow graph has it. */
export async function follow(stack: Stack, follower: TestUser, author: TestUser): Promise<void> {
	const res = await users(stack, `/${author.userId}/follow`, follower, { method: "POST" });
	expect(res.status, JSON.stringify(res.json)).to.equal(200);
	if (res.json.status !== "following") return;
	await waitFor(
		async () => (await coreQuery("SELECT 1 FROM social.follows WHERE follower_id = $1 AND followee_id = $2", [follower.userId, author.userId])).length > 0,
		"social to see the follow",
		20_000
	);
}

/** Every page of a list, following nextCursor. */
export async function allPages(stack: Stack, path: string, user: TestUser, limit = 50): Promise<Post[]> {
	const out: Post[] = [];
	let cursor: string | null = null;
	for (let i = 0; i < 50; i++) {
		const sep = path.includes("?") ? "&" : "?";
		const res = await call(stack, `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`, user);
		expect(res.status, JSON.stringify(res.json)).to.equal(200);
		out.push(...res.json.items);
		cursor = res.json.nextCursor;
		if (!cursor) break;
	}
	return out;
}

export async function feedIds(stack: Stack, user: TestUser, path = "/feed"): Promise<string[]> {
	return (await allPages(stack, path, user)).map((p: Post) => p.id);
}

/** Waits until the list shows the post (fan-out and projections are asynchronous). */
export function shows(stack: Stack, user: TestUser, postId: string, path = "/feed"): Promise<Post> {
	return waitFor(async () => (await allPages(stack, path, user)).find((p: Post) => p.id === postId), `${path} of ${user.userId} to show ${postId}`, 20_000, 100);
}
