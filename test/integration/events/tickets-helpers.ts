/**
 * Helpers for the tickets, keys, scanners and check-in tests: an organizer's
 * published event with free ticket types, free bookings (tickets issued at
 * once), scanner devices, scans. Everything through REST as clients do it.
 */
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import type { Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { http, type HttpResult } from "../api/http";

export { createProfile, createProfiles } from "../users/support";

export const BASE = "/api/v1/events";

export function api(
	stack: Stack,
	path: string,
	user: TestUser | null,
	opts: { method?: string; body?: unknown; headers?: Record<string, string> } = {}
): Promise<HttpResult> {
	return http(stack.apiUrl, `${BASE}${path}`, { method: opts.method, body: opts.body, token: user?.accessToken, headers: opts.headers });
}

/** Throws with the body when the status is not the expected one. */
export function ok(res: HttpResult, status = 200): HttpResult {
	expect(res.status, JSON.stringify(res.json)).to.equal(status);
	return res;
}

export interface TestEvent {
	id: string;
	organizer: TestUser;
	/** A single-entry free ticket type. */
	single: string;
	/** A free ticket type that allows re-entry. */
	reentry: string;
}

/** A published event starting `startsInMs` from now (default: in 30 minutes, so codes are valid now). */
export async function publishedEvent(stack: Stack, organizer: TestUser, opts: { startsInMs?: number; publish?: boolean } = {}): Promise<TestEvent> {
	const startsAt = new Date(Date.now() + (opts.startsInMs ?? 30 * 60_000));
	const endsAt = new Date(startsAt.getTime() + 4 * 3_600_000);
	const created = ok(
		await api(stack, "", organizer, {
			method: "POST",
			body: {
				title: `Tamasha ${randomUUID().slice(0, 8)}`,
				description: "Live music by the lake",
				category: "music",
				startsAt: startsAt.toISOString(),
				endsAt: endsAt.toISOString(),
				timezone: "Africa/Dar_es_Salaam",
				venue: { name: "Coco Beach", address: "Toure Drive", city: "Dar es Salaam", lat: -6.7567 + Math.random() * 0.1, lng: 39.2797 }
			}
		}),
		201
	).json;
	const id = (created.event ?? created).id as string;
	const type = async (name: string, allowsReentry: boolean) =>
		ok(await api(stack, `/${id}/ticket-types`, organizer, { method: "POST", body: { name, price: 0, currency: "TZS", capacity: 500, perOrderLimit: 10, allowsReentry } }), 201).json.id as string;
	const single = await type("Kawaida", false);
	const reentry = await type("Wikendi", true);
	if (opts.publish !== false) ok(await api(stack, `/${id}/publish`, organizer, { method: "POST", body: { postToFeed: false } }));
	return { id, organizer, single, reentry };
}

export interface Ticket {
	id: string;
	status: "valid" | "used" | "revoked";
	code: string;
	qr?: string;
	eventId: string;
	ticketTypeId: string;
	bookingId: string;
	holderId: string;
	[k: string]: unknown;
}

/** A free booking of `quantity` tickets of one type; returns the booking id and its tickets. */
export async function book(stack: Stack, user: TestUser, eventId: string, ticketTypeId: string, quantity = 1): Promise<{ bookingId: string; tickets: Ticket[] }> {
	const res = ok(
		await api(stack, `/${eventId}/bookings`, user, { method: "POST", body: { items: [{ ticketTypeId, quantity }] }, headers: { "idempotency-key": randomUUID() } }),
		201
	);
	const bookingId = res.json.booking.id as string;
	const mine = await allTickets(stack, user);
	const tickets = mine.filter(t => t.bookingId === bookingId);
	expect(tickets, "tickets issued with the free booking").to.have.length(quantity);
	return { bookingId, tickets };
}

export async function allTickets(stack: Stack, user: TestUser): Promise<Ticket[]> {
	const out: Ticket[] = [];
	let cursor: string | null = null;
	for (let i = 0; i < 20; i++) {
		const res = ok(await api(stack, `/tickets?limit=100${cursor ? `&cursor=${cursor}` : ""}`, user));
		out.push(...res.json.items);
		cursor = res.json.nextCursor;
		if (!cursor) break;
	}
	return out;
}

export async function registerScanner(stack: Stack, organizer: TestUser, eventId: string, name = "Gate A"): Promise<{ scannerId: string; token: string }> {
	const res = ok(await api(stack, `/${eventId}/scanners`, organizer, { method: "POST", body: { name } }), 201);
	return { scannerId: res.json.scannerId, token: res.json.token };
}

/** A scanner device's credentials: its own token as a bearer token. */
export const asScanner = (token: string | null): Record<string, string> => (token ? { authorization: `Bearer ${token}` } : {});

export function scan(stack: Stack, eventId: string, token: string | null, code: string, nonce: string = randomUUID()): Promise<HttpResult> {
	return api(stack, `/${eventId}/check-ins`, null, { method: "POST", body: { code, nonce }, headers: asScanner(token) });
}

export function sync(stack: Stack, eventId: string, token: string | null, scans: Array<{ code: string; nonce: string; scannedAt: string }>): Promise<HttpResult> {
	return api(stack, `/${eventId}/check-ins/sync`, null, { method: "POST", body: { scans }, headers: asScanner(token) });
}

export function revocations(stack: Stack, eventId: string, token: string | null, query = ""): Promise<HttpResult> {
	return api(stack, `/${eventId}/revocations${query}`, null, { headers: asScanner(token) });
}
