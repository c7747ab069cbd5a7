/**
 * Issue 6: the media pipeline on this machine. (a) A 12-megapixel JPEG through
 * the image pipeline (decode upright, cleaned original, three WebP variants,
 * BlurHash): time per image and peak memory (RSS) of a fresh process doing it;
 * images per minute one at a time and two at a time. (b) A 1080p clip through
 * the video pipeline (probe, H.264/AAC ≤720p faststart, poster): seconds of
 * transcoding per second of input.
 *
 * Each measurement runs in a child process of its own (this module, forked with
 * a flag), so the peak RSS belongs to the pipeline alone, not to the bench.
 */
import { execFile, fork } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { processImage } from "../../services/files/media/image";
import { checkLimits, posterFrame, probe, transcode } from "../../services/files/media/video";
import { awaitQuietMachine } from "../lib/measure";
import type { BenchContext, Row, Scenario, ScenarioResult } from "../lib/types";

const CHILD_FLAG = "--files-media-child";
const IMAGE_ROUNDS = 8;
const VIDEO_SECONDS = 10;
const MAX_PIXELS = 50_000_000;

type ChildTask =
	| { task: "make-jpeg"; output: string }
	| { task: "image-once"; input: string }
	| { task: "image-rate"; input: string; rounds: number; parallel: number }
	| { task: "video"; seconds: number };
interface ChildAnswer {
	ms: number[];
	maxRssMiB: number;
	baselineRssMiB: number;
	inputMiB: number;
	detail: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const MiB = 1024 * 1024;

/** A 4000×3000 photo-like JPEG (noise, blurred: real photos are neither flat nor pure noise), with EXIF. */
async function twelveMegapixelJpeg(): Promise<Buffer> {
	const noisy = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: { r: 120, g: 110, b: 100 }, noise: { type: "gaussian", mean: 120, sigma: 40 } } })
		.blur(1.2)
		.raw()
		.toBuffer({ resolveWithObject: true });
	return sharp(noisy.data, { raw: noisy.info })
		.withMetadata({ orientation: 6 })
		.withExif({ IFD0: { Make: "BenchCam" }, IFD3: { GPSLatitudeRef: "S", GPSLatitude: "6/1 48/1 0/1" } })
		.jpeg({ quality: 90 })
		.toBuffer();
}

async function runChild(task: ChildTask): Promise<ChildAnswer> {
	const baselineRssMiB = process.memoryUsage().rss / MiB;
	if (task.task === "make-jpeg") {
		const jpeg = await twelveMegapixelJpeg();
		await fs.promises.writeFile(task.output, jpeg);
		return { ms: [], maxRssMiB: 0, baselineRssMiB, inputMiB: jpeg.length / MiB, detail: "" };
	}
	if (task.task === "image-once" || task.task === "image-rate") {
		// Made by another process: this one's peak RSS is the pipeline's (plus the input bytes).
		const input = await fs.promises.readFile(task.input);
		const ms: number[] = [];
		const startRss = process.memoryUsage().rss / MiB;
		if (task.task === "image-once") {
			const t0 = performance.now();
			const out = await processImage(input, "image/jpeg", MAX_PIXELS);
			ms.push(performance.now() - t0);
			return {
				ms,
				maxRssMiB: process.resourceUsage().maxRSS / 1024,
				baselineRssMiB: startRss,
				inputMiB: input.length / MiB,
				detail: `${out.width}×${out.height}, original ${(out.original.buffer.length / MiB).toFixed(1)} MiB, large ${out.variants.large.width}×${out.variants.large.height}`
			};
		}
		await processImage(input, "image/jpeg", MAX_PIXELS); // warm-up: libvips' caches and thread pool
		const t0 = performance.now();
		let next = 0;
		await Promise.all(
			Array.from({ length: task.parallel }, async () => {
				while (next < task.rounds) {
					next++;
					const s = performance.now();
					await processImage(input, "image/jpeg", MAX_PIXELS);
					ms.push(performance.now() - s);
				}
			})
		);
		return { ms: [performance.now() - t0, ...ms], maxRssMiB: process.resourceUsage().maxRSS / 1024, baselineRssMiB, inputMiB: input.length / MiB, detail: "" };
	}
	const tools = {
		ffmpegPath: process.env.FFMPEG_PATH ?? (require("@ffmpeg-installer/ffmpeg") as { path: string }).path,
		ffprobePath: process.env.FFPROBE_PATH ?? (require("@ffprobe-installer/ffprobe") as { path: string }).path
	};
	const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "nexgate-bench-video-"));
	try {
		const input = path.join(dir, "in.mp4");
		// 1080p30 with moving detail and grain (testsrc2 + temporal noise) and a tone, like a phone clip.
		await promisify(execFile)(tools.ffmpegPath, [
			"-y", "-loglevel", "error",
			"-f", "lavfi", "-i", `testsrc2=size=1920x1080:rate=30:duration=${task.seconds}`,
			"-f", "lavfi", "-i", `sine=frequency=440:duration=${task.seconds}`,
			// About 20 Mb/s, what phones record 1080p30 at.
			"-vf", "noise=alls=6:allf=t", "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "20M", "-maxrate", "20M", "-bufsize", "40M", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", input
		]);
		const signal = new AbortController().signal;
		const t0 = performance.now();
		const p = await probe(tools, input);
		checkLimits(p, 600_000);
		await transcode(tools, input, path.join(dir, "out.mp4"), p, signal);
		const out = await probe(tools, path.join(dir, "out.mp4"));
		await posterFrame(tools, path.join(dir, "out.mp4"), path.join(dir, "poster.png"), out.durationMs, signal);
		const ms = performance.now() - t0;
		return {
			ms: [ms, p.durationMs],
			maxRssMiB: process.resourceUsage().maxRSS / 1024,
			baselineRssMiB,
			inputMiB: (await fs.promises.stat(input)).size / MiB,
			detail: `${p.width}×${p.height} → ${out.width}×${out.height}, ${(out.durationMs / 1000).toFixed(1)} s, output ${((await fs.promises.stat(path.join(dir, "out.mp4"))).size / MiB).toFixed(1)} MiB`
		};
	} finally {
		await fs.promises.rm(dir, { recursive: true, force: true });
	}
}

function inChild(ctx: BenchContext, task: ChildTask): Promise<ChildAnswer> {
	return new Promise((resolve, reject) => {
		const proc = fork(__filename, [CHILD_FLAG, JSON.stringify(task)], { execArgv: ["--require", "tsx/cjs"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
		const unregister = ctx.onAbort(async () => void proc.kill("SIGKILL"));
		proc.once("message", answer => resolve(answer as ChildAnswer));
		proc.once("exit", code => {
			unregister();
			if (code !== 0) reject(new Error(`the ${task.task} measurement exited with ${code}`));
		});
	});
}

if (process.argv[2] === CHILD_FLAG) {
	runChild(JSON.parse(process.argv[3]) as ChildTask).then(
		answer => process.send?.(answer, () => process.exit(0)),
		err => {
			process.stderr.write(`${(err as Error).stack}\n`);
			process.exit(1);
		}
	);
}

const scenario: Scenario = {
	name: "files-media",
	title: "media pipeline: 12 MP JPEG through the image pipeline, 1080p video transcoding",
	goal: "report time and peak memory for a 12-megapixel JPEG, images per minute, and seconds of transcoding per second of 1080p input",
	async run(ctx): Promise<ScenarioResult> {
		const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "nexgate-bench-image-"));
		const input = path.join(dir, "photo.jpg");
		let once: ChildAnswer, serial: ChildAnswer, parallel: ChildAnswer, busyBeforeImages: number;
		try {
			await inChild(ctx, { task: "make-jpeg", output: input });
			busyBeforeImages = await awaitQuietMachine(ctx.log);
			ctx.log("image: one 12 MP JPEG in a fresh process");
			once = await inChild(ctx, { task: "image-once", input });
			ctx.log("image: throughput, one and two at a time");
			serial = await inChild(ctx, { task: "image-rate", input, rounds: IMAGE_ROUNDS, parallel: 1 });
			parallel = await inChild(ctx, { task: "image-rate", input, rounds: IMAGE_ROUNDS, parallel: 2 });
		} finally {
			await fs.promises.rm(dir, { recursive: true, force: true });
		}
		ctx.log(`video: ${VIDEO_SECONDS} s of 1080p30`);
		const busyBeforeVideo = await awaitQuietMachine(ctx.log);
		const video = await inChild(ctx, { task: "video", seconds: VIDEO_SECONDS });

		const perMinute = (a: ChildAnswer) => (IMAGE_ROUNDS / (a.ms[0] / 1000)) * 60;
		const [videoMs, inputMs] = video.ms;
		const ratio = videoMs / inputMs;
		const rows: Row[] = [
			{
				measurement: "12 MP JPEG, fresh process",
				"time (ms)": once.ms[0].toFixed(0),
				"peak RSS (MiB)": once.maxRssMiB.toFixed(0),
				"RSS before (MiB)": once.baselineRssMiB.toFixed(0),
				rate: "—",
				detail: `input ${once.inputMiB.toFixed(1)} MiB; ${once.detail}`
			},
			{
				measurement: "12 MP JPEGs, one at a time",
				"time (ms)": `p50 ${median(serial.ms.slice(1)).toFixed(0)}`,
				"peak RSS (MiB)": serial.maxRssMiB.toFixed(0),
				"RSS before (MiB)": serial.baselineRssMiB.toFixed(0),
				rate: `${perMinute(serial).toFixed(0)} images/min`,
				detail: `${IMAGE_ROUNDS} images after one warm-up`
			},
			{
				measurement: "12 MP JPEGs, two at a time",
				"time (ms)": `p50 ${median(parallel.ms.slice(1)).toFixed(0)}`,
				"peak RSS (MiB)": parallel.maxRssMiB.toFixed(0),
				"RSS before (MiB)": parallel.baselineRssMiB.toFixed(0),
				rate: `${perMinute(parallel).toFixed(0)} images/min`,
				detail: `${IMAGE_ROUNDS} images after one warm-up`
			},
			{
				measurement: `${VIDEO_SECONDS} s of 1080p30 → 720p MP4 + poster`,
				"time (ms)": videoMs.toFixed(0),
				"peak RSS (MiB)": `${video.maxRssMiB.toFixed(0)} (Node only)`,
				"RSS before (MiB)": video.baselineRssMiB.toFixed(0),
				rate: `${ratio.toFixed(2)} s per s of input`,
				detail: `input ${video.inputMiB.toFixed(1)} MiB; ${video.detail}`
			}
		];
		return {
			method: [
				"- The pipeline modules themselves (`services/files/media/image.ts`, `media/video.ts`), each measurement in a fresh child process; " +
					"peak RSS is that process's `maxRSS` (`process.resourceUsage()`): Node, sharp/libvips and the input bytes (made by another process).",
				"- Image input: a 4000×3000 JPEG (q90, blurred Gaussian noise so it compresses like a photo, EXIF orientation 6 and GPS). " +
					"The pipeline reads the header, decodes once upright into raw sRGB, writes the cleaned JPEG, thumb/medium/large WebP and a BlurHash.",
				`- Images per minute: ${IMAGE_ROUNDS} images after one warm-up, one at a time and two at a time (this machine has ${os.cpus().length} cores; libvips uses a thread pool either way).`,
				`- Video input: ${VIDEO_SECONDS} s of 1920×1080 at 30 fps, about 20 Mb/s like a phone's (testsrc2 with temporal grain, AAC tone), made by the packaged ffmpeg. ` +
					"Timed: ffprobe, transcode (libx264 veryfast CRF 23 to 1280×720, AAC, faststart), ffprobe of the result, poster frame. " +
					"ffmpeg runs as a child of the measuring process, so the RSS figure is Node's side only."
			],
			columns: ["measurement", "time (ms)", "peak RSS (MiB)", "RSS before (MiB)", "rate", "detail"],
			rows,
			verdicts: [
				{ label: "12 MP JPEG through the image pipeline (s)", value: once.ms[0] / 1000 },
				{ label: "images per minute (two at a time)", value: perMinute(parallel) },
				{ label: "seconds of transcoding per second of 1080p input", value: ratio }
			],
			notes: [
				"- One image uses the whole machine for about the time shown; the upload request waits for it (docs/files.md), so a gateway pod's image throughput is the \"two at a time\" rate.",
				"- Video: with `FILES_VIDEO_CONCURRENCY=1`, a files node keeps up with uploads as long as they bring less than 1 / (the ratio above) seconds of 1080p video per second.",
				"- Peak RSS of a process that handled several images is higher than for one (memory the allocator keeps for libvips' threads after the first images); " +
					"size gateway pods from the repeated rows, not from the fresh-process one.",
				`- Other work on this machine just before measuring: ${busyBeforeImages.toFixed(0)} % of a core (images), ${busyBeforeVideo.toFixed(0)} % (video). ` +
					"The bench waits up to 60 s for a quiet machine, then measures anyway; with other work running, times are upper bounds."
			]
		};
	}
};

export default scenario;
