/**
 * Helpers for the notifications tests: publish durable events the way their
 * producers will, read the simulators' inboxes over HTTP (as a person
 * checking their phone would), and read the notifications database.
 */
import { Pool } from "pg";
import type { EventData, EventType } from "../../../lib/events/catalogue";
import { makeEnvelope, type EventEnvelope } from "../../../lib/events/envelope";
import { newId } from "../../../lib/ids";
import { NOTIF_URL } from "../../support/environment";
import type { Stack } from "../../support/stack";
import { waitFor } from "../../support/wait";
import { http } from "../api/http";
import "../../fixtures/notifications";

/** Sends an envelope on the durable bus, as an outbox relay does. */
export async function publish<T extends EventType>(stack: Stack, type: T, data: EventData<T>, envelope?: EventEnvelope<T>): Promise<EventEnvelope<T>> {
	const e = envelope ?? makeEnvelope(type, data, null);
	await (stack.broker as unknown as { sendToChannel(n: string, p: unknown): Promise<void> }).sendToChannel(type, e);
	return e;
}

export function otp(over: Partial<EventData<"auth.otp.requested">> & Pick<EventData<"auth.otp.requested">, "destination" | "channel">): EventData<"auth.otp.requested"> {
	return {
		otpId: newId(),
		userId: null,
		code: String(Math.floor(100000 + Math.random() * 900000)),
		purpose: "verify",
		expiresAt: new Date(Date.now() + 10 * 60_000).toISOString(),
		language: "en",
		...over
	};
}

export interface Sms {
	to: string;
	text: string;
	provider: string;
}
export interface Mail {
	to: string[];
	subject: string;
	text: string;
	html: string;
}
export interface Push {
	token: string;
	notification: { title: string; body: string };
	data: Record<string, string>;
}

const sinceQuery = (since?: string) => (since ? `&since=${encodeURIComponent(since)}` : "");

/** Messages to a number; `since` leaves out earlier ones (a test user's registration code). */
export async function smsTo(stack: Stack, to: string, since?: string): Promise<Sms[]> {
	return (await http(stack.apiUrl, `/sim/sms/messages?to=${encodeURIComponent(to)}${sinceQuery(since)}`)).json.items;
}
export async function mailTo(stack: Stack, to: string, since?: string): Promise<Mail[]> {
	return (await http(stack.apiUrl, `/sim/email/messages?to=${encodeURIComponent(to)}${sinceQuery(since)}`)).json.items;
}
export async function pushTo(stack: Stack, token: string): Promise<Push[]> {
	return (await http(stack.apiUrl, `/sim/push/messages?token=${encodeURIComponent(token)}`)).json.items;
}

let pool: Pool | null = null;

export async function notifQuery<R extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<R[]> {
	pool ??= new Pool({ connectionString: NOTIF_URL, max: 4 });
	return (await pool.query(sql, params)).rows as R[];
}

export async function closeNotifDb(): Promise<void> {
	await pool?.end();
	pool = null;
}

/** The recipient directory knows the user and a verified contact (their registration events were consumed). */
export function recipientKnown(userId: string): Promise<unknown> {
	return waitFor(
		async () => (await notifQuery("SELECT 1 FROM notifications.recipients WHERE user_id = $1 AND registered AND (phone_verified OR email_verified)", [userId])).length > 0,
		`recipient ${userId} in the directory`,
		20_000
	);
}

export interface DeliveryRow {
	id: string;
	channel: string;
	destination: string;
	status: string;
	attempts: number;
	content: Record<string, unknown>;
	sealed: string | null;
	next_attempt_at: Date;
	last_error: string | null;
}

export function deliveriesOf(eventId: string): Promise<DeliveryRow[]> {
	return notifQuery<DeliveryRow & Record<string, unknown>>("SELECT * FROM notifications.deliveries WHERE event_id = $1 ORDER BY channel, destination", [eventId]);
}

/** A token shaped like an FCM registration token, unique per call. */
export function deviceToken(): string {
	return `fcm-${newId()}:APA91b${newId().replace(/-/g, "")}`;
}

/** Waits until `probe` returns at least `n` items, and returns them. */
export function arrived<T>(probe: () => Promise<T[]>, what: string, n = 1, timeoutMs = 15_000): Promise<T[]> {
	return waitFor(async () => {
		const items = await probe();
		return items.length >= n ? items : null;
	}, what, timeoutMs);
}

/**
 * The stack with notifications, simulators and the gateway's routes to them
 * up: moleculer-web builds REST aliases a moment after services appear.
 */
export async function notificationsReady(stack: Stack): Promise<void> {
	await stack.broker.waitForServices(["notifications", "simulators", "api"], 30_000);
	await waitFor(async () => (await fetch(`${stack.apiUrl}/api/v1/notifications/unread-count`)).status === 401, "the notifications routes", 20_000, 100);
}

/** A Notification as the API returns it. */
export interface Notice {
	id: string;
	type: string;
	title: string;
	body: string;
	data: Record<string, string>;
	readAt: string | null;
	createdAt: string;
}

/** The user's in-app list (first page). */
export async function inAppOf(stack: Stack, token: string, query = ""): Promise<Notice[]> {
	return (await http(stack.apiUrl, `/api/v1/notifications${query}`, { token })).json.items;
}

/** Waits until `probe` returns something truthy and returns it (typed). */
export function until<T>(probe: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
	return waitFor(probe, what, timeoutMs) as Promise<T>;
}
