/**
 * The video pipeline (fluent-ffmpeg over the packaged or configured ffmpeg):
 * probe the input (refusing what is not a video, too long or too large),
 * transcode to H.264/AAC MP4 at most 720p with faststart and no metadata,
 * and take a poster frame from the result.
 */
import ffmpeg from "fluent-ffmpeg";
import { posterAtSeconds, videoTarget } from "../rules/dimensions";
import { MediaRejected } from "../rules/video-jobs";
import { videoRefusal } from "../rules/video-limits";

export interface VideoTools {
	ffmpegPath: string;
	ffprobePath: string;
}

export interface Probe {
	durationMs: number;
	width: number;
	height: number;
	hasAudio: boolean;
}

function ffprobe(tools: VideoTools, file: string): Promise<ffmpeg.FfprobeData> {
	return new Promise((resolve, reject) => {
		ffmpeg(file)
			.setFfprobePath(tools.ffprobePath)
			.ffprobe((err: Error | null, data: ffmpeg.FfprobeData) => (err ? reject(err) : resolve(data)));
	});
}

/** Width and height as displayed: a rotation of ±90° swaps them. */
function displayed(stream: ffmpeg.FfprobeStream): { width: number; height: number } {
	const w = stream.width ?? 0;
	const h = stream.height ?? 0;
	const tagged = Number((stream.tags as Record<string, string> | undefined)?.rotate ?? 0);
	const side = (stream as { side_data_list?: Array<{ rotation?: number }> }).side_data_list?.find(d => d.rotation !== undefined)?.rotation ?? 0;
	const rotation = Math.abs((tagged || Number(side)) % 180);
	return rotation === 90 ? { width: h, height: w } : { width: w, height: h };
}

export async function probe(tools: VideoTools, file: string): Promise<Probe> {
	let data: ffmpeg.FfprobeData;
	try {
		data = await ffprobe(tools, file);
	} catch {
		throw new MediaRejected("corrupt_video", "The video cannot be read");
	}
	const video = data.streams.find(s => s.codec_type === "video" && s.disposition?.attached_pic !== 1);
	if (!video) throw new MediaRejected("no_video_stream", "The file holds no video");
	const { width, height } = displayed(video);
	const seconds = Number(data.format.duration ?? video.duration);
	if (!width || !height || !Number.isFinite(seconds) || seconds <= 0) throw new MediaRejected("corrupt_video", "The video has no size or duration");
	return { durationMs: Math.round(seconds * 1000), width, height, hasAudio: data.streams.some(s => s.codec_type === "audio") };
}

/** Checks the probe against the limits; throws the reason the file fails with. */
export function checkLimits(p: Probe, maxDurationMs: number): void {
	const refusal = videoRefusal(p, maxDurationMs);
	if (refusal) throw refusal;
}

/** Runs one ffmpeg command; the signal kills it (node stopping, lease lost, timeout). */
function run(command: ffmpeg.FfmpegCommand, output: string, signal: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal.aborted) return reject(new Error("aborted"));
		const onAbort = () => command.kill("SIGKILL");
		signal.addEventListener("abort", onAbort, { once: true });
		command
			.on("end", () => {
				signal.removeEventListener("abort", onAbort);
				resolve();
			})
			.on("error", (err: Error) => {
				signal.removeEventListener("abort", onAbort);
				reject(signal.aborted ? new Error("aborted") : err);
			})
			.save(output);
	});
}

export function transcode(tools: VideoTools, input: string, output: string, p: Probe, signal: AbortSignal): Promise<void> {
	const { width, height } = videoTarget(p.width, p.height);
	const command = ffmpeg(input)
		.setFfmpegPath(tools.ffmpegPath)
		.outputOptions([
			"-map", "0:v:0",
			...(p.hasAudio ? ["-map", "0:a:0", "-c:a", "aac", "-b:a", "128k", "-ac", "2"] : ["-an"]),
			"-c:v", "libx264",
			"-preset", "veryfast",
			"-crf", "23",
			"-pix_fmt", "yuv420p",
			"-vf", `scale=${width}:${height}`,
			// Location, device and creation time travel in container metadata: none of it is kept.
			"-map_metadata", "-1",
			"-movflags", "+faststart",
			"-f", "mp4"
		]);
	return run(command, output, signal);
}

export function posterFrame(tools: VideoTools, video: string, output: string, durationMs: number, signal: AbortSignal): Promise<void> {
	const command = ffmpeg(video)
		.setFfmpegPath(tools.ffmpegPath)
		.seekInput(posterAtSeconds(durationMs))
		.outputOptions(["-frames:v", "1", "-f", "image2", "-c:v", "png"]);
	return run(command, output, signal);
}
