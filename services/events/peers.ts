/**
 * What events asks other domains: files for covers (claim, release, views)
 * and payments for intents, refunds and escrow releases. Plain functions over
 * the broker so the flows read as use cases.
 */
import type { ServiceBroker } from "moleculer";

export interface FileView {
	id: string;
	url: string | null;
	blurhash?: string | null;
	width?: number | null;
	height?: number | null;
	variants?: Record<string, string>;
}

export const eventRef = (eventId: string) => `events:event:${eventId}`;

export async function claimCover(broker: ServiceBroker, ownerId: string, fileId: string, eventId: string): Promise<void> {
	await broker.call("files.claim", { ownerId, fileIds: [fileId], purpose: "event", ref: eventRef(eventId) });
}

export async function releaseCover(broker: ServiceBroker, fileId: string, eventId: string, logger: { warn(...a: unknown[]): void }): Promise<void> {
	try {
		await broker.call("files.release", { fileIds: [fileId], ref: eventRef(eventId) });
	} catch (err) {
		// A cover left attached is only storage; the event no longer points at it.
		logger.warn(`Could not release cover ${fileId} of event ${eventId}:`, (err as Error).message);
	}
}

/** Covers by file id; a files service that cannot answer leaves events without covers rather than failing the read. */
export async function coverViews(broker: ServiceBroker, ids: readonly string[], logger: { warn(...a: unknown[]): void }): Promise<Map<string, FileView>> {
	const unique = [...new Set(ids)];
	if (unique.length === 0) return new Map();
	try {
		const res = await broker.call<Record<string, FileView>, object>("files.views", { ids: unique });
		return new Map(Object.entries(res ?? {}));
	} catch (err) {
		logger.warn("Event covers unavailable (files.views failed):", (err as Error).message);
		return new Map();
	}
}

export interface PaymentMethod {
	methodId?: string;
	provider?: "mpesa" | "selcom" | "tembo";
	phone?: string;
}

export interface Intent {
	id: string;
	status: string;
	providerReference?: string | null;
	[k: string]: unknown;
}

export const bookingPurpose = (bookingId: string) => ({ type: "booking" as const, id: bookingId });

export function createIntent(
	broker: ServiceBroker,
	p: { payerId: string; payeeId: string; amount: number; currency: string; bookingId: string; method: PaymentMethod; lifetimeSeconds: number; description: string }
): Promise<Intent> {
	return broker.call("payments.createIntent", {
		payerId: p.payerId,
		payeeId: p.payeeId,
		amount: p.amount,
		currency: p.currency,
		purpose: bookingPurpose(p.bookingId),
		method: p.method,
		// One intent per booking: a retried request or a redelivered step finds the same intent.
		idempotencyKey: `booking:${p.bookingId}`,
		lifetimeSeconds: p.lifetimeSeconds,
		description: p.description
	});
}

export function refund(broker: ServiceBroker, bookingId: string, amount: number | null): Promise<unknown> {
	return broker.call("payments.refund", { purpose: bookingPurpose(bookingId), to: "provider", idempotencyKey: `booking-refund:${bookingId}`, ...(amount !== null ? { amount } : {}) });
}

export function releaseEscrow(broker: ServiceBroker, bookingId: string): Promise<unknown> {
	return broker.call("payments.releaseEscrow", { purpose: bookingPurpose(bookingId) });
}

export function getEscrow(broker: ServiceBroker, bookingId: string): Promise<{ status: string; remaining: number }> {
	return broker.call("payments.getEscrow", { purpose: bookingPurpose(bookingId) });
}
