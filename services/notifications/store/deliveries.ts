/**
 * Deliveries: one row per message to send through a provider (SMS, email,
 * push), queued in the same transaction as the notification and sent after
 * the commit by the delivery worker. queued → sent | failed (permanent) |
 * dead (retries exhausted; operators retry them).
 */
import { newId } from "../../../lib/ids";
import type { ExternalChannel } from "../rules/channels";
import { execute, select, type Db } from "../../../lib/db/sql";

export type DeliveryStatus = "queued" | "sent" | "failed" | "dead";

/** What goes out, per channel. */
export interface SmsContent {
	text: string;
}
export interface EmailContent {
	subject: string;
	text: string;
	html: string;
}
export interface PushContent {
	title: string;
	body: string;
	data: Record<string, string>;
	collapseKey?: string;
}
export type DeliveryContent = SmsContent | EmailContent | PushContent;

export interface NewDelivery {
	eventId: string;
	notificationId?: string | null;
	userId?: string | null;
	channel: ExternalChannel;
	destination: string;
	template: string;
	/** Stored as is: redacted when `sealed` holds the real content. */
	content: DeliveryContent;
	sealed?: string | null;
	urgent: boolean;
	nextAttemptAt: Date;
	expiresAt?: Date | null;
	/** A delivery known to be impossible is recorded as failed straight away. */
	status?: "failed";
	lastError?: string;
}

export interface Delivery {
	id: string;
	eventId: string;
	notificationId: string | null;
	userId: string | null;
	channel: ExternalChannel;
	destination: string;
	template: string;
	content: DeliveryContent;
	sealed: string | null;
	urgent: boolean;
	status: DeliveryStatus;
	attempts: number;
	nextAttemptAt: Date;
	expiresAt: Date | null;
	lastError: string | null;
}

interface Row {
	id: string;
	event_id: string;
	notification_id: string | null;
	user_id: string | null;
	channel: ExternalChannel;
	destination: string;
	template: string;
	content: DeliveryContent;
	sealed: string | null;
	urgent: boolean;
	status: DeliveryStatus;
	attempts: number;
	next_attempt_at: Date;
	expires_at: Date | null;
	last_error: string | null;
}

const fromRow = (r: Row): Delivery => ({
	id: r.id,
	eventId: r.event_id,
	notificationId: r.notification_id,
	userId: r.user_id,
	channel: r.channel,
	destination: r.destination,
	template: r.template,
	content: r.content,
	sealed: r.sealed,
	urgent: r.urgent,
	status: r.status,
	attempts: r.attempts,
	nextAttemptAt: new Date(r.next_attempt_at),
	expiresAt: r.expires_at ? new Date(r.expires_at) : null,
	lastError: r.last_error
});

/** Queues a delivery; a second one for the same event, channel and destination is ignored. */
export async function queueDelivery(db: Db, d: NewDelivery): Promise<boolean> {
	const n = await execute(
		db,
		`INSERT INTO notifications.deliveries (id, event_id, notification_id, user_id, channel, destination, template, content, sealed, urgent,
		                                      next_attempt_at, expires_at, status, last_error)
		 VALUES (:id, :eventId, :notificationId, :userId, :channel, :destination, :template, CAST(:content AS jsonb), :sealed, :urgent,
		         :nextAttemptAt, :expiresAt, :status, :lastError)
		 ON CONFLICT (event_id, channel, destination) DO NOTHING`,
		{
			id: newId(),
			eventId: d.eventId,
			notificationId: d.notificationId ?? null,
			userId: d.userId ?? null,
			channel: d.channel,
			destination: d.destination,
			template: d.template,
			content: JSON.stringify(d.content),
			sealed: d.sealed ?? null,
			urgent: d.urgent,
			nextAttemptAt: d.nextAttemptAt,
			expiresAt: d.expiresAt ?? null,
			status: d.status ?? "queued",
			lastError: d.lastError ?? null
		}
	);
	return n > 0;
}

/**
 * A grouped notification that already has a message waiting (quiet hours)
 * gets that message updated instead of a second one: the user wakes up to
 * "Asha and 3 others liked your post", once.
 */
export async function refreshQueued(db: Db, notificationId: string, channel: ExternalChannel, destination: string, content: DeliveryContent): Promise<boolean> {
	const n = await execute(
		db,
		`UPDATE notifications.deliveries SET content = CAST(:content AS jsonb), updated_at = now()
		  WHERE notification_id = :notificationId AND channel = :channel AND destination = :destination AND status = 'queued' AND attempts = 0`,
		{ notificationId, channel, destination, content: JSON.stringify(content) }
	);
	return n > 0;
}

/**
 * Claims due deliveries for this worker. The claim pushes next_attempt_at a
 * lease ahead instead of holding a lock through the network call: workers on
 * other nodes skip them (SKIP LOCKED while claiming, then the future time), and
 * a node that dies mid-send releases them when the lease runs out.
 * At most one delivery per destination is claimed at a time, so messages to
 * one number go out in order and the per-destination SMS limit counts every
 * one sent before it. `more`: due deliveries were left for the next pass.
 */
export async function claimDue(db: Db, limit: number, leaseMs: number): Promise<{ claimed: Delivery[]; more: boolean }> {
	return db.sequelize.transaction(async t => {
		const tx = { ...db, t };
		const candidates = await select<{ id: string; channel: string; destination: string }>(
			tx,
			`SELECT id, channel, destination FROM notifications.deliveries WHERE status = 'queued' AND next_attempt_at <= now()
			  ORDER BY next_attempt_at LIMIT :limit FOR UPDATE SKIP LOCKED`,
			{ limit: limit * 2 }
		);
		const seen = new Set<string>();
		const ids = candidates.filter(c => !seen.has(`${c.channel}:${c.destination}`) && seen.add(`${c.channel}:${c.destination}`)).slice(0, limit).map(c => c.id);
		if (ids.length === 0) return { claimed: [], more: false };
		const rows = await select<Row>(
			tx,
			`UPDATE notifications.deliveries SET attempts = attempts + 1, next_attempt_at = now() + (:lease || ' milliseconds')::interval, updated_at = now()
			  WHERE id IN (:ids) RETURNING *`,
			{ ids, lease: String(leaseMs) }
		);
		return { claimed: rows.map(fromRow), more: candidates.length > ids.length };
	});
}

export async function markSent(db: Db, id: string, provider: string, providerMessageId: string | null): Promise<void> {
	await execute(
		db,
		`UPDATE notifications.deliveries SET status = 'sent', provider = :provider, provider_message_id = :providerMessageId, sent_at = now(),
		        sealed = NULL, last_error = NULL, updated_at = now() WHERE id = :id`,
		{ id, provider, providerMessageId }
	);
}

/** Final: the message cannot go out (invalid number, dead token, expired code). */
export async function markFailed(db: Db, id: string, error: string, provider: string | null = null): Promise<void> {
	await execute(db, `UPDATE notifications.deliveries SET status = 'failed', last_error = :error, provider = COALESCE(:provider, provider), sealed = NULL, updated_at = now() WHERE id = :id`, {
		id,
		error: error.slice(0, 1000),
		provider
	});
}

export async function scheduleRetry(db: Db, id: string, delayMs: number, error: string, provider: string | null = null): Promise<void> {
	await execute(
		db,
		`UPDATE notifications.deliveries SET next_attempt_at = now() + (:delay || ' milliseconds')::interval, last_error = :error,
		        provider = COALESCE(:provider, provider), updated_at = now() WHERE id = :id`,
		{ id, delay: String(Math.round(delayMs)), error: error.slice(0, 1000), provider }
	);
}

/** Deferred without counting as an attempt (per-destination SMS limit). */
export async function postpone(db: Db, id: string, until: Date, reason: string): Promise<void> {
	await execute(db, `UPDATE notifications.deliveries SET next_attempt_at = :until, attempts = GREATEST(attempts - 1, 0), last_error = :reason, updated_at = now() WHERE id = :id`, {
		id,
		until,
		reason
	});
}

/** Retries exhausted. A sealed secret is kept only while it is still valid, so an operator's retry can still send it. */
export async function markDead(db: Db, id: string, error: string, provider: string | null = null): Promise<void> {
	await execute(
		db,
		`UPDATE notifications.deliveries SET status = 'dead', last_error = :error, provider = COALESCE(:provider, provider),
		        sealed = CASE WHEN expires_at IS NOT NULL AND expires_at > now() THEN sealed ELSE NULL END, updated_at = now() WHERE id = :id`,
		{ id, error: error.slice(0, 1000), provider }
	);
}

/** When SMS were last sent to a number (for the per-destination limit). */
export async function recentSmsSent(db: Db, destination: string, windowMs: number, limit: number): Promise<Date[]> {
	const rows = await select<{ sent_at: Date }>(
		db,
		`SELECT sent_at FROM notifications.deliveries WHERE channel = 'sms' AND status = 'sent' AND destination = :destination
		   AND sent_at > now() - (:window || ' milliseconds')::interval ORDER BY sent_at DESC LIMIT :limit`,
		{ destination, window: String(windowMs), limit }
	);
	return rows.map(r => new Date(r.sent_at));
}

export interface DeadDelivery {
	id: string;
	eventId: string;
	channel: ExternalChannel;
	template: string;
	attempts: number;
	lastError: string | null;
	updatedAt: string;
}

export async function listDead(db: Db, limit: number): Promise<DeadDelivery[]> {
	const rows = await select<{ id: string; event_id: string; channel: ExternalChannel; template: string; attempts: number; last_error: string | null; updated_at: Date }>(
		db,
		"SELECT id, event_id, channel, template, attempts, last_error, updated_at FROM notifications.deliveries WHERE status = 'dead' ORDER BY updated_at DESC LIMIT :limit",
		{ limit }
	);
	return rows.map(r => ({ id: r.id, eventId: r.event_id, channel: r.channel, template: r.template, attempts: r.attempts, lastError: r.last_error, updatedAt: new Date(r.updated_at).toISOString() }));
}

/** Puts dead deliveries back in the queue with a fresh set of attempts. */
export async function requeueDead(db: Db, filter: { ids?: string[]; channel?: ExternalChannel }): Promise<number> {
	return execute(
		db,
		`UPDATE notifications.deliveries SET status = 'queued', attempts = 0, next_attempt_at = now(), updated_at = now()
		  WHERE status = 'dead' ${filter.ids ? "AND id IN (:ids)" : ""} ${filter.channel ? "AND channel = :channel" : ""}`,
		{ ids: filter.ids ?? null, channel: filter.channel ?? null }
	);
}

/** A deleted account: nothing more goes out to it, and its contact data leaves the delivery history. */
export async function forgetUser(db: Db, userId: string): Promise<void> {
	await execute(
		db,
		`UPDATE notifications.deliveries SET status = CASE WHEN status = 'queued' THEN 'failed' ELSE status END,
		        last_error = CASE WHEN status = 'queued' THEN 'recipient deleted' ELSE last_error END,
		        destination = 'erased:' || id::text, content = '{}'::jsonb, sealed = NULL, updated_at = now()
		  WHERE user_id = :userId`,
		{ userId }
	);
}

/** Final deliveries older than the retention period. */
export async function purgeFinal(db: Db, retentionDays: number): Promise<number> {
	return execute(db, `DELETE FROM notifications.deliveries WHERE status <> 'queued' AND updated_at < now() - (:days || ' days')::interval`, { days: String(retentionDays) });
}
