/**
 * What the journeys do as a client app would: REST calls with a user's token,
 * the provider simulators' controls, the WebSocket. Nothing here reads a
 * database; an administrator is made the way operators make one.
 */
import crypto from "node:crypto";
import { expect } from "chai";
import type { Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { waitFor } from "../../support/wait";
import { http, type HttpResult } from "../api/http";

export type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Caller = TestUser | string | null;

const tokenOf = (c: Caller) => (c === null ? undefined : typeof c === "string" ? c : c.accessToken);

/** `path` is under /api/v1. */
export function api(stack: Stack, who: Caller, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
	return http(stack.apiUrl, `/api/v1${path}`, { method, body, token: tokenOf(who), headers });
}

/** A call that must answer `status`; its JSON body. */
export async function must(res: Promise<HttpResult>, status: number): Promise<Json> {
	const r = await res;
	expect(r.status, r.text).to.equal(status);
	return r.json;
}

/** Polls a GET until `ready(body)` holds; its body. */
export function until(stack: Stack, who: Caller, path: string, ready: (body: Json) => boolean, what: string, timeoutMs = 30_000): Promise<Json> {
	return waitFor(
		async () => {
			const r = await api(stack, who, "GET", path);
			return r.status === 200 && ready(r.json) ? r.json : null;
		},
		what,
		timeoutMs,
		100
	);
}

/** The in-app notification types a user has received so far. */
export async function notificationTypes(stack: Stack, user: TestUser): Promise<string[]> {
	const page = await must(api(stack, user, "GET", "/notifications?limit=100"), 200);
	return page.items.map((n: { type: string }) => n.type);
}

/** Waits until a user has every one of these notification types. */
export function hasNotifications(stack: Stack, user: TestUser, types: string[], timeoutMs = 30_000): Promise<string[]> {
	return waitFor(
		async () => {
			const got = await notificationTypes(stack, user);
			return types.every(t => got.includes(t)) ? got : null;
		},
		`notifications ${types.join(", ")}`,
		timeoutMs,
		200
	);
}

/** The payer approves (or refuses) the prompt on their phone: the simulator's control. */
export async function answerPrompt(stack: Stack, payer: TestUser, intentId: string, outcome: "success" | "insufficient_funds" | "cancelled" | "timeout"): Promise<void> {
	const intent = await until(stack, payer, `/payments/intents/${intentId}`, i => Boolean(i.providerReference), "the provider's reference");
	const res = await http(stack.apiUrl, `/sim/${intent.provider}/payments/${encodeURIComponent(intent.providerReference)}/complete`, { method: "POST", body: { outcome } });
	expect(res.status, res.text).to.equal(200);
}

export const idempotencyKey = () => ({ "idempotency-key": crypto.randomUUID() });

let phones = 0;
/** A unique Kenyan Safaricom number (M-Pesa) or Tanzanian Airtel number (Selcom, Tembo). */
export function mobile(country: "KE" | "TZ"): string {
	phones += 1;
	const tail = String((Date.now() % 100_000) * 100 + (phones % 100)).padStart(7, "0").slice(-7);
	return country === "KE" ? `+25471${tail}` : `+25578${tail}`;
}

export const ADDRESS = { recipientName: "Neema Mushi", phone: "+255712000111", region: "Arusha", city: "Arusha", area: "Njiro", landmark: "Opposite the Njiro market" };
