/**
 * Runs video jobs on this node, at most FILES_VIDEO_CONCURRENCY at a time
 * (ffmpeg takes a core or more each). Claims from the shared queue, renews the
 * lease while a job runs, and on the way down kills ffmpeg and puts its jobs
 * back at once, so another node (or this one, restarted) takes them over. A
 * node that dies without that simply stops renewing: the lease runs out and
 * the job is claimed again.
 */
import { PollingLoop } from "../../../lib/polling-loop";
import { finishFailed } from "../flows/ingest";
import type { FilesRuntime } from "../runtime";
import { afterFailure, heartbeatMs } from "../rules/video-jobs";
import * as jobs from "../store/jobs";
import { runVideoJob } from "./video-job";

type StopReason = "stopping" | "lease_lost" | "timeout";

interface Running {
	abort(reason: StopReason): void;
	done: Promise<void>;
}

export class VideoWorker extends PollingLoop {
	private readonly active = new Map<string, Running>();

	constructor(private readonly rt: FilesRuntime, pollMs = 2000) {
		super(pollMs);
	}

	protected async pass(): Promise<boolean> {
		if (this.active.size >= this.rt.cfg.videoConcurrency) return false;
		const job = await jobs.claim(this.rt.db(), this.rt.nodeId, this.rt.cfg.videoLeaseMs);
		if (!job) return false;
		this.runJob(job);
		return this.active.size < this.rt.cfg.videoConcurrency;
	}

	protected passFailed(err: Error): void {
		this.rt.warn("files: video queue pass failed", err);
	}

	/** Stops claiming, kills the running transcodes and hands their jobs back to the queue. */
	override async stop(): Promise<void> {
		await super.stop();
		const running = [...this.active.values()];
		for (const r of running) r.abort("stopping");
		await Promise.all(running.map(r => r.done));
	}

	private runJob(job: jobs.VideoJob): void {
		const { rt } = this;
		const worker = rt.nodeId;
		const controller = new AbortController();
		let why: StopReason | null = null;
		const abort = (reason: StopReason) => {
			why ??= reason;
			controller.abort();
		};
		const heartbeat = setInterval(() => {
			jobs
				.renew(rt.db(), job.fileId, worker, rt.cfg.videoLeaseMs)
				.then(held => !held && abort("lease_lost"))
				.catch(err => rt.warn(`files: lease renewal for ${job.fileId} failed`, err));
		}, heartbeatMs(rt.cfg.videoLeaseMs));
		const timeout = setTimeout(() => abort("timeout"), rt.cfg.videoTimeoutMs);

		const done = runVideoJob(rt, job.fileId, worker, controller.signal)
			.then(
				() => undefined,
				async err => {
					if (why === "lease_lost") return;
					if (why === "stopping") return jobs.requeue(rt.db(), job.fileId, worker, 0, null);
					const outcome = afterFailure(err, job.attempts, rt.cfg.videoMaxAttempts);
					const message = why === "timeout" ? "timed out" : String((err as Error)?.message ?? err).slice(0, 500);
					rt.warn(`files: video job ${job.fileId} attempt ${job.attempts} failed: ${message}`);
					if (outcome.kind === "retry") return jobs.requeue(rt.db(), job.fileId, worker, outcome.delayMs, message);
					return finishFailed(rt, job.fileId, outcome.reason, { worker });
				}
			)
			.catch(err => rt.warn(`files: could not record the outcome of video job ${job.fileId}`, err))
			.finally(() => {
				clearInterval(heartbeat);
				clearTimeout(timeout);
				this.active.delete(job.fileId);
				this.kick();
			});
		this.active.set(job.fileId, { abort, done });
	}
}
