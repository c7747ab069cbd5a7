/**
 * The image pipeline (sharp): refuses what is not a decodable image of the
 * sniffed format or is larger than the pixel limit (read from the header,
 * before any decoding, so a decompression bomb costs nothing), then decodes
 * once, turned upright by its EXIF orientation, into raw sRGB pixels, and
 * makes everything from those pixels. Nothing from the input's metadata (EXIF,
 * GPS, XMP, comments) can survive into the outputs.
 */
import sharp, { type Metadata, type Sharp } from "sharp";
import { encode } from "blurhash";
import { blurhashComponents, fitInside, IMAGE_VARIANTS, type ImageVariant } from "../rules/dimensions";
import { MediaRejected } from "../rules/video-jobs";

export interface EncodedImage {
	buffer: Buffer;
	mime: string;
	width: number;
	height: number;
}

export interface ImageResult {
	original: EncodedImage;
	variants: Record<ImageVariant, EncodedImage>;
	width: number;
	height: number;
	blurhash: string;
}

// Every upload is a different image: libvips' operation cache would only hold memory.
sharp.cache(false);

/** sharp's format names for the MIME types the sniffer accepts as images. */
const FORMATS: Record<string, string> = { "image/jpeg": "jpeg", "image/png": "png", "image/webp": "webp", "image/gif": "gif" };

type Raw = { data: Buffer; width: number; height: number; channels: 1 | 2 | 3 | 4 };

const fromRaw = (raw: Raw) => sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: raw.channels } });

async function encoded(pipeline: Sharp, mime: string): Promise<EncodedImage> {
	const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
	return { buffer: data, mime, width: info.width, height: info.height };
}

/** The cleaned original, in the format it came in (GIF keeps its first frame only). */
function reencode(raw: Raw, mime: string): Promise<EncodedImage> {
	const img = fromRaw(raw);
	if (mime === "image/jpeg") return encoded(img.jpeg({ quality: 90 }), mime);
	if (mime === "image/png") return encoded(img.png({ compressionLevel: 6 }), mime);
	if (mime === "image/gif") return encoded(img.gif(), mime);
	return encoded(img.webp({ quality: 90 }), "image/webp");
}

export async function blurhashOf(raw: Raw): Promise<string> {
	const small = await fromRaw(raw).resize(32, 32, { fit: "inside" }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
	const { x, y } = blurhashComponents(small.info.width, small.info.height);
	return encode(new Uint8ClampedArray(small.data), small.info.width, small.info.height, x, y);
}

export async function decodeRaw(input: Buffer, maxPixels: number): Promise<Raw> {
	const { data, info } = await sharp(input, { limitInputPixels: maxPixels, failOn: "error" })
		.rotate()
		.toColourspace("srgb")
		.raw()
		.toBuffer({ resolveWithObject: true });
	return { data, width: info.width, height: info.height, channels: info.channels };
}

export async function processImage(input: Buffer, mime: string, maxPixels: number): Promise<ImageResult> {
	let meta: Metadata;
	try {
		meta = await sharp(input, { limitInputPixels: false }).metadata();
	} catch {
		throw new MediaRejected("corrupt_image", "The image cannot be read");
	}
	if (meta.format !== FORMATS[mime]) throw new MediaRejected("corrupt_image", "The image cannot be read");
	if (!meta.width || !meta.height) throw new MediaRejected("corrupt_image", "The image has no dimensions");
	if (meta.width * meta.height > maxPixels) throw new MediaRejected("image_too_large", `The image has more than ${maxPixels} pixels`);

	let raw: Raw;
	try {
		raw = await decodeRaw(input, maxPixels);
	} catch {
		throw new MediaRejected("corrupt_image", "The image is damaged or truncated");
	}
	// Encodes run side by side on libvips' threads; WebP effort 2 is about twice as fast as the default
	// for a few percent more bytes (measured in docs/benchmarks.md, files-media).
	const names = Object.keys(IMAGE_VARIANTS) as ImageVariant[];
	const [original, blurhash, ...encodedVariants] = await Promise.all([
		reencode(raw, mime),
		blurhashOf(raw),
		...names.map(name => {
			const size = fitInside(raw.width, raw.height, IMAGE_VARIANTS[name]);
			return encoded(fromRaw(raw).resize(size.width, size.height).webp({ quality: 80, effort: 2 }), "image/webp");
		})
	]);
	const variants = Object.fromEntries(names.map((name, i) => [name, encodedVariants[i]])) as Record<ImageVariant, EncodedImage>;
	return { original, variants, width: raw.width, height: raw.height, blurhash };
}

/** A video poster: any still frame (PNG from ffmpeg) → WebP + BlurHash. */
export async function processPoster(png: Buffer): Promise<{ image: EncodedImage; blurhash: string }> {
	const raw = await decodeRaw(png, 100_000_000);
	return { image: await encoded(fromRaw(raw).webp({ quality: 80, effort: 2 }), "image/webp"), blurhash: await blurhashOf(raw) };
}
