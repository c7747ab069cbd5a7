/**
 * Attachments: files uploaded with purpose "message", claimed for the
 * conversation when sent, readable by its members only (files asks
 * messages.canReadFile), released when the message is deleted.
 */
import { expect } from "chai";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { http } from "../api/http";
import { download, png, upload } from "../files/support";
import { call, conversationOf, createProfiles, historyOf, messagesReady, send } from "./support";

describe("messages: attachments", function () {
	this.timeout(120_000);
	let stack: Stack;
	let asha: TestUser;
	let juma: TestUser;
	let neema: TestUser;
	let pair: string;

	const photo = async (user: TestUser, purpose = "message") => {
		const res = await upload(stack, user, await png(320, 240), { purpose, filename: "photo.png", type: "image/png" });
		expect(res.status).to.equal(201);
		return res.json.id as string;
	};

	before(async () => {
		stack = await getStack();
		await messagesReady(stack);
		await stack.broker.waitForServices(["files"], 30_000);
		[asha, juma, neema] = await createProfiles(stack, 3);
		pair = await conversationOf(stack, asha, [juma.userId]);
	});

	it("sends a photo: members get the File with working URLs; outsiders cannot read it", async () => {
		const fileId = await photo(asha);
		const sent = await send(stack, asha, pair, { text: "Angalia", fileIds: [fileId] });
		expect(sent.status).to.equal(201);
		expect(sent.json.files).to.have.length(1);
		expect(sent.json.files[0]).to.include({ id: fileId, kind: "image", status: "ready" });
		const [row] = await coreQuery("SELECT ref FROM files.files WHERE id = $1", [fileId]);
		expect(row.ref).to.equal(`messages:conversation:${pair}`);

		const seen = (await historyOf(stack, juma, pair, `?after=${sent.json.seq - 1}&limit=1`)).json.items[0];
		expect(seen.files[0].id).to.equal(fileId);
		const got = await download(seen.files[0].url);
		expect(got.status).to.equal(200);
		expect((await http(stack.apiUrl, `/api/v1/files/${fileId}`, { token: juma.accessToken })).status).to.equal(200);
		expect((await http(stack.apiUrl, `/api/v1/files/${fileId}`, { token: neema.accessToken })).status).to.equal(404);
	});

	it("422 for a file that is not the sender's, not a message file, or already in another conversation; nothing is sent", async () => {
		const before = (await call(stack, `/conversations/${pair}`, asha)).json.lastSeq;
		const theirs = await photo(neema);
		const notMine = await send(stack, asha, pair, { fileIds: [theirs] });
		expect([notMine.status, notMine.json.type]).to.deep.equal([422, "FILE_NOT_USABLE"]);
		const post = await photo(asha, "post");
		expect((await send(stack, asha, pair, { fileIds: [post] })).status).to.equal(422);
		const elsewhere = await photo(asha);
		const other = await conversationOf(stack, asha, [neema.userId]);
		expect((await send(stack, asha, other, { fileIds: [elsewhere] })).status).to.equal(201);
		expect((await send(stack, asha, pair, { fileIds: [elsewhere] })).status).to.equal(422);
		expect((await call(stack, `/conversations/${pair}`, asha)).json.lastSeq).to.equal(before);
	});

	it("a member who leaves a group can no longer read its files", async () => {
		const group = await conversationOf(stack, asha, [juma.userId, neema.userId], "Picha");
		const fileId = await photo(asha);
		await send(stack, asha, group, { fileIds: [fileId] });
		expect((await http(stack.apiUrl, `/api/v1/files/${fileId}`, { token: neema.accessToken })).status).to.equal(200);
		await call(stack, `/conversations/${group}/members/${neema.userId}`, neema, { method: "DELETE" });
		expect((await http(stack.apiUrl, `/api/v1/files/${fileId}`, { token: neema.accessToken })).status).to.equal(404);
	});

	it("deleting the message releases its files", async () => {
		const fileId = await photo(asha);
		const m = (await send(stack, asha, pair, { fileIds: [fileId] })).json;
		expect((await call(stack, `/messages/${m.id}`, asha, { method: "DELETE" })).status).to.equal(204);
		const [row] = await coreQuery("SELECT ref FROM files.files WHERE id = $1", [fileId]);
		expect(row.ref).to.equal(null);
		const tomb = (await historyOf(stack, juma, pair, `?after=${m.seq - 1}&limit=1`)).json.items[0];
		expect(tomb).to.include({ deleted: true });
		expect(tomb.files).to.deep.equal([]);
	});
});
