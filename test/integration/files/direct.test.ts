/**
 * Presigned direct uploads (POST /files/uploads → PUT to the S3 endpoint →
 * POST /files/:id/complete) and the video pipeline: H.264/AAC MP4 at most
 * 720p with faststart and no metadata, a poster with its BlurHash, the
 * duration, and failure with a reason.
 */
import { expect } from "chai";
import sharp from "sharp";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { call, directUpload, download, fileRow, jobRow, jpegWithGps, makeVideo, objectsOf, outboxOf, settled, upload } from "./support";

const MB = 1024 * 1024;

describe("files: direct uploads and video", function () {
	this.timeout(180_000);
	let stack: Stack;
	let alice: TestUser;
	let bob: TestUser;

	before(async () => {
		stack = await getStack();
		[alice, bob] = await Promise.all([createUser(stack), createUser(stack)]);
	});

	it("turns a short generated video into a ready MP4 (≤720p, faststart, no metadata) with poster, BlurHash and duration", async () => {
		const clip = await makeVideo({ width: 1280, height: 960, seconds: 3 });
		const { fileId, complete } = await directUpload(stack, alice, clip, "post", "video/mp4");
		expect(complete.status, complete.text).to.equal(200);
		expect(complete.json).to.include({ id: fileId, kind: "video", mime: "video/mp4", status: "processing", url: null });

		const done = (await settled(stack, alice, fileId)).json;
		expect(done.status, JSON.stringify(done)).to.equal("ready");
		expect(done).to.include({ kind: "video", mime: "video/mp4", width: 960, height: 720 });
		expect(done.durationMs).to.be.within(2900, 3200);
		expect(done.blurhash).to.be.a("string").with.length.greaterThan(6);
		expect(Object.keys(done.variants).sort()).to.deep.equal(["mp4", "poster"]);
		expect(done.url).to.be.a("string");

		const mp4 = await download(done.variants.mp4);
		expect(mp4.status).to.equal(200);
		expect(mp4.type).to.equal("video/mp4");
		expect(mp4.bytes.subarray(4, 8).toString("latin1")).to.equal("ftyp");
		const moov = mp4.bytes.indexOf("moov");
		const mdat = mp4.bytes.indexOf("mdat");
		expect(moov, "faststart: the index comes before the media").to.be.greaterThan(0).and.lessThan(mdat);
		expect(mp4.bytes.includes(Buffer.from("avc1")), "H.264").to.equal(true);
		expect(mp4.bytes.includes(Buffer.from("mp4a")), "AAC").to.equal(true);
		expect(mp4.bytes.includes(Buffer.from("secret-title")), "metadata stripped").to.equal(false);
		expect(done.size).to.equal(mp4.bytes.length);

		const poster = await download(done.variants.poster);
		const pm = await sharp(poster.bytes).metadata();
		expect(pm.format).to.equal("webp");
		expect([pm.width, pm.height]).to.deep.equal([960, 720]);

		expect((await jobRow(fileId)).status).to.equal("done");
		expect((await outboxOf(fileId)).map(e => e.type)).to.deep.equal(["files.file.ready"]);
		// The raw upload (with its metadata) is gone once the cleaned copy exists.
		expect(await objectsOf(stack, fileId)).to.deep.equal([`f/${fileId}/poster.webp`, `f/${fileId}/video.mp4`]);
	});

	it("takes a small video through POST /files too (processing, then ready)", async () => {
		const clip = await makeVideo({ width: 320, height: 240, seconds: 1 });
		const res = await upload(stack, alice, clip, { purpose: "message", filename: "clip.mp4", type: "video/mp4" });
		expect(res.status, res.text).to.equal(201);
		expect(res.json).to.include({ kind: "video", status: "processing", url: null });
		const done = (await settled(stack, alice, res.json.id)).json;
		expect(done).to.include({ status: "ready", width: 320, height: 240, mime: "video/mp4" });
		// A private video: its URLs are short-lived.
		expect(new URL(done.variants.mp4).searchParams.get("X-Amz-Expires")).to.equal("900");
	});

	it("processes an image sent as a direct upload at once", async () => {
		const photo = await jpegWithGps(640, 480);
		const { complete } = await directUpload(stack, alice, photo, "product", "image/jpeg");
		expect(complete.status, complete.text).to.equal(200);
		expect(complete.json).to.include({ status: "ready", kind: "image", width: 480, height: 640 });
		expect((await sharp((await download(complete.json.url)).bytes).metadata()).exif).to.equal(undefined);
	});

	it("fails a video without a picture, with its reason and event", async () => {
		const clip = await makeVideo({ width: 64, height: 64, seconds: 1 });
		// An MP4 holding only sound: same container, no video stream.
		const { execFile } = await import("node:child_process");
		const { promisify } = await import("node:util");
		const fs = await import("node:fs");
		const os = await import("node:os");
		const path = await import("node:path");
		const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "nexgate-test-audio-"));
		const ffmpeg = (require("@ffmpeg-installer/ffmpeg") as { path: string }).path;
		await fs.promises.writeFile(path.join(dir, "in.mp4"), clip);
		await promisify(execFile)(ffmpeg, ["-y", "-loglevel", "error", "-i", path.join(dir, "in.mp4"), "-vn", "-c:a", "copy", "-f", "mp4", "-brand", "isom", path.join(dir, "out.mp4")]);
		const soundOnly = await fs.promises.readFile(path.join(dir, "out.mp4"));
		await fs.promises.rm(dir, { recursive: true, force: true });

		const { fileId, complete } = await directUpload(stack, alice, soundOnly, "post", "video/mp4");
		expect(complete.status, complete.text).to.equal(200);
		const done = (await settled(stack, alice, fileId)).json;
		expect(done).to.include({ status: "failed", failureReason: "no_video_stream", url: null });
		expect((await jobRow(fileId)).status).to.equal("failed");
		const events = await outboxOf(fileId);
		expect(events.map(e => e.type)).to.deep.equal(["files.file.failed"]);
		expect(events[0].envelope.data).to.include({ fileId, reason: "no_video_stream", kind: "video" });
	});

	it("processes a direct upload once when complete arrives several times at once", async () => {
		const photo = await jpegWithGps(800, 600);
		const start = await call(stack, "/uploads", alice, { method: "POST", body: { filename: "p.jpg", mime: "image/jpeg", size: photo.length, purpose: "post" } });
		expect((await fetch(start.json.uploadUrl, { method: "PUT", body: photo })).status).to.equal(200);
		const answers = await Promise.all(Array.from({ length: 4 }, () => call(stack, `/${start.json.fileId}/complete`, alice, { method: "POST" })));
		expect(answers.map(a => a.status)).to.deep.equal([200, 200, 200, 200]);
		const done = (await settled(stack, alice, start.json.fileId)).json;
		expect(done.status).to.equal("ready");
		expect((await outboxOf(start.json.fileId)).map(e => e.type)).to.deep.equal(["files.file.ready"]);
	});

	it("answers a repeated complete with the file as it is (idempotent)", async () => {
		const photo = await jpegWithGps(320, 240);
		const { fileId, complete } = await directUpload(stack, alice, photo, "post", "image/jpeg");
		const again = await call(stack, `/${fileId}/complete`, alice, { method: "POST" });
		expect(again.status).to.equal(200);
		expect(again.json.id).to.equal(complete.json.id);
		expect(again.json.status).to.equal("ready");
		expect((await outboxOf(fileId)).length).to.equal(1);
	});

	describe("checks what arrived", () => {
		it("409 UPLOAD_MISSING when nothing was uploaded yet", async () => {
			const start = await call(stack, "/uploads", alice, { method: "POST", body: { filename: "a.mp4", mime: "video/mp4", size: 1000, purpose: "post" } });
			expect(start.status).to.equal(201);
			expect(start.json).to.have.keys("fileId", "uploadUrl", "method", "expiresAt");
			const res = await call(stack, `/${start.json.fileId}/complete`, alice, { method: "POST" });
			expect(res.status).to.equal(409);
			expect(res.json.type).to.equal("UPLOAD_MISSING");
			const pending = await call(stack, `/${start.json.fileId}`, alice);
			expect(pending.json).to.include({ status: "processing", url: null });
		});

		it("422 UPLOAD_SIZE_MISMATCH when the bytes differ from the declared size; the file keeps waiting", async () => {
			const start = await call(stack, "/uploads", alice, { method: "POST", body: { filename: "a.jpg", mime: "image/jpeg", size: 999, purpose: "post" } });
			const photo = await jpegWithGps(100, 100);
			await fetch(start.json.uploadUrl, { method: "PUT", body: photo });
			const res = await call(stack, `/${start.json.fileId}/complete`, alice, { method: "POST" });
			expect(res.status).to.equal(422);
			expect(res.json).to.deep.include({ type: "UPLOAD_SIZE_MISMATCH", data: { declared: 999, received: photo.length } });
			expect((await fileRow(start.json.fileId)).status).to.equal("awaiting_upload");
		});

		it("415 when the uploaded bytes are not what a file may be, whatever was declared", async () => {
			const text = Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>");
			const start = await call(stack, "/uploads", alice, { method: "POST", body: { filename: "a.png", mime: "image/png", size: text.length, purpose: "post" } });
			await fetch(start.json.uploadUrl, { method: "PUT", body: text });
			const res = await call(stack, `/${start.json.fileId}/complete`, alice, { method: "POST" });
			expect(res.status).to.equal(415);
			expect(res.json.type).to.equal("SCRIPT_CARRIER_REFUSED");
			expect((await fileRow(start.json.fileId)).status).to.equal("awaiting_upload");
			expect((await call(stack, `/${start.json.fileId}/complete`, alice, { method: "POST" })).json.type, "the refused bytes were removed").to.equal("UPLOAD_MISSING");
		});

		it("404 for someone else's upload, 401 without a token, 400 for a bad id", async () => {
			const start = await call(stack, "/uploads", alice, { method: "POST", body: { filename: "a.mp4", mime: "video/mp4", size: 10, purpose: "post" } });
			expect((await call(stack, `/${start.json.fileId}/complete`, bob, { method: "POST" })).status).to.equal(404);
			expect((await call(stack, `/${start.json.fileId}/complete`, null, { method: "POST" })).status).to.equal(401);
			expect((await call(stack, `/not-a-uuid/complete`, alice, { method: "POST" })).status).to.equal(400);
		});
	});

	describe("POST /files/uploads", () => {
		it("validates the request (400), refuses markup types (415) and oversized declarations (413)", async () => {
			const bad = await call(stack, "/uploads", alice, { method: "POST", body: { filename: "", mime: "video/mp4", size: -1, purpose: "nope" } });
			expect(bad.status).to.equal(400);
			expect(bad.json.data.map((d: { field: string }) => d.field).sort()).to.deep.equal(["filename", "purpose", "size"]);
			const svg = await call(stack, "/uploads", alice, { method: "POST", body: { filename: "a.svg", mime: "image/svg+xml", size: 10, purpose: "post" } });
			expect(svg.status).to.equal(415);
			expect(svg.json.type).to.equal("SCRIPT_CARRIER_REFUSED");
			const huge = await call(stack, "/uploads", alice, { method: "POST", body: { filename: "a.mp4", mime: "video/mp4", size: 501 * MB, purpose: "post" } });
			expect(huge.status).to.equal(413);
			expect(huge.json).to.deep.include({ type: "FILE_TOO_LARGE", data: { kind: "video", limit: 500 * MB } });
			const kind = await call(stack, "/uploads", alice, { method: "POST", body: { filename: "a.mp4", mime: "video/mp4", size: 10, purpose: "avatar" } });
			expect(kind.status).to.equal(422);
			expect((await call(stack, "/uploads", null, { method: "POST", body: { filename: "a.mp4", mime: "video/mp4", size: 10, purpose: "post" } })).status).to.equal(401);
		});

		it("holds the per-user quota under parallel requests: exactly as many as fit", async () => {
			const carol = await createUser(stack);
			// 2048 MB quota, 400 MB each: five fit, the sixth does not, whatever the interleaving.
			const results = await Promise.all(
				Array.from({ length: 6 }, (_, i) => call(stack, "/uploads", carol, { method: "POST", body: { filename: `v${i}.mp4`, mime: "video/mp4", size: 400 * MB, purpose: "post" } }))
			);
			expect(results.filter(r => r.status === 201)).to.have.length(5);
			const refused = results.filter(r => r.status !== 201);
			expect(refused).to.have.length(1);
			expect(refused[0].status).to.equal(422);
			expect(refused[0].json).to.deep.include({ type: "QUOTA_EXCEEDED", data: { quota: 2048 * MB, used: 2000 * MB, requested: 400 * MB } });
		});
	});
});
