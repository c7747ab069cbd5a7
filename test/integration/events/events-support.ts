/**
 * Helpers of EVT's events tests: REST calls as a user, an event made the way
 * an organizer makes it (draft, ticket types, publish), bookings, and the
 * mobile-money simulator driven as the paying customer.
 */
import { expect } from "chai";
import { coreQuery } from "../../support/db";
import type { Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { waitFor } from "../../support/wait";
import { http, type HttpResult } from "../api/http";

export const BASE = "/api/v1/events";

export function call(stack: Stack, path: string, user: TestUser | null, opts: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<HttpResult> {
	return http(stack.apiUrl, `${BASE}${path}`, { method: opts.method, body: opts.body, token: user?.accessToken, headers: opts.headers });
}

const HOUR = 3_600_000;
export const inHours = (h: number) => new Date(Date.now() + h * HOUR).toISOString();

export const VENUE = { name: "Mwalimu Nyerere Hall", address: "Samora Ave 12", city: "Dar es Salaam", region: "Dar es Salaam", country: "TZ", lat: -6.8161, lng: 39.2894 };

export function eventBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		title: "Sauti za Busara Night",
		description: "Live bongo flava and taarab on the waterfront.",
		category: "music",
		startsAt: inHours(48),
		endsAt: inHours(52),
		timezone: "Africa/Dar_es_Salaam",
		venue: VENUE,
		...overrides
	};
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export async function createEvent(stack: Stack, organizer: TestUser, overrides: Record<string, unknown> = {}): Promise<Json> {
	const res = await call(stack, "/", organizer, { method: "POST", body: eventBody(overrides) });
	expect(res.status, JSON.stringify(res.json)).to.equal(201);
	return res.json;
}

export async function addType(stack: Stack, organizer: TestUser, eventId: string, body: Record<string, unknown>): Promise<Json> {
	const res = await call(stack, `/${eventId}/ticket-types`, organizer, { method: "POST", body: { currency: "TZS", ...body } });
	expect(res.status, JSON.stringify(res.json)).to.equal(201);
	return res.json;
}

export async function publish(stack: Stack, organizer: TestUser, eventId: string, postToFeed = false): Promise<Json> {
	const res = await call(stack, `/${eventId}/publish`, organizer, { method: "POST", body: { postToFeed } });
	expect(res.status, JSON.stringify(res.json)).to.equal(200);
	return res.json;
}

/** A published event with one ticket type; returns both. */
export async function publishedEvent(stack: Stack, organizer: TestUser, type: Record<string, unknown>, overrides: Record<string, unknown> = {}): Promise<{ event: Json; type: Json }> {
	const event = await createEvent(stack, organizer, overrides);
	const tt = await addType(stack, organizer, event.id, type);
	await publish(stack, organizer, event.id);
	return { event, type: tt };
}

export function book(stack: Stack, user: TestUser, eventId: string, body: Record<string, unknown>, key?: string): Promise<HttpResult> {
	return call(stack, `/${eventId}/bookings`, user, { method: "POST", body, headers: key ? { "idempotency-key": key } : {} });
}

export async function ticketsOf(bookingId: string): Promise<Array<{ id: string; status: string }>> {
	return coreQuery("SELECT id, status FROM events.tickets WHERE booking_id = $1", [bookingId]);
}

export async function typeCounters(ticketTypeId: string): Promise<{ sold: number; held: number; capacity: number }> {
	const [row] = await coreQuery<{ sold: number; held: number; capacity: number }>("SELECT sold, held, capacity FROM events.ticket_types WHERE id = $1", [ticketTypeId]);
	return row;
}

export function waitForBooking(stack: Stack, user: TestUser, bookingId: string, statuses: string[], timeoutMs = 30_000): Promise<Json> {
	return waitFor(
		async () => {
			const res = await call(stack, `/bookings/${bookingId}`, user);
			return res.status === 200 && statuses.includes(res.json.status) ? res.json : null;
		},
		`booking ${bookingId} to become ${statuses.join(" or ")}`,
		timeoutMs,
		100
	);
}

/** The simulated customer answers the mobile-money prompt of an intent. */
export async function completePayment(stack: Stack, provider: string, reference: string, outcome: "success" | "insufficient_funds" | "cancelled" | "timeout"): Promise<void> {
	const res = await http(stack.apiUrl, `/sim/${provider}/payments/${encodeURIComponent(reference)}/complete`, { method: "POST", body: { outcome } });
	expect(res.status, res.text).to.equal(200);
}

let phoneCounter = 0;
/** A unique Tanzanian Airtel number (Selcom and Tembo collect from it in TZS). */
export function tzPhone(): string {
	phoneCounter += 1;
	return `+25578${String((Date.now() % 100_000) * 100 + (phoneCounter % 100)).padStart(7, "0").slice(-7)}`;
}

/** The organizer registers a scanner and scans every ticket of the booking in (the scanner sends its own token as a bearer token). */
export async function checkInBooking(stack: Stack, organizer: TestUser, holder: TestUser, eventId: string, bookingId: string): Promise<void> {
	const scanner = await call(stack, `/${eventId}/scanners`, organizer, { method: "POST", body: { name: "Gate A" } });
	expect(scanner.status, JSON.stringify(scanner.json)).to.be.oneOf([200, 201]);
	const tickets = await ticketsOf(bookingId);
	for (const t of tickets) {
		const ticket = await call(stack, `/tickets/${t.id}`, holder);
		expect(ticket.status, JSON.stringify(ticket.json)).to.equal(200);
		const scan = await call(stack, `/${eventId}/check-ins`, null, { method: "POST", body: { code: ticket.json.code, nonce: `n-${t.id}` }, headers: { authorization: `Bearer ${scanner.json.token}` } });
		expect(scan.status, JSON.stringify(scan.json)).to.equal(200);
		expect(scan.json.result).to.equal("ok");
	}
}
