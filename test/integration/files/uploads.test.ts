/**
 * POST /files (multipart through the gateway): validation by content, the
 * image pipeline (EXIF/GPS stripped, upright, three WebP variants without
 * upscaling, BlurHash), and every refusal as a clear 4xx that keeps nothing.
 */
import { expect } from "chai";
import sharp from "sharp";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { http } from "../api/http";
import { BASE, corruptJpeg, download, hasGpsPointer, jpegWithGps, outboxOf, png, pngBomb, upload } from "./support";

describe("files: multipart uploads", function () {
	this.timeout(90_000);
	let stack: Stack;
	let alice: TestUser;

	const rowsOf = async (user: TestUser) => (await coreQuery<{ n: string }>(`SELECT count(*) AS n FROM files.files WHERE owner_id = $1`, [user.userId]))[0].n;

	before(async () => {
		stack = await getStack();
		alice = await createUser(stack);
	});

	it("publishes the files routes in the OpenAPI document, the upload as multipart/form-data", async () => {
		const doc = (await http(stack.apiUrl, "/api/openapi.json")).json as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { required: string[] } }> } }>> };
		const ours = Object.entries(doc.paths)
			.filter(([path]) => path.startsWith(BASE))
			.flatMap(([path, ops]) => Object.keys(ops).map(m => `${m.toUpperCase()} ${path}`))
			.sort();
		expect(ours).to.deep.equal([`DELETE ${BASE}/{id}`, `GET ${BASE}/{id}`, `POST ${BASE}`, `POST ${BASE}/uploads`, `POST ${BASE}/{id}/complete`]);
		const form = doc.paths[BASE].post.requestBody?.content["multipart/form-data"];
		expect(form?.schema.required).to.have.members(["purpose", "file"]);
	});

	it("turns a phone JPEG into an upright, metadata-free original with three WebP variants and a BlurHash", async () => {
		const source = await jpegWithGps(1200, 800);
		const sourceMeta = await sharp(source).metadata();
		expect(hasGpsPointer(sourceMeta.exif), "the test photo carries GPS").to.equal(true);
		expect(sourceMeta.orientation).to.equal(6);

		const res = await upload(stack, alice, source, { purpose: "post", filename: "IMG_0001.jpg", type: "image/jpeg" });
		expect(res.status, res.text).to.equal(201);
		const file = res.json;
		expect(res.headers.get("location")).to.equal(`${BASE}/${file.id}`);
		expect(file).to.include({ kind: "image", mime: "image/jpeg", status: "ready", purpose: "post", width: 800, height: 1200 });
		expect(file.blurhash).to.be.a("string").with.length.greaterThan(6);
		expect(Object.keys(file.variants).sort()).to.deep.equal(["large", "medium", "thumb"]);

		const original = await download(file.url);
		expect(original.status).to.equal(200);
		expect(original.type).to.equal("image/jpeg");
		const meta = await sharp(original.bytes).metadata();
		expect(meta.exif, "no EXIF at all").to.equal(undefined);
		expect(meta.orientation ?? 1).to.equal(1);
		expect([meta.width, meta.height]).to.deep.equal([800, 1200]);
		expect(original.bytes.includes(Buffer.from("NexgateTestCam"))).to.equal(false);
		expect(file.size).to.equal(original.bytes.length);

		const expected = { thumb: [171, 256], medium: [683, 1024], large: [800, 1200] } as Record<string, number[]>;
		for (const [name, [w, h]] of Object.entries(expected)) {
			const variant = await download(file.variants[name]);
			expect(variant.status, name).to.equal(200);
			const vm = await sharp(variant.bytes).metadata();
			expect(vm.format, name).to.equal("webp");
			expect([vm.width, vm.height], `${name} size (large is not upscaled)`).to.deep.equal([w, h]);
			expect(vm.exif, name).to.equal(undefined);
		}
		// Turned upright: the top-left block of the sideways photo is now at the top right.
		const { data, info } = await sharp(original.bytes).raw().toBuffer({ resolveWithObject: true });
		const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
		expect(at(info.width - 20, 20)[2]).to.be.greaterThan(150);
		expect(at(20, info.height - 20)[0]).to.be.greaterThan(150);

		const events = await outboxOf(file.id);
		expect(events.map(e => e.type)).to.deep.equal(["files.file.ready"]);
		expect(events[0].envelope.data).to.deep.equal({ fileId: file.id, ownerId: alice.userId, purpose: "post", kind: "image", ref: null });
	});

	it("handles a PNG named .jpg as the PNG it is", async () => {
		const res = await upload(stack, alice, await png(300, 200), { purpose: "product", filename: "photo.jpg", type: "image/jpeg" });
		expect(res.status, res.text).to.equal(201);
		expect(res.json).to.include({ kind: "image", mime: "image/png", width: 300, height: 200, status: "ready" });
		const original = await download(res.json.url);
		expect((await sharp(original.bytes).metadata()).format).to.equal("png");
		expect(original.type).to.equal("image/png");
	});

	it("keeps a PDF for verification as a document, served as a download", async () => {
		const pdf = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
		const res = await upload(stack, alice, pdf, { purpose: "verification", filename: "leseni.pdf", type: "application/pdf" });
		expect(res.status, res.text).to.equal(201);
		expect(res.json).to.include({ kind: "document", mime: "application/pdf", status: "ready" });
		expect(res.json.variants).to.deep.equal({});
		const res2 = await fetch(res.json.url);
		expect(res2.status).to.equal(200);
		expect(res2.headers.get("content-disposition")).to.match(/^attachment; filename="leseni\.pdf"$/);
		expect(Buffer.from(await res2.arrayBuffer()).equals(pdf)).to.equal(true);
	});

	describe("refusals keep nothing", () => {
		let before: string;
		beforeEach(async () => {
			before = await rowsOf(alice);
		});
		afterEach(async () => {
			expect(await rowsOf(alice), "no file row was left behind").to.equal(before);
		});

		it("refuses a text file that claims to be a PNG (415 UNSUPPORTED_FILE_TYPE)", async () => {
			const res = await upload(stack, alice, Buffer.from("hello, I am definitely a PNG image\n"), { filename: "x.png", type: "image/png" });
			expect(res.status).to.equal(415);
			expect(res.json.type).to.equal("UNSUPPORTED_FILE_TYPE");
		});

		it("refuses SVG and HTML as script carriers, whatever they claim", async () => {
			const svg = await upload(stack, alice, Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), { filename: "a.png", type: "image/png" });
			expect(svg.status).to.equal(415);
			expect(svg.json.type).to.equal("SCRIPT_CARRIER_REFUSED");
			const html = await upload(stack, alice, Buffer.from("<!doctype html><html><body onload=alert(1)></body></html>"), { filename: "a.jpg", type: "image/jpeg" });
			expect(html.status).to.equal(415);
			expect(html.json.type).to.equal("SCRIPT_CARRIER_REFUSED");
		});

		it("refuses a corrupt JPEG with a clear 422 CORRUPT_IMAGE", async () => {
			const res = await upload(stack, alice, await corruptJpeg(), { filename: "broken.jpg", type: "image/jpeg" });
			expect(res.status).to.equal(422);
			expect(res.json.type).to.equal("CORRUPT_IMAGE");
		});

		it("refuses a decompression bomb by its declared size, before decoding (422 IMAGE_TOO_LARGE)", async () => {
			const started = Date.now();
			const res = await upload(stack, alice, await pngBomb(), { filename: "bomb.png", type: "image/png" });
			expect(res.status).to.equal(422);
			expect(res.json.type).to.equal("IMAGE_TOO_LARGE");
			expect(Date.now() - started).to.be.lessThan(5000);
		});

		it("refuses a kind the purpose does not take (422 FILE_KIND_NOT_ALLOWED)", async () => {
			const res = await upload(stack, alice, Buffer.from("%PDF-1.4\n%%EOF\n"), { purpose: "avatar", filename: "me.pdf" });
			expect(res.status).to.equal(422);
			expect(res.json).to.deep.include({ type: "FILE_KIND_NOT_ALLOWED", data: { purpose: "avatar", kind: "document" } });
		});

		it("stops a file part over the multipart limit at the gateway (413)", async () => {
			const big = Buffer.alloc(26 * 1024 * 1024, 0x41);
			big.set([0xff, 0xd8, 0xff, 0xe0], 0);
			const res = await upload(stack, alice, big, { filename: "huge.jpg" });
			expect(res.status).to.equal(413);
			expect(res.json.type).to.equal("PAYLOAD_TOO_LARGE");
		});

		it("validates the form: a missing or unknown purpose is a 400, an empty file too", async () => {
			const none = await upload(stack, alice, await png(), { purpose: null });
			expect(none.status).to.equal(400);
			expect(none.json.type).to.equal("VALIDATION_ERROR");
			const bad = await upload(stack, alice, await png(), { purpose: "wallpaper" });
			expect(bad.status).to.equal(400);
			expect(bad.json.data[0].field).to.equal("purpose");
			const empty = await upload(stack, alice, Buffer.alloc(0));
			expect(empty.status).to.equal(400);
		});

		it("answers a JSON body with 415 and a broken form with 400, never a 500", async () => {
			const json = await http(stack.apiUrl, BASE, { method: "POST", token: alice.accessToken, body: { purpose: "post" } });
			expect(json.status).to.equal(415);
			const broken = await http(stack.apiUrl, BASE, {
				method: "POST",
				token: alice.accessToken,
				headers: { "content-type": "multipart/form-data; boundary=XYZ" },
				rawBody: '--XYZ\r\nContent-Disposition: form-data; name="purpose"\r\n\r\npost\r\n--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n\x89PNG'
			});
			expect(broken.status).to.equal(400);
		});

		it("needs a token (401)", async () => {
			const res = await upload(stack, null, await png());
			expect(res.status).to.equal(401);
		});
	});
});
