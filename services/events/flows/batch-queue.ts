/**
 * Group commit in one process: requests with the same key queue, and up to
 * `maxInFlight` runners per key take them in batches. The first request of
 * an idle key starts a batch at once (no timer); whatever queues while the
 * batches are in flight is the next batch. So a lone request costs nothing
 * extra, and under load a batch grows to what arrived during one transaction.
 */

interface Waiter<Req, Res> {
	req: Req;
	resolve(res: Res): void;
	reject(err: unknown): void;
}

interface Lane<Req, Res> {
	queue: Array<Waiter<Req, Res>>;
	running: number;
}

/** Runs one batch; answers one result per request in order (an Error is that request's own refusal). */
export type BatchRunner<Req, Res> = (key: string, reqs: Req[]) => Promise<Array<Res | Error>>;

export class BatchQueue<Req, Res> {
	private readonly lanes = new Map<string, Lane<Req, Res>>();

	constructor(
		private readonly run: BatchRunner<Req, Res>,
		private readonly opts: { maxBatch: number; maxInFlight: number }
	) {}

	submit(key: string, req: Req): Promise<Res> {
		return new Promise<Res>((resolve, reject) => {
			let lane = this.lanes.get(key);
			if (!lane) {
				lane = { queue: [], running: 0 };
				this.lanes.set(key, lane);
			}
			lane.queue.push({ req, resolve, reject });
			if (lane.running < this.opts.maxInFlight) void this.drain(key, lane);
		});
	}

	private async drain(key: string, lane: Lane<Req, Res>): Promise<void> {
		lane.running++;
		while (lane.queue.length > 0) {
			const batch = lane.queue.splice(0, this.opts.maxBatch);
			try {
				settle(batch, await this.run(key, batch.map(w => w.req)));
			} catch (err) {
				if (batch.length === 1) batch[0].reject(err);
				// The batch failed as a whole (not one request's refusal): each member alone, so one
				// request's trouble answers that request only.
				else for (const w of batch) await this.runAlone(key, w);
			}
		}
		lane.running--;
		if (lane.running === 0) this.lanes.delete(key);
	}

	private async runAlone(key: string, w: Waiter<Req, Res>): Promise<void> {
		try {
			settle([w], await this.run(key, [w.req]));
		} catch (err) {
			w.reject(err);
		}
	}
}

function settle<Req, Res>(batch: Array<Waiter<Req, Res>>, results: Array<Res | Error>): void {
	batch.forEach((w, i) => {
		const r = results[i];
		if (r instanceof Error) w.reject(r);
		else w.resolve(r);
	});
}
