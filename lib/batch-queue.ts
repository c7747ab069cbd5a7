/**
 * Group commit in one process: requests with the same key queue, and one
 * runner per key takes them in batches. The first request of an idle key
 * starts a batch at once (no timer); whatever queues while a batch is in
 * flight is the next batch. So a lone request costs nothing extra, and
 * under load the batch grows to what arrived during one transaction.
 * Used by events (sales per event) and messages (sends, one queue per process).
 */

interface Waiter<Req, Res> {
	req: Req;
	resolve(res: Res): void;
	reject(err: unknown): void;
}

/** Runs one batch; answers one result per request in order (an Error is that request's own refusal). */
export type BatchRunner<Req, Res> = (key: string, reqs: Req[]) => Promise<Array<Res | Error>>;

export class BatchQueue<Req, Res> {
	private readonly queues = new Map<string, Array<Waiter<Req, Res>>>();

	constructor(
		private readonly run: BatchRunner<Req, Res>,
		private readonly maxBatch: number
	) {}

	submit(key: string, req: Req): Promise<Res> {
		return new Promise<Res>((resolve, reject) => {
			const queue = this.queues.get(key);
			if (queue) {
				queue.push({ req, resolve, reject });
				return;
			}
			this.queues.set(key, [{ req, resolve, reject }]);
			void this.drain(key);
		});
	}

	private async drain(key: string): Promise<void> {
		const queue = this.queues.get(key) as Array<Waiter<Req, Res>>;
		while (queue.length > 0) {
			const batch = queue.splice(0, this.maxBatch);
			try {
				settle(batch, await this.run(key, batch.map(w => w.req)));
			} catch (err) {
				if (batch.length === 1) batch[0].reject(err);
				// The batch failed as a whole (not one request's refusal): each member alone, so one
				// request's trouble answers that request only.
				else for (const w of batch) await this.runAlone(key, w);
			}
		}
		this.queues.delete(key);
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
