/**
 * Sends queued deliveries after their transaction committed. Woken right
 * after a commit that queued something (kick) and on a poll that picks up
 * retries, deliveries deferred by quiet hours, and work other nodes queued.
 * Claims use FOR UPDATE SKIP LOCKED plus a lease (store/deliveries.ts), so
 * several notification nodes share the queue without sending anything twice.
 */
import { PollingLoop } from "../../lib/polling-loop";
import type { NotificationsConfig } from "./config";
import { dispatch, type DispatchOutcome, type Senders } from "./dispatch";
import type { Delivery } from "./store/deliveries";
import { claimDue, purgeFinal } from "./store/deliveries";
import type { Db } from "../../lib/db/sql";

type Logger = { warn(...a: unknown[]): void; info(...a: unknown[]): void; error(...a: unknown[]): void };

const PURGE_EVERY_MS = 3600_000;

export class DeliveryWorker extends PollingLoop {
	private lastPurge = 0;

	constructor(
		/** Read at each pass: the pool is bound only once the service's adapter connected. */
		private readonly db: () => Db,
		private readonly cfg: NotificationsConfig,
		private readonly senders: Senders,
		private readonly log: Logger,
		/** Told what became of every attempt (business metrics). */
		private readonly onOutcome: (d: Delivery, outcome: DispatchOutcome) => void = () => undefined
	) {
		super(cfg.worker.pollMs);
	}

	/** Sends what is due; the sends in flight finish before stop() resolves. */
	protected async pass(): Promise<boolean> {
		const { claimed, more } = await claimDue(this.db(), this.cfg.worker.concurrency, this.cfg.worker.leaseMs);
		await Promise.all(
			claimed.map(d =>
				dispatch(this.db(), this.cfg, this.senders, d, this.log).then(outcome => this.onOutcome(d, outcome), err => {
					// Left claimed: the lease runs out and the delivery is tried again.
					this.log.error(`Delivery ${d.id} (${d.channel}) could not be recorded:`, (err as Error).message);
				})
			)
		);
		await this.purge();
		return more;
	}

	protected passFailed(err: Error): void {
		this.log.warn("Delivery worker pass failed:", err.message);
	}

	private async purge(): Promise<void> {
		if (Date.now() - this.lastPurge < PURGE_EVERY_MS) return;
		this.lastPurge = Date.now();
		await purgeFinal(this.db(), this.cfg.retentionDays);
	}
}
