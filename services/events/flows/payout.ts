/**
 * Paying organizers: once an event has been completed for the payout window
 * (EVENTS_PAYOUT_WINDOW_HOURS, time for complaints), each paid booking's
 * escrow is released to the organizer. A release payments already made
 * (ESCROW_STATE) counts as done, so a retried pass is harmless.
 */
import { releaseEscrow } from "../peers";
import type { EventsRuntime } from "../runtime";
import { escrowsToRelease, markEscrowReleased } from "../store/bookings";
import { markPayoutDone } from "../store/events";
import { select } from "../store/sql";

const db = (rt: EventsRuntime) => ({ sequelize: rt.sequelize });

export async function releasePayouts(rt: EventsRuntime, now: Date, limit: number): Promise<number> {
	const due = await select<{ id: string }>(
		db(rt),
		`SELECT id FROM events.events WHERE status = 'completed' AND payout_done_at IS NULL AND completed_at <= :cutoff ORDER BY completed_at LIMIT :limit`,
		{ cutoff: new Date(now.getTime() - rt.cfg.payoutWindowHours * 3_600_000), limit }
	);
	let released = 0;
	for (const { id } of due) {
		const bookings = await escrowsToRelease(db(rt), id, limit);
		let failed = false;
		for (const b of bookings) {
			try {
				await releaseEscrow(rt.broker, b.id);
			} catch (err) {
				if ((err as { type?: string }).type !== "ESCROW_STATE") {
					rt.logger.warn(`Escrow release of booking ${b.id} failed; retried on the next pass:`, (err as Error).message);
					failed = true;
					continue;
				}
			}
			await markEscrowReleased(db(rt), b.id);
			released++;
		}
		if (!failed && bookings.length < limit) await markPayoutDone(db(rt), id);
	}
	return released;
}
