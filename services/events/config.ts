/**
 * The events domain's own variables (docs/configuration.md, "Events"). Parsed
 * once when the service starts; a bad value stops start-up naming it.
 */
import { int, type Env, type PlatformConfig } from "../../lib/config/env";

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
}

export function loadEventsConfig(platform: Pick<PlatformConfig, "nodeEnv">, env: Env = process.env): EventsConfig {
	const test = platform.nodeEnv === "test";
	return {
		// Tests drive expiry for real: a short hold keeps them short.
		holdSeconds: int(env, "EVENTS_BOOKING_HOLD_SECONDS", test ? 12 : 600, 5, 86_400),
		payoutWindowHours: int(env, "EVENTS_PAYOUT_WINDOW_HOURS", 48, 0, 24 * 60),
		workerPollMs: int(env, "EVENTS_WORKER_POLL_MS", test ? 500 : 5000, 50, 600_000),
		workerBatch: int(env, "EVENTS_WORKER_BATCH", 200, 1, 10_000),
		maxTicketsPerBooking: int(env, "EVENTS_MAX_TICKETS_PER_BOOKING", 20, 1, 1000),
		duplicateWindowHours: int(env, "EVENTS_DUPLICATE_WINDOW_HOURS", 24, 0, 24 * 30),
		duplicateDistanceM: int(env, "EVENTS_DUPLICATE_DISTANCE_M", 500, 0, 100_000)
	};
}
