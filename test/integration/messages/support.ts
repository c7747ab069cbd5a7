/**
 * Helpers for the messages tests: REST calls as a user, users whose profiles
 * exist (users.canMessage needs them), conversations and sends in one line.
 */
import { newId } from "../../../lib/ids";
import type { Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { http, type HttpResult } from "../api/http";
import { createProfiles } from "../users/support";

export const BASE = "/api/v1/messages";

export function call(stack: Stack, path: string, user: TestUser | null, opts: { method?: string; body?: unknown; token?: string } = {}): Promise<HttpResult> {
	return http(stack.apiUrl, `${BASE}${path}`, { method: opts.method, body: opts.body, token: opts.token ?? user?.accessToken });
}

export { createProfiles };

/** Users as a privacy setting or a block leaves them: through the users REST API. */
export function usersCall(stack: Stack, path: string, user: TestUser, opts: { method?: string; body?: unknown } = {}): Promise<HttpResult> {
	return http(stack.apiUrl, `/api/v1/users${path}`, { method: opts.method, body: opts.body, token: user.accessToken });
}

export async function conversationOf(stack: Stack, user: TestUser, memberIds: string[], title?: string): Promise<string> {
	const res = await call(stack, "/conversations", user, { method: "POST", body: { memberIds, ...(title ? { title } : {}) } });
	if (res.status !== 201 && res.status !== 200) throw new Error(`conversation: ${res.status} ${res.text}`);
	return res.json.id;
}

export function send(stack: Stack, user: TestUser, conversationId: string, body: Record<string, unknown> = {}): Promise<HttpResult> {
	return call(stack, `/conversations/${conversationId}/messages`, user, { method: "POST", body: { clientId: newId(), text: "habari", ...body } });
}

export function historyOf(stack: Stack, user: TestUser, conversationId: string, query = ""): Promise<HttpResult> {
	return call(stack, `/conversations/${conversationId}/messages${query}`, user);
}

/** The messages routes are published by the gateway (it builds them a moment after the service appears). */
export async function messagesReady(stack: Stack): Promise<void> {
	await stack.broker.waitForServices(["messages", "users", "api"], 30_000);
}
