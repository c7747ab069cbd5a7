/** The files domain's pure rules: type sniffing, limits, sizes, access, job retries, URL timing. */
import { expect } from "chai";
import { readDecision, refDomain } from "../../../services/files/rules/access";
import { blurhashComponents, fitInside, posterAtSeconds, videoTarget } from "../../../services/files/rules/dimensions";
import { isPrivate, kindOfMime, purposeAccepts } from "../../../services/files/rules/limits";
import { looksLikeMarkup, sniff } from "../../../services/files/rules/sniff";
import { extensionOf, filePrefix, objectKey, uploadKey } from "../../../services/files/rules/storage-keys";
import { MAX_PRESIGN_SECONDS, publicSigningDate, safeFilename } from "../../../services/files/rules/url-signing";
import { afterFailure, heartbeatMs, MediaRejected } from "../../../services/files/rules/video-jobs";
import { videoRefusal } from "../../../services/files/rules/video-limits";

const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map(p => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p))));
const ftyp = (major: string, ...compatible: string[]) => {
	const body = bytes("ftyp", major, [0, 0, 2, 0], ...compatible);
	const size = Buffer.alloc(4);
	size.writeUInt32BE(body.length + 4);
	return Buffer.concat([size, body, Buffer.alloc(16)]);
};

describe("files rules", () => {
	describe("sniff", () => {
		const cases: Array<[string, Buffer, string, string]> = [
			["JPEG", bytes([0xff, 0xd8, 0xff, 0xe0]), "image/jpeg", "image"],
			["PNG", bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), "image/png", "image"],
			["GIF", bytes("GIF89a"), "image/gif", "image"],
			["WebP", bytes("RIFF", [0, 0, 0, 0], "WEBPVP8 "), "image/webp", "image"],
			["WAV", bytes("RIFF", [0, 0, 0, 0], "WAVEfmt "), "audio/wav", "audio"],
			["MP4", ftyp("isom", "isom", "avc1"), "video/mp4", "video"],
			["QuickTime", ftyp("qt  "), "video/quicktime", "video"],
			["3GP", ftyp("3gp5"), "video/3gpp", "video"],
			["M4A", ftyp("M4A ", "isom"), "audio/mp4", "audio"],
			["WebM", bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01], "B\x82\x84webm"), "video/webm", "video"],
			["Matroska", bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f], "B\x82\x88matroska"), "video/x-matroska", "video"],
			["PDF", bytes("%PDF-1.7\n"), "application/pdf", "document"],
			["MP3 (ID3)", bytes("ID3", [4, 0, 0]), "audio/mpeg", "audio"],
			["MP3 (frame)", bytes([0xff, 0xfb, 0x90, 0x00]), "audio/mpeg", "audio"],
			["AAC (ADTS)", bytes([0xff, 0xf1, 0x50, 0x80]), "audio/aac", "audio"],
			["Ogg", bytes("OggS", [0]), "audio/ogg", "audio"],
			["FLAC", bytes("fLaC"), "audio/flac", "audio"]
		];
		for (const [name, head, mime, kind] of cases)
			it(`recognises ${name}`, () => expect(sniff(head)).to.deep.equal({ ok: true, type: { mime, kind } }));

		it("refuses HEIC and AVIF stills (no decoder shipped)", () => {
			expect(sniff(ftyp("heic", "mif1", "heic"))).to.deep.equal({ ok: false, reason: "unknown" });
			expect(sniff(ftyp("avif", "mif1", "avif"))).to.deep.equal({ ok: false, reason: "unknown" });
		});

		it("names markup as a script carrier: SVG, HTML, XML, with BOMs, whitespace or a comment first", () => {
			for (const text of ['<svg xmlns="http://www.w3.org/2000/svg"/>', "\uFEFF  <?xml version='1.0'?><svg/>", "<!DOCTYPE html><p>", "\n\t<HTML>", "hello <script>alert(1)</script>"])
				expect(sniff(Buffer.from(text, "utf8")), text).to.deep.equal({ ok: false, reason: "script_carrier" });
			expect(looksLikeMarkup(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("<svg>", "utf16le")]))).to.equal(true);
		});

		it("calls anything else unknown, whatever it claims", () => {
			expect(sniff(Buffer.from("just some text, not a PNG"))).to.deep.equal({ ok: false, reason: "unknown" });
			expect(sniff(Buffer.alloc(0))).to.deep.equal({ ok: false, reason: "unknown" });
			expect(sniff(bytes([0x89, 0x50, 0x4e, 0x47]))).to.deep.equal({ ok: false, reason: "unknown" });
		});
	});

	describe("limits", () => {
		it("lets each purpose hold only its kinds", () => {
			expect(purposeAccepts("avatar", "image")).to.equal(true);
			expect(purposeAccepts("avatar", "video")).to.equal(false);
			expect(purposeAccepts("verification", "document")).to.equal(true);
			expect(purposeAccepts("verification", "video")).to.equal(false);
			expect(purposeAccepts("message", "audio")).to.equal(true);
			expect(purposeAccepts("post", "document")).to.equal(false);
		});

		it("keeps message and verification files private", () => {
			expect(["message", "verification"].every(isPrivate)).to.equal(true);
			expect(["avatar", "product", "shop", "post", "event"].some(isPrivate)).to.equal(false);
		});

		it("reads a declared MIME type as a kind, never SVG as an image", () => {
			expect(kindOfMime("image/JPEG")).to.equal("image");
			expect(kindOfMime("video/mp4; codecs=avc1")).to.equal("video");
			expect(kindOfMime("application/pdf")).to.equal("document");
			expect(kindOfMime("audio/mpeg")).to.equal("audio");
			expect(kindOfMime("image/svg+xml")).to.equal(null);
			expect(kindOfMime("text/html")).to.equal(null);
		});
	});

	describe("dimensions", () => {
		it("fits inside a box without upscaling", () => {
			expect(fitInside(4000, 3000, 1024)).to.deep.equal({ width: 1024, height: 768 });
			expect(fitInside(800, 1200, 2048)).to.deep.equal({ width: 800, height: 1200 });
			expect(fitInside(3000, 10, 256)).to.deep.equal({ width: 256, height: 1 });
		});

		it("targets at most 720p, portrait or landscape, with even sides, never upscaled", () => {
			expect(videoTarget(1920, 1080)).to.deep.equal({ width: 1280, height: 720 });
			expect(videoTarget(1080, 1920)).to.deep.equal({ width: 720, height: 1280 });
			expect(videoTarget(640, 360)).to.deep.equal({ width: 640, height: 360 });
			expect(videoTarget(3840, 1600)).to.deep.equal({ width: 1280, height: 532 });
			expect(videoTarget(321, 241)).to.deep.equal({ width: 320, height: 240 });
		});

		it("picks BlurHash components by aspect ratio and the poster time by duration", () => {
			expect(blurhashComponents(100, 100)).to.deep.equal({ x: 3, y: 3 });
			expect(blurhashComponents(1600, 900)).to.deep.equal({ x: 5, y: 3 });
			expect(blurhashComponents(900, 1600)).to.deep.equal({ x: 3, y: 5 });
			expect(posterAtSeconds(10_000)).to.equal(1);
			expect(posterAtSeconds(1000)).to.equal(0.5);
		});
	});

	describe("access", () => {
		const owner = "0190a5a0-0000-7000-8000-000000000001";
		const other = "0190a5a0-0000-7000-8000-000000000002";
		it("lets anyone read public purposes and the owner read everything", () => {
			expect(readDecision({ ownerId: owner, purpose: "post", ref: null }, null)).to.deep.equal({ kind: "allow" });
			expect(readDecision({ ownerId: owner, purpose: "message", ref: null }, owner)).to.deep.equal({ kind: "allow" });
		});

		it("keeps an unattached private file to its owner and asks the holding domain otherwise", () => {
			expect(readDecision({ ownerId: owner, purpose: "message", ref: null }, other)).to.deep.equal({ kind: "deny" });
			expect(readDecision({ ownerId: owner, purpose: "message", ref: "messages:conversation:1" }, null)).to.deep.equal({ kind: "deny" });
			expect(readDecision({ ownerId: owner, purpose: "verification", ref: "commerce:shop:9" }, other)).to.deep.equal({ kind: "ask", domain: "commerce" });
			expect(readDecision({ ownerId: owner, purpose: "message", ref: "no domain here" }, other)).to.deep.equal({ kind: "deny" });
		});

		it("reads the domain from a ref", () => {
			expect(refDomain("users:avatar:1")).to.equal("users");
			expect(refDomain("Users:x")).to.equal(null);
			expect(refDomain("$node:x")).to.equal(null);
		});
	});

	describe("video jobs", () => {
		it("fails at once on a rejected input, retries with backoff otherwise, until attempts run out", () => {
			expect(afterFailure(new MediaRejected("video_too_long", "too long"), 1, 3)).to.deep.equal({ kind: "fail", reason: "video_too_long" });
			expect(afterFailure(new Error("ffmpeg crashed"), 1, 3)).to.deep.equal({ kind: "retry", delayMs: 5000 });
			expect(afterFailure(new Error("ffmpeg crashed"), 2, 3)).to.deep.equal({ kind: "retry", delayMs: 20_000 });
			expect(afterFailure(new Error("ffmpeg crashed"), 3, 3)).to.deep.equal({ kind: "fail", reason: "processing_failed" });
			expect(afterFailure(new Error("x"), 9, 20)).to.deep.equal({ kind: "retry", delayMs: 600_000 });
		});

		it("refuses a video longer than the limit or larger than 4096 px a side", () => {
			expect(videoRefusal({ durationMs: 600_000, width: 3840, height: 2160 }, 600_000)).to.equal(null);
			expect(videoRefusal({ durationMs: 600_001, width: 640, height: 360 }, 600_000)?.reason).to.equal("video_too_long");
			expect(videoRefusal({ durationMs: 1000, width: 2160, height: 4320 }, 600_000)?.reason).to.equal("video_too_large");
		});

		it("renews a lease three times per lease", () => {
			expect(heartbeatMs(60_000)).to.equal(20_000);
			expect(heartbeatMs(300)).to.equal(250);
		});
	});

	describe("keys and URLs", () => {
		it("keeps every object of a file under its prefix", () => {
			expect(objectKey("abc", "thumb.webp").startsWith(filePrefix("abc"))).to.equal(true);
			expect(uploadKey("abc").startsWith(filePrefix("abc"))).to.equal(false);
			expect(extensionOf("image/jpeg")).to.equal("jpg");
			expect(extensionOf("application/x-unknown")).to.equal("bin");
		});

		it("signs public media as of the start of the UTC day, within S3's 7-day limit", () => {
			expect(publicSigningDate(new Date("2026-03-04T17:45:12.345Z")).toISOString()).to.equal("2026-03-04T00:00:00.000Z");
			expect(MAX_PRESIGN_SECONDS).to.equal(604_800);
		});

		it("makes header-safe filenames", () => {
			expect(safeFilename("../../etc/pass\"wd.pdf", "x.pdf")).to.equal("pass_wd.pdf");
			expect(safeFilename("Mkataba wa 2024 ✓.pdf", "x.pdf")).to.equal("Mkataba_wa_2024_.pdf");
			expect(safeFilename("", "f.pdf")).to.equal("f.pdf");
			expect(safeFilename("...", "f.pdf")).to.equal("f.pdf");
		});
	});
});
