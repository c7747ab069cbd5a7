/**
 * The sweeper: files attached to nothing for FILES_UNATTACHED_TTL_S (a day)
 * and presigned uploads whose URL expired unused become deleted; deleted
 * files' objects are removed (retried until they are gone).
 */
import { PollingLoop } from "../../../lib/polling-loop";
import type { FilesRuntime } from "../runtime";
import * as files from "../store/files";
import { purgeLater } from "./ingest";

const BATCH = 100;

export interface SweepResult {
	expired: number;
	purged: number;
}

export async function sweep(rt: FilesRuntime, now = new Date()): Promise<SweepResult> {
	const cutoff = new Date(now.getTime() - rt.cfg.unattachedTtlMs);
	const expired = await files.expireUnattached(rt.db(), cutoff, BATCH);
	let purged = 0;
	for (const id of await files.unpurged(rt.db(), BATCH)) if (await purgeLater(rt, id)) purged++;
	return { expired: expired.length, purged };
}

/** Runs the sweep every FILES_CLEANUP_INTERVAL_S on every files node (the SQL lets nodes share it). */
export class Sweeper extends PollingLoop {
	constructor(private readonly rt: FilesRuntime) {
		super(rt.cfg.cleanupIntervalMs);
	}

	protected async pass(): Promise<boolean> {
		const result = await sweep(this.rt);
		// A full batch means more is waiting.
		return result.expired === BATCH || result.purged === BATCH;
	}

	protected passFailed(err: Error): void {
		this.rt.warn("files: cleanup pass failed", err);
	}
}
