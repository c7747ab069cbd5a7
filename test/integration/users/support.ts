/**
 * Helpers for the users tests: REST calls as a user, waiting for a profile
 * (it is created when users consumes auth.user.registered), and publishing
 * other domains' events on the durable bus the way their outbox relays will.
 */
import type { EventData, EventType } from "../../../lib/events/catalogue";
import { makeEnvelope, type EventEnvelope } from "../../../lib/events/envelope";
import type { Stack } from "../../support/stack";
import { createUser, type NewUser, type TestUser } from "../../support/users";
import { waitFor } from "../../support/wait";
import { http, type HttpResult } from "../api/http";

export const BASE = "/api/v1/users";

export function call(stack: Stack, path: string, user: TestUser | null, opts: { method?: string; body?: unknown; token?: string } = {}): Promise<HttpResult> {
	return http(stack.apiUrl, `${BASE}${path}`, { method: opts.method, body: opts.body, token: opts.token ?? user?.accessToken });
}

/** A verified user whose profile exists in users. */
export async function createProfile(stack: Stack, opts: NewUser = {}): Promise<TestUser> {
	const user = await createUser(stack, opts);
	await profileReady(stack, user);
	return user;
}

export function profileReady(stack: Stack, user: TestUser): Promise<unknown> {
	return waitFor(async () => (await call(stack, "/me", user)).status === 200, `the profile of ${user.userId}`, 20_000, 50);
}

export async function createProfiles(stack: Stack, n: number, opts: NewUser = {}): Promise<TestUser[]> {
	const out: TestUser[] = [];
	// A few at a time: registration is rate-limited per address and the machine is small.
	for (let i = 0; i < n; i += 4) out.push(...(await Promise.all(Array.from({ length: Math.min(4, n - i) }, () => createProfile(stack, opts)))));
	return out;
}

/** Sends an envelope on the durable bus, as the producing domain's outbox relay does. */
export async function publish<T extends EventType>(stack: Stack, type: T, data: EventData<T>): Promise<EventEnvelope<T>> {
	const envelope = makeEnvelope(type, data, null);
	await (stack.broker as unknown as { sendToChannel(n: string, p: unknown): Promise<void> }).sendToChannel(type, envelope);
	return envelope;
}

/** Sends the same envelope again (an at-least-once redelivery). */
export async function redeliver(stack: Stack, envelope: EventEnvelope): Promise<void> {
	await (stack.broker as unknown as { sendToChannel(n: string, p: unknown): Promise<void> }).sendToChannel(envelope.type, envelope);
}

export async function follow(stack: Stack, user: TestUser, targetId: string): Promise<HttpResult> {
	return call(stack, `/${targetId}/follow`, user, { method: "POST" });
}
