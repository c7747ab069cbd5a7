/**
 * One run of a video job: raw upload → probe → H.264/AAC MP4 (≤720p,
 * faststart) → poster (WebP + BlurHash) → stored → file ready, applied only if
 * this worker still holds the job. Temporary files live in a private folder
 * removed whatever happens.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { finishReady } from "../flows/ingest";
import type { FilesRuntime } from "../runtime";
import { objectKey, uploadKey } from "../rules/storage-keys";
import { findFile } from "../store/files";
import { finish } from "../store/jobs";
import { processPoster } from "./image";
import { checkLimits, posterFrame, probe, transcode } from "./video";

export type JobResult = "ready" | "skipped" | "lost";

export async function runVideoJob(rt: FilesRuntime, fileId: string, worker: string, signal: AbortSignal): Promise<JobResult> {
	const row = await findFile(rt.db(), fileId);
	if (!row || row.status !== "processing") {
		// Deleted or already settled: nothing left to do.
		await finish(rt.db(), fileId, "done");
		return "skipped";
	}
	const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "nexgate-video-"));
	try {
		const input = path.join(dir, "input");
		const output = path.join(dir, "video.mp4");
		const posterPng = path.join(dir, "poster.png");
		await rt.store.download(uploadKey(fileId), input);
		const source = await probe(rt.tools, input);
		checkLimits(source, rt.cfg.videoMaxDurationMs);
		await transcode(rt.tools, input, output, source, signal);
		const result = await probe(rt.tools, output);
		await posterFrame(rt.tools, output, posterPng, result.durationMs, signal);
		const poster = await processPoster(await fs.promises.readFile(posterPng));

		const mp4Key = objectKey(fileId, "video.mp4");
		const posterKey = objectKey(fileId, "poster.webp");
		const [mp4Size] = await Promise.all([rt.store.putFile(mp4Key, output, "video/mp4"), rt.store.put(posterKey, poster.image.buffer, poster.image.mime)]);
		const mp4 = { key: mp4Key, mime: "video/mp4", size: mp4Size, width: result.width, height: result.height };
		const ready = await finishReady(
			rt,
			fileId,
			{
				originalKey: mp4Key,
				mime: "video/mp4",
				size: mp4Size,
				width: result.width,
				height: result.height,
				durationMs: result.durationMs,
				blurhash: poster.blurhash,
				variants: {
					mp4,
					poster: { key: posterKey, mime: poster.image.mime, size: poster.image.buffer.length, width: poster.image.width, height: poster.image.height }
				}
			},
			{ worker }
		);
		return ready ? "ready" : "lost";
	} finally {
		await fs.promises.rm(dir, { recursive: true, force: true });
	}
}
