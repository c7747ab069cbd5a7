/**
 * What a file really is, from its first bytes (magic numbers), never from the
 * client's filename or Content-Type. Markup (SVG, HTML, XML) is recognised so
 * that it can be refused by name: served from our storage it would run script
 * in a browser.
 */
import type { FileKind } from "./limits";

export interface Sniffed {
	mime: string;
	kind: FileKind;
}

export type SniffResult = { ok: true; type: Sniffed } | { ok: false; reason: "script_carrier" | "unknown" };

/** Bytes the sniffer needs: enough for every signature below and a look at leading markup. */
export const SNIFF_BYTES = 4096;

const ascii = (b: Buffer, start: number, end: number) => b.subarray(start, end).toString("latin1");
const startsWith = (b: Buffer, bytes: number[]) => bytes.every((v, i) => b[i] === v);

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const EBML = [0x1a, 0x45, 0xdf, 0xa3];

/** ISO base media (MP4, MOV, 3GP, M4A, AVIF): the `ftyp` box names the brands. */
function isoBrand(b: Buffer): Sniffed | null {
	if (b.length < 12 || ascii(b, 4, 8) !== "ftyp") return null;
	const size = Math.min(b.readUInt32BE(0), b.length);
	const major = ascii(b, 8, 12);
	const compatible: string[] = [];
	for (let at = 16; at + 4 <= size; at += 4) compatible.push(ascii(b, at, at + 4));
	const brands = [major, ...compatible];
	// HEIF stills (HEIC, AVIF) are not accepted: the image pipeline ships no HEVC decoder, and an AVIF
	// original could only be kept by re-encoding it as AVIF, far too slow for an upload request.
	if (["avif", "avis", "heic", "heix", "mif1", "msf1", "hevc", "heim", "heis"].some(b => brands.includes(b))) return null;
	if (major === "M4A " || major === "M4B ") return { mime: "audio/mp4", kind: "audio" };
	if (major === "qt  ") return { mime: "video/quicktime", kind: "video" };
	if (major.startsWith("3g")) return { mime: "video/3gpp", kind: "video" };
	return { mime: "video/mp4", kind: "video" };
}

/** MPEG audio: an ID3 tag, or a frame sync whose layer bits are set (ADTS AAC has layer 00). */
function mpegAudio(b: Buffer): Sniffed | null {
	if (ascii(b, 0, 3) === "ID3") return { mime: "audio/mpeg", kind: "audio" };
	if (b.length >= 2 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0) {
		const layer = (b[1] >> 1) & 0x03;
		const version = (b[1] >> 3) & 0x03;
		if (layer === 0 && (b[1] & 0xf6) === 0xf0) return { mime: "audio/aac", kind: "audio" };
		if (layer !== 0 && version !== 1) return { mime: "audio/mpeg", kind: "audio" };
	}
	return null;
}

/** Text that opens like markup, after a BOM and whitespace: SVG, HTML, XML and their kin. */
export function looksLikeMarkup(b: Buffer): boolean {
	let text = b.subarray(0, 1024).toString("utf8");
	if (b[0] === 0xff && b[1] === 0xfe) text = b.subarray(2, 1024).toString("utf16le");
	else if (b[0] === 0xfe && b[1] === 0xff) text = Buffer.from(b.subarray(2, 1024)).swap16().toString("utf16le");
	text = text.replace(/^\uFEFF/, "").trimStart().toLowerCase();
	if (text.startsWith("<")) return true;
	// Markup further in (after a comment or some prose) is still a document a browser would render.
	return /<(svg|html|script|!doctype html|\?xml|iframe|body)\b/.test(text);
}

export function sniff(head: Buffer): SniffResult {
	const b = head;
	const found = (mime: string, kind: FileKind): SniffResult => ({ ok: true, type: { mime, kind } });
	if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return found("image/jpeg", "image");
	if (startsWith(b, PNG)) return found("image/png", "image");
	if (ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a") return found("image/gif", "image");
	if (ascii(b, 0, 4) === "RIFF" && b.length >= 12) {
		const form = ascii(b, 8, 12);
		if (form === "WEBP") return found("image/webp", "image");
		if (form === "WAVE") return found("audio/wav", "audio");
		if (form === "AVI ") return found("video/x-msvideo", "video");
	}
	const iso = isoBrand(b);
	if (iso) return { ok: true, type: iso };
	if (startsWith(b, EBML)) return ascii(b, 0, 64).includes("webm") ? found("video/webm", "video") : found("video/x-matroska", "video");
	if (ascii(b, 0, 5) === "%PDF-") return found("application/pdf", "document");
	if (ascii(b, 0, 4) === "OggS") return found("audio/ogg", "audio");
	if (ascii(b, 0, 4) === "fLaC") return found("audio/flac", "audio");
	const audio = mpegAudio(b);
	if (audio) return { ok: true, type: audio };
	if (looksLikeMarkup(b)) return { ok: false, reason: "script_carrier" };
	return { ok: false, reason: "unknown" };
}
