/**
 * The events worker: one PollingLoop (lib/polling-loop.ts) per node whose
 * passes move events by the clock (published → happening → completed),
 * release holds nobody paid for, send due refunds and release escrows to
 * organizers. Every step is a guarded UPDATE or an idempotent call, so nodes
 * running passes side by side do each thing once.
 */
import { inTransaction } from "../../../lib/db/transaction";
import { PollingLoop } from "../../../lib/polling-loop";
import { statusByTime } from "../rules/lifecycle";
import type { EventsRuntime } from "../runtime";
import { holdsPastExpiry } from "../store/bookings";
import { eventsDueForMove, setStatus } from "../store/events";
import { releaseBooking } from "./bookings";
import { processRefunds } from "./cancel";
import { releasePayouts } from "./payout";

export async function moveEventsByTime(rt: EventsRuntime, now: Date, limit: number): Promise<number> {
	const due = await eventsDueForMove({ sequelize: rt.sequelize }, now, limit);
	let moved = 0;
	for (const e of due) {
		const to = statusByTime(e.status, e.starts_at, e.ends_at, now);
		if (to === e.status) continue;
		// A published event whose end already passed goes straight to completed.
		if (await setStatus({ sequelize: rt.sequelize }, e.id, [e.status], to)) moved++;
	}
	return moved;
}

export async function expireHolds(rt: EventsRuntime, now: Date, limit: number): Promise<number> {
	const due = await holdsPastExpiry({ sequelize: rt.sequelize }, now, limit);
	let released = 0;
	for (const { id } of due) if (await inTransaction(rt.sequelize, t => releaseBooking(rt, id, "expired", "hold_expired", t))) released++;
	return released;
}

export class EventsWorker extends PollingLoop {
	constructor(private readonly rt: EventsRuntime) {
		super(rt.cfg.workerPollMs);
	}

	protected async pass(): Promise<boolean> {
		const now = new Date();
		const limit = this.rt.cfg.workerBatch;
		const counts = [
			await moveEventsByTime(this.rt, now, limit),
			await expireHolds(this.rt, now, limit),
			await processRefunds(this.rt, limit),
			await releasePayouts(this.rt, now, limit)
		];
		// A full batch in any task means more may be waiting.
		return counts.some(n => n >= limit);
	}

	protected passFailed(err: Error): void {
		this.rt.logger.warn("Events worker pass failed:", err.message);
	}
}
