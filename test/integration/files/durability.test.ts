/**
 * The video queue survives the files node going down mid-job: the job is
 * handed back (or its lease runs out), picked up again when files is back,
 * and completes once — one ready file, one event.
 */
import { expect } from "chai";
import { getStack, type Stack } from "../../support/stack";
import { createUser, type TestUser } from "../../support/users";
import { waitFor } from "../../support/wait";
import { coreQuery } from "../../support/db";
import { call, directUpload, download, fileRow, jobRow, makeVideo, outboxOf, settled } from "./support";

describe("files: video jobs survive a restart", function () {
	this.timeout(240_000);
	let stack: Stack;
	let alice: TestUser;

	before(async () => {
		stack = await getStack();
		alice = await createUser(stack);
	});

	it("takes over a job whose node died (its lease ran out) and finishes it", async () => {
		const clip = await makeVideo({ width: 320, height: 240, seconds: 2 });
		const start = await call(stack, "/uploads", alice, { method: "POST", body: { filename: "c.mp4", mime: "video/mp4", size: clip.length, purpose: "post" } });
		expect((await fetch(start.json.uploadUrl, { method: "PUT", body: clip })).status).to.equal(200);
		const fileId = start.json.fileId as string;
		// What a node that crashed mid-job leaves behind: a running job nobody renews any more.
		await coreQuery(`UPDATE files.files SET status = 'processing', upload_expires_at = NULL WHERE id = $1`, [fileId]);
		await coreQuery(
			`INSERT INTO files.video_jobs (file_id, status, attempts, locked_by, lease_until) VALUES ($1, 'running', 1, 'crashed-node:0000', now() - interval '1 second')`,
			[fileId]
		);
		const done = (await settled(stack, alice, fileId)).json;
		expect(done).to.include({ status: "ready", width: 320, height: 240 });
		const job = await jobRow(fileId);
		expect(job).to.include({ status: "done", attempts: 2, locked_by: null });
		expect((await outboxOf(fileId)).map(e => e.type)).to.deep.equal(["files.file.ready"]);
	});

	it("picks an interrupted transcode up again after the files node restarts, and finishes it once", async () => {
		// Long enough (720p, 20 s) that the transcode is still running when the node goes down.
		const clip = await makeVideo({ width: 1280, height: 720, seconds: 20, fps: 25 });
		const { fileId, complete } = await directUpload(stack, alice, clip, "post", "video/mp4");
		expect(complete.status, complete.text).to.equal(200);
		await waitFor(async () => (await jobRow(fileId))?.status === "running", "the job to start", 60_000, 25);

		await stack.takeDown("files");
		const interrupted = await jobRow(fileId);
		expect(interrupted.attempts).to.equal(1);
		expect((await fileRow(fileId)).status, "the node went down mid-job").to.equal("processing");
		expect(await outboxOf(fileId)).to.deep.equal([]);

		await stack.bringUp("files");
		const done = (await settled(stack, alice, fileId, 180_000)).json;
		expect(done.status, JSON.stringify(done)).to.equal("ready");
		expect(done).to.include({ width: 1280, height: 720 });
		expect(done.durationMs).to.be.within(19_900, 20_200);
		expect((await download(done.variants.mp4)).status).to.equal(200);

		const job = await jobRow(fileId);
		expect(job.status).to.equal("done");
		expect(job.attempts, "picked up again exactly once").to.equal(2);
		expect((await outboxOf(fileId)).map(e => e.type), "one ready event").to.deep.equal(["files.file.ready"]);
	});
});
