/**
 * Reading, deleting and attaching files: public and private purposes, the
 * owning domain's access check (the `filecheck` fixture plays a domain), the
 * internal claim / release / views contract, deletion of every variant, and
 * the sweep of files left attached to nothing.
 */
import { expect } from "chai";
import { Errors } from "moleculer";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { call, download, fileRow, jpegWithGps, objectsOf, png, upload } from "./support";

type FileView = { id: string; status: string; url: string | null; variants: Record<string, string>; purpose: string };

describe("files: access, claims and cleanup", function () {
	this.timeout(90_000);
	let stack: Stack;
	let alice: TestUser;
	let bob: TestUser;
	let carol: TestUser;

	const uploadAs = async (user: TestUser, purpose: string): Promise<FileView> => {
		const res = await upload(stack, user, await png(120, 80), { purpose, filename: "p.png" });
		expect(res.status, res.text).to.equal(201);
		return res.json;
	};
	const claim = (params: Record<string, unknown>) => stack.broker.call<FileView[], Record<string, unknown>>("files.claim", params);
	const claimError = async (params: Record<string, unknown>) => {
		try {
			await claim(params);
		} catch (err) {
			return err as InstanceType<typeof Errors.MoleculerClientError>;
		}
		throw new Error("the claim was accepted");
	};

	before(async () => {
		stack = await getStack();
		[alice, bob, carol] = await Promise.all([createUser(stack), createUser(stack), createUser(stack)]);
	});

	describe("GET /files/:id", () => {
		it("shows a public file to anyone, signed in or not", async () => {
			const file = await uploadAs(alice, "post");
			for (const viewer of [alice, bob, null]) {
				const res = await call(stack, `/${file.id}`, viewer);
				expect(res.status).to.equal(200);
				expect(res.json).to.include({ id: file.id, status: "ready", purpose: "post" });
				expect((await download(res.json.url)).status).to.equal(200);
			}
		});

		it("shows a private file to its owner only while it is attached to nothing", async () => {
			const file = await uploadAs(alice, "message");
			expect((await call(stack, `/${file.id}`, alice)).status).to.equal(200);
			const other = await call(stack, `/${file.id}`, bob);
			expect(other.status).to.equal(404);
			expect(other.json.type).to.equal("FILE_NOT_FOUND");
			expect((await call(stack, `/${file.id}`, null)).status).to.equal(404);
		});

		it("asks the domain holding a private file who else may read it", async () => {
			const file = await uploadAs(alice, "message");
			const [claimed] = await claim({ ownerId: alice.userId, fileIds: [file.id], purpose: "message", ref: `filecheck:allow:${bob.userId}` });
			expect(claimed.id).to.equal(file.id);
			const forBob = await call(stack, `/${file.id}`, bob);
			expect(forBob.status).to.equal(200);
			expect((await download(forBob.json.url)).status).to.equal(200);
			// A private URL is short-lived: signed per request, not as of the start of the day.
			expect(new URL(forBob.json.url).searchParams.get("X-Amz-Expires")).to.equal("900");
			expect((await call(stack, `/${file.id}`, carol)).status).to.equal(404);
			expect((await call(stack, `/${file.id}`, null)).status).to.equal(404);
		});

		it("fails closed when the holding domain cannot answer: 503 on GET, left out of views", async () => {
			const file = await uploadAs(alice, "verification");
			await claim({ ownerId: alice.userId, fileIds: [file.id], purpose: "verification", ref: "nosuchdomain:shop:1" });
			const res = await call(stack, `/${file.id}`, bob);
			expect(res.status).to.equal(503);
			expect((await call(stack, `/${file.id}`, alice)).status, "the owner needs no answer").to.equal(200);
			expect(await stack.broker.call("files.views", { ids: [file.id], viewerId: bob.userId })).to.deep.equal({});
		});

		it("answers 404 for an unknown id and 400 for a malformed one", async () => {
			expect((await call(stack, "/01900000-0000-7000-8000-000000000000", alice)).status).to.equal(404);
			expect((await call(stack, "/nope", alice)).status).to.equal(400);
		});
	});

	describe("DELETE /files/:id", () => {
		it("removes the file and every variant, for its owner only", async () => {
			const res = await upload(stack, alice, await jpegWithGps(400, 300), { purpose: "post" });
			const file = res.json as FileView;
			expect(await objectsOf(stack, file.id)).to.deep.equal(["large.webp", "medium.webp", "original.jpg", "thumb.webp"].map(n => `f/${file.id}/${n}`));
			expect((await call(stack, `/${file.id}`, bob, { method: "DELETE" })).status).to.equal(404);
			expect((await call(stack, `/${file.id}`, null, { method: "DELETE" })).status).to.equal(401);
			expect((await call(stack, "/nope", alice, { method: "DELETE" })).status).to.equal(400);

			const del = await call(stack, `/${file.id}`, alice, { method: "DELETE" });
			expect(del.status).to.equal(204);
			expect(await objectsOf(stack, file.id)).to.deep.equal([]);
			expect((await download(file.url as string)).status).to.equal(404);
			expect((await call(stack, `/${file.id}`, alice)).status).to.equal(404);
			expect((await call(stack, `/${file.id}`, alice, { method: "DELETE" })).status).to.equal(404);
			const row = await fileRow(file.id);
			expect(row.status).to.equal("deleted");
			expect(row.purged_at).to.not.equal(null);
		});

		it("refuses while a domain holds the file (409 FILE_IN_USE)", async () => {
			const file = await uploadAs(alice, "avatar");
			await claim({ ownerId: alice.userId, fileIds: [file.id], purpose: "avatar", ref: `users:avatar:${alice.userId}` });
			const res = await call(stack, `/${file.id}`, alice, { method: "DELETE" });
			expect(res.status).to.equal(409);
			expect(res.json).to.deep.include({ type: "FILE_IN_USE", data: { id: file.id, ref: `users:avatar:${alice.userId}` } });
			expect((await objectsOf(stack, file.id)).length).to.equal(4);
		});
	});

	describe("files.claim / files.release / files.views", () => {
		it("claims all-or-nothing, idempotently for the same ref, in the caller's order", async () => {
			const [a, b] = [await uploadAs(alice, "product"), await uploadAs(alice, "product")];
			const ref = "commerce:product:0190aaaa-0000-7000-8000-000000000001";
			const claimed = await claim({ ownerId: alice.userId, fileIds: [b.id, a.id], purpose: "product", ref });
			expect(claimed.map(f => f.id)).to.deep.equal([b.id, a.id]);
			expect(claimed[0]).to.include.keys("id", "kind", "mime", "size", "status", "url", "variants", "width", "height", "blurhash");
			expect((await claim({ ownerId: alice.userId, fileIds: [a.id], purpose: "product", ref })).map(f => f.id)).to.deep.equal([a.id]);
			expect((await fileRow(a.id)).ref).to.equal(ref);
		});

		it("refuses with 422 FILE_NOT_USABLE naming the file: someone else's, wrong purpose, held elsewhere, unknown, failed", async () => {
			const mine = await uploadAs(alice, "post");
			const free = await uploadAs(alice, "post");
			const bobs = await uploadAs(bob, "post");
			await claim({ ownerId: alice.userId, fileIds: [mine.id], purpose: "post", ref: "social:post:1" });
			const cases: Array<[string[], string, string, string]> = [
				[[free.id, bobs.id], "post", bobs.id, "not_found"],
				[[free.id], "product", free.id, "wrong_purpose"],
				[[free.id, mine.id], "post", mine.id, "attached_elsewhere"],
				[[free.id, "01900000-0000-7000-8000-00000000dead"], "post", "01900000-0000-7000-8000-00000000dead", "not_found"]
			];
			for (const [fileIds, purpose, offending, why] of cases) {
				const err = await claimError({ ownerId: alice.userId, fileIds, purpose, ref: "social:post:2" });
				expect(err.code, why).to.equal(422);
				expect(err.type).to.equal("FILE_NOT_USABLE");
				expect(err.data).to.deep.equal({ fileId: offending, why });
			}
			expect((await fileRow(free.id)).ref, "nothing was attached").to.equal(null);
			await coreQuery(`UPDATE files.files SET status = 'failed', failure_reason = 'processing_failed' WHERE id = $1`, [free.id]);
			expect((await claimError({ ownerId: alice.userId, fileIds: [free.id], purpose: "post", ref: "social:post:2" })).data).to.deep.equal({ fileId: free.id, why: "failed" });
		});

		it("lets exactly one of several parallel claims with different refs win", async () => {
			const file = await uploadAs(alice, "post");
			const results = await Promise.allSettled(
				Array.from({ length: 6 }, (_, i) => claim({ ownerId: alice.userId, fileIds: [file.id], purpose: "post", ref: `social:post:race-${i}` }))
			);
			const won = results.filter(r => r.status === "fulfilled");
			expect(won).to.have.length(1);
			for (const r of results.filter(r => r.status === "rejected")) expect((r as PromiseRejectedResult).reason.data).to.deep.equal({ fileId: file.id, why: "attached_elsewhere" });
			expect((await fileRow(file.id)).ref).to.match(/^social:post:race-\d$/);
		});

		it("validates its params", async () => {
			const err = await claimError({ ownerId: "x", fileIds: [], purpose: "post", ref: "no" });
			expect(err.code).to.equal(422);
			expect(err.name).to.equal("ValidationError");
		});

		it("releases only what the ref holds", async () => {
			const file = await uploadAs(alice, "post");
			await claim({ ownerId: alice.userId, fileIds: [file.id], purpose: "post", ref: "social:post:9" });
			expect(await stack.broker.call("files.release", { fileIds: [file.id], ref: "social:post:other" })).to.deep.equal({ released: 0 });
			expect(await stack.broker.call("files.release", { fileIds: [file.id], ref: "social:post:9" })).to.deep.equal({ released: 1 });
			expect((await fileRow(file.id)).ref).to.equal(null);
			expect((await call(stack, `/${file.id}`, alice, { method: "DELETE" })).status).to.equal(204);
		});

		it("views: current files by id for a viewer, private ones only where allowed, missing ones absent", async () => {
			const pub = await uploadAs(alice, "post");
			const priv = await uploadAs(alice, "message");
			const gone = await uploadAs(alice, "post");
			await call(stack, `/${gone.id}`, alice, { method: "DELETE" });
			await claim({ ownerId: alice.userId, fileIds: [priv.id], purpose: "message", ref: `filecheck:allow:${bob.userId}` });
			const ids = [pub.id, priv.id, gone.id];
			const asBob = await stack.broker.call<Record<string, FileView>, object>("files.views", { ids, viewerId: bob.userId });
			expect(Object.keys(asBob).sort()).to.deep.equal([pub.id, priv.id].sort());
			expect(asBob[priv.id].url).to.be.a("string");
			const asCarol = await stack.broker.call<Record<string, FileView>, object>("files.views", { ids, viewerId: carol.userId });
			expect(Object.keys(asCarol)).to.deep.equal([pub.id]);
			const anonymous = await stack.broker.call<Record<string, FileView>, object>("files.views", { ids });
			expect(Object.keys(anonymous)).to.deep.equal([pub.id]);
		});
	});

	describe("cleanup", () => {
		it("refuses to complete an upload whose URL expired, and sweeps it, releasing its quota", async () => {
			const start = await call(stack, "/uploads", carol, { method: "POST", body: { filename: "late.mp4", mime: "video/mp4", size: 1234, purpose: "post" } });
			expect(start.status).to.equal(201);
			await coreQuery(`UPDATE files.files SET upload_expires_at = now() - interval '1 second' WHERE id = $1`, [start.json.fileId]);
			const res = await call(stack, `/${start.json.fileId}/complete`, carol, { method: "POST" });
			expect(res.status).to.equal(409);
			expect(res.json.type).to.equal("UPLOAD_EXPIRED");
			await stack.broker.call("files.sweep");
			expect((await fileRow(start.json.fileId)).status).to.equal("deleted");
			const used = await coreQuery<{ n: string }>(`SELECT count(*) AS n FROM files.files WHERE id = $1 AND status IN ('awaiting_upload', 'processing', 'ready')`, [start.json.fileId]);
			expect(used[0].n).to.equal("0");
		});

		it("removes files attached to nothing for a day (and their objects), keeps attached and recent ones", async () => {
			const stale = await uploadAs(carol, "post");
			const released = await uploadAs(carol, "post");
			const held = await uploadAs(carol, "post");
			const fresh = await uploadAs(carol, "post");
			await claim({ ownerId: carol.userId, fileIds: [held.id], purpose: "post", ref: "social:post:held" });
			await claim({ ownerId: carol.userId, fileIds: [released.id], purpose: "post", ref: "social:post:gone" });
			await stack.broker.call("files.release", { fileIds: [released.id], ref: "social:post:gone" });
			const dayAgo = "now() - interval '25 hours'";
			await coreQuery(`UPDATE files.files SET created_at = ${dayAgo} WHERE id = ANY($1)`, [[stale.id, released.id, held.id]]);
			await coreQuery(`UPDATE files.files SET detached_at = ${dayAgo} WHERE id = $1`, [released.id]);

			const swept = await stack.broker.call<{ expired: number; purged: number }>("files.sweep");
			expect(swept.expired).to.be.at.least(2);
			for (const id of [stale.id, released.id]) {
				const row = await fileRow(id);
				expect(row.status, id).to.equal("deleted");
				expect(row.purged_at).to.not.equal(null);
				expect(await objectsOf(stack, id)).to.deep.equal([]);
			}
			for (const id of [held.id, fresh.id]) {
				expect((await fileRow(id)).status).to.equal("ready");
				expect((await objectsOf(stack, id)).length).to.equal(4);
			}
		});
	});
});
