/**
 * The events domain's own variables (docs/configuration.md, "Events"). Parsed
 * once when the service starts; a bad value stops start-up naming it.
 */
import { createHash } from "node:crypto";
import { ConfigError, int, str, type Env, type PlatformConfig } from "../../lib/config/env";
import { parseEncryptionKey } from "./rules/keys";

export interface EventsConfig {
	/** How long a booking waiting for its payment holds its seats; also the payment intent's lifetime. */
	holdSeconds: number;
	/** After an event completes, how long attendees have to complain before each booking's escrow goes to the organizer. */
	payoutWindowHours: number;
	/** The background worker's poll (lifecycle moves, expired holds, refunds, payouts). */
	workerPollMs: number;
	/** Rows one worker pass handles per task. */
	workerBatch: number;
	/** Tickets one booking may hold at most, whatever the ticket type allows. */
	maxTicketsPerBooking: number;
	/** Two events of one organizer starting within this many hours of each other may be duplicates. */
	duplicateWindowHours: number;
	/** …and whose venues are within this many metres. */
	duplicateDistanceM: number;
	/** Signed tickets, keys and check-in (TIX; docs/events.md "Tickets", "Keys", "Check-in"). */
	tickets: TicketsConfig;
}

export interface TicketsConfig {
	/** 32-byte AES-256-GCM key that encrypts every event's private signing key at rest. */
	keyEncryptionKey: Buffer;
	/** True when no key was configured and the documented development key is in use (never in production). */
	devKeyEncryptionKey: boolean;
	/** RSA modulus of new event keys. */
	keyBits: number;
	/** A ticket's code is valid from this long before the event starts… */
	opensBeforeStartS: number;
	/** …until this long after it ends. */
	closesAfterEndS: number;
	/** Scanner clocks drift: a code this close to its window still counts. */
	clockLeewayS: number;
	/** Scans one offline upload may carry. */
	syncMaxScans: number;
}

export function loadEventsConfig(platform: Pick<PlatformConfig, "nodeEnv">, env: Env = process.env): EventsConfig {
	const test = platform.nodeEnv === "test";
	return {
		// Tests drive expiry for real: a short hold keeps them short.
		holdSeconds: int(env, "EVENTS_BOOKING_HOLD_SECONDS", test ? 12 : 600, 5, 86_400),
		// Tests watch a payout happen right after the event completes.
		payoutWindowHours: int(env, "EVENTS_PAYOUT_WINDOW_HOURS", test ? 0 : 48, 0, 24 * 60),
		workerPollMs: int(env, "EVENTS_WORKER_POLL_MS", test ? 500 : 5000, 50, 600_000),
		workerBatch: int(env, "EVENTS_WORKER_BATCH", 200, 1, 10_000),
		maxTicketsPerBooking: int(env, "EVENTS_MAX_TICKETS_PER_BOOKING", 20, 1, 1000),
		duplicateWindowHours: int(env, "EVENTS_DUPLICATE_WINDOW_HOURS", 24, 0, 24 * 30),
		duplicateDistanceM: int(env, "EVENTS_DUPLICATE_DISTANCE_M", 500, 0, 100_000),
		tickets: loadTicketsConfig(platform, env)
	};
}

/** Outside production, an unset key-encryption key is this documented development key (docs/configuration.md). */
export const DEV_KEY_ENCRYPTION_KEY = createHash("sha256").update("nexgate-events-dev-key-encryption-key").digest();

function loadTicketsConfig(platform: Pick<PlatformConfig, "nodeEnv">, env: Env): TicketsConfig {
	const raw = str(env, "EVENTS_KEY_ENCRYPTION_KEY");
	let keyEncryptionKey: Buffer = DEV_KEY_ENCRYPTION_KEY;
	if (raw) {
		const parsed = parseEncryptionKey(raw);
		if (!parsed) throw new ConfigError("EVENTS_KEY_ENCRYPTION_KEY", "must be 32 bytes as base64 or 64 hex characters (openssl rand -base64 32)");
		keyEncryptionKey = parsed;
	} else if (platform.nodeEnv === "production") throw new ConfigError("EVENTS_KEY_ENCRYPTION_KEY", "is required when NODE_ENV=production");
	const keyBits = int(env, "EVENTS_TICKET_KEY_BITS", 2048, 2048, 4096);
	if (keyBits % 1024 !== 0) throw new ConfigError("EVENTS_TICKET_KEY_BITS", "must be 2048, 3072 or 4096");
	return {
		keyEncryptionKey,
		devKeyEncryptionKey: !raw,
		keyBits,
		opensBeforeStartS: int(env, "EVENTS_TICKET_OPENS_BEFORE_MINUTES", 360, 0, 7 * 24 * 60) * 60,
		closesAfterEndS: int(env, "EVENTS_TICKET_CLOSES_AFTER_MINUTES", 360, 0, 7 * 24 * 60) * 60,
		clockLeewayS: int(env, "EVENTS_CHECKIN_CLOCK_LEEWAY_SECONDS", 120, 0, 3600),
		syncMaxScans: int(env, "EVENTS_SYNC_MAX_SCANS", 500, 1, 10_000)
	};
}
