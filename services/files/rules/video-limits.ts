/**
 * What a probed video may be (docs/files.md "Limits"): anything longer or
 * larger fails at once with the reason, before any transcoding.
 */
import { MediaRejected } from "./video-jobs";

/** Largest side accepted as input (4K portrait and landscape fit). */
export const MAX_INPUT_SIDE = 4096;

export interface ProbedSize {
	durationMs: number;
	width: number;
	height: number;
}

/** The refusal for this input, or null when it may be transcoded. */
export function videoRefusal(p: ProbedSize, maxDurationMs: number): MediaRejected | null {
	if (p.durationMs > maxDurationMs) return new MediaRejected("video_too_long", `The video is longer than ${Math.round(maxDurationMs / 1000)} s`);
	if (Math.max(p.width, p.height) > MAX_INPUT_SIDE) return new MediaRejected("video_too_large", `The video is larger than ${MAX_INPUT_SIDE} px`);
	return null;
}
