/**
 * Helpers for the files tests: multipart uploads as a client sends them,
 * test media made on the spot (sharp for images, the packaged ffmpeg for
 * video), direct reads of the files schema and of object storage.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { expect } from "chai";
import sharp from "sharp";
import type { Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { coreQuery } from "../../support/db";
import { waitFor } from "../../support/wait";
import { http, type HttpResult } from "../api/http";
import { ObjectStore } from "../../../services/files/store/object-store";

export const BASE = "/api/v1/files";
const FFMPEG = (require("@ffmpeg-installer/ffmpeg") as { path: string }).path;
const run = promisify(execFile);

/** POST /files as multipart/form-data: `purpose` first, then the file part. */
export async function upload(
	stack: Stack,
	user: TestUser | null,
	bytes: Buffer,
	opts: { purpose?: string | null; filename?: string; type?: string } = {}
): Promise<HttpResult> {
	const form = new FormData();
	if (opts.purpose !== null) form.append("purpose", opts.purpose ?? "post");
	form.append("file", new Blob([bytes], { type: opts.type ?? "application/octet-stream" }), opts.filename ?? "upload.bin");
	const headers: Record<string, string> = user ? { authorization: `Bearer ${user.accessToken}` } : {};
	const res = await fetch(`${stack.apiUrl}${BASE}`, { method: "POST", body: form, headers });
	const text = await res.text();
	const json = (res.headers.get("content-type") ?? "").includes("application/json") && text ? JSON.parse(text) : undefined;
	expect(res.headers.get("x-request-id"), "X-Request-Id").to.be.a("string");
	if (res.status >= 400) {
		expect(text).to.not.match(/stack/i);
		expect(json).to.include.keys("name", "message", "code", "type");
		expect(json.code).to.equal(res.status);
	}
	return { status: res.status, headers: res.headers, text, json };
}

export const call = (stack: Stack, path: string, user: TestUser | null, opts: { method?: string; body?: unknown } = {}) =>
	http(stack.apiUrl, `${BASE}${path}`, { ...opts, token: user?.accessToken });

export async function download(url: string): Promise<{ status: number; bytes: Buffer; type: string | null }> {
	const res = await fetch(url);
	return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get("content-type") };
}

/** A photo as a phone takes it: EXIF with GPS and camera, stored sideways (orientation 6 = rotate 90° to view). */
export function jpegWithGps(width = 1200, height = 800): Promise<Buffer> {
	return sharp({ create: { width, height, channels: 3, background: { r: 180, g: 60, b: 40 } } })
		.composite([{ input: { create: { width: Math.round(width / 3), height: Math.round(height / 3), channels: 3, background: { r: 20, g: 120, b: 220 } } }, left: 0, top: 0 }])
		.withMetadata({ orientation: 6 })
		.withExif({ IFD0: { Make: "NexgateTestCam", Model: "X1" }, IFD3: { GPSLatitudeRef: "S", GPSLatitude: "6/1 48/1 0/1", GPSLongitudeRef: "E", GPSLongitude: "39/1 17/1 0/1" } })
		.jpeg({ quality: 85 })
		.toBuffer();
}

/** True when an EXIF block carries the GPS IFD pointer (tag 0x8825, either byte order). */
export function hasGpsPointer(exif: Buffer | undefined): boolean {
	if (!exif) return false;
	return exif.includes(Buffer.from([0x25, 0x88])) || exif.includes(Buffer.from([0x88, 0x25]));
}

export function png(width = 300, height = 200): Promise<Buffer> {
	return sharp({ create: { width, height, channels: 4, background: { r: 10, g: 200, b: 90, alpha: 1 } } }).png().toBuffer();
}

/** A JPEG cut in the middle of its entropy-coded data, with garbage after. */
export async function corruptJpeg(): Promise<Buffer> {
	const good = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 1, g: 2, b: 3 } } })
		.composite([{ input: Buffer.from('<svg width="640" height="480"><circle cx="320" cy="240" r="200" fill="orange"/></svg>'), left: 0, top: 0 }])
		.jpeg()
		.toBuffer();
	return Buffer.concat([good.subarray(0, Math.floor(good.length / 2)), Buffer.alloc(200, 0x5a)]);
}

/** A tiny PNG whose header declares 60000×60000 pixels: a decompression bomb by declaration. */
export async function pngBomb(): Promise<Buffer> {
	const bytes = Buffer.from(await png(8, 8));
	// IHDR data starts at 16 (8 signature + 4 length + 4 type); its CRC covers type + data (17 bytes).
	bytes.writeUInt32BE(60_000, 16);
	bytes.writeUInt32BE(60_000, 20);
	bytes.writeUInt32BE(zlib.crc32(bytes.subarray(12, 29)), 29);
	return bytes;
}

/** A test pattern with a tone, made by the packaged ffmpeg. */
export async function makeVideo(opts: { width: number; height: number; seconds: number; fps?: number }): Promise<Buffer> {
	const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "nexgate-test-video-"));
	const out = path.join(dir, "clip.mp4");
	try {
		const fps = opts.fps ?? 25;
		await run(FFMPEG, [
			"-y", "-loglevel", "error",
			"-f", "lavfi", "-i", `testsrc=size=${opts.width}x${opts.height}:rate=${fps}:duration=${opts.seconds}`,
			"-f", "lavfi", "-i", `sine=frequency=440:duration=${opts.seconds}`,
			"-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
			"-metadata", "location=+06.8000+039.2833/", "-metadata", "title=secret-title",
			out
		]);
		return await fs.promises.readFile(out);
	} finally {
		await fs.promises.rm(dir, { recursive: true, force: true });
	}
}

/** Presigned PUT of the bytes, as a client does it, then POST /files/:id/complete. */
export async function directUpload(stack: Stack, user: TestUser, bytes: Buffer, purpose: string, mime: string): Promise<{ fileId: string; complete: HttpResult }> {
	const start = await call(stack, "/uploads", user, { method: "POST", body: { filename: "clip.mp4", mime, size: bytes.length, purpose } });
	expect(start.status, start.text).to.equal(201);
	const put = await fetch(start.json.uploadUrl, { method: "PUT", body: bytes });
	expect(put.status).to.equal(200);
	const complete = await call(stack, `/${start.json.fileId}/complete`, user, { method: "POST" });
	return { fileId: start.json.fileId, complete };
}

export function fileRow(id: string) {
	return coreQuery<{ status: string; ref: string | null; purged_at: Date | null; size: string }>(`SELECT status, ref, purged_at, size FROM files.files WHERE id = $1`, [id]).then(r => r[0]);
}

export function jobRow(id: string) {
	return coreQuery<{ status: string; attempts: number; locked_by: string | null }>(`SELECT status, attempts, locked_by FROM files.video_jobs WHERE file_id = $1`, [id]).then(r => r[0]);
}

export function outboxOf(id: string) {
	return coreQuery<{ type: string; envelope: { data: Record<string, unknown> } }>(
		`SELECT type, envelope FROM files.outbox WHERE envelope->'data'->>'fileId' = $1 ORDER BY created_at`,
		[id]
	);
}

/** Polls GET /files/:id until it leaves `processing`. */
export async function settled(stack: Stack, user: TestUser, id: string, timeoutMs = 60_000): Promise<HttpResult> {
	return waitFor(
		async () => {
			const res = await call(stack, `/${id}`, user);
			return res.json?.status !== "processing" ? res : null;
		},
		`file ${id} to finish processing`,
		timeoutMs,
		200
	);
}

/** The run's object store, read directly (the same S3 endpoint every node uses). */
export function storeOf(stack: Stack): ObjectStore {
	if (!stack.config.s3) throw new Error("the test stack has no object store");
	return new ObjectStore(stack.config.s3, null);
}

/** Every object key under f/<id>/ plus the raw upload u/<id> if it exists. */
export async function objectsOf(stack: Stack, id: string): Promise<string[]> {
	const store = storeOf(stack);
	const keys = await store.list(`f/${id}/`);
	if ((await store.size(`u/${id}`)) !== null) keys.push(`u/${id}`);
	return keys.sort();
}
