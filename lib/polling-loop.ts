/**
 * A background worker that is woken right after a commit gave it work (`kick`)
 * and on a poll that catches everything else (retries coming due, work other
 * nodes queued, rows left by a crash). Passes never overlap: a kick during a
 * pass asks for one more pass. `stop` waits for the pass in progress, so a
 * stopping node leaves nothing half-done.
 */
export abstract class PollingLoop {
	private timer: NodeJS.Timeout | null = null;
	private running = false;
	private busy: Promise<void> | null = null;
	private again = false;

	protected constructor(private readonly pollMs: number) {}

	/** One pass; resolves true when more work is waiting right away. */
	protected abstract pass(): Promise<boolean>;

	/** Reports a failed pass; the next kick or poll tries again. */
	protected abstract passFailed(err: Error): void;

	get isRunning(): boolean {
		return this.running;
	}

	start(): void {
		this.running = true;
		this.timer = setInterval(() => this.kick(), this.pollMs);
		this.timer.unref();
		this.kick();
	}

	async stop(): Promise<void> {
		this.running = false;
		if (this.timer) clearInterval(this.timer);
		await this.busy;
	}

	kick(): void {
		if (!this.running) return;
		if (this.busy) {
			this.again = true;
			return;
		}
		this.busy = this.loop().finally(() => {
			this.busy = null;
		});
	}

	private async loop(): Promise<void> {
		do {
			this.again = false;
			try {
				if (await this.pass()) this.again = true;
			} catch (err) {
				if (this.running) this.passFailed(err as Error);
			}
		} while (this.again && this.running);
	}
}
