/**
 * Output sizes: image variants and the transcoded video, never upscaled
 * (API.md: a small original's `large` is its own size).
 */
export const IMAGE_VARIANTS = { thumb: 256, medium: 1024, large: 2048 } as const;
export type ImageVariant = keyof typeof IMAGE_VARIANTS;

/** Fits (w, h) inside a max × max box, keeping the aspect ratio; never larger than the input. */
export function fitInside(width: number, height: number, max: number): { width: number; height: number } {
	const scale = Math.min(1, max / Math.max(width, height));
	return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * The transcoded video: at most 720p, i.e. inside 1280×720 for landscape and
 * 720×1280 for portrait, never upscaled, both sides even (H.264 4:2:0 needs it; rounded down, so an odd side loses a pixel).
 */
export function videoTarget(width: number, height: number): { width: number; height: number } {
	const [boxW, boxH] = width >= height ? [1280, 720] : [720, 1280];
	const scale = Math.min(1, boxW / width, boxH / height);
	const even = (n: number) => Math.max(2, 2 * Math.floor((n * scale) / 2));
	return { width: even(width), height: even(height) };
}

/** BlurHash components for an aspect ratio: more along the longer side (at most 5, at least 3). */
export function blurhashComponents(width: number, height: number): { x: number; y: number } {
	const ratio = width / height;
	if (ratio >= 1) return { x: Math.min(5, Math.max(3, Math.round(3 * ratio))), y: 3 };
	return { x: 3, y: Math.min(5, Math.max(3, Math.round(3 / ratio))) };
}

/** Where the poster frame is taken: one second in, or the middle of a shorter clip. */
export function posterAtSeconds(durationMs: number): number {
	return durationMs >= 2000 ? 1 : Math.max(0, durationMs / 2000);
}
