/**
 * Avatars through the real files service: an image uploaded with
 * POST /api/v1/files (purpose "avatar") becomes the profile picture, shown
 * with its URL and BlurHash from files.views; files refuses what is not mine
 * or not an avatar; a replaced or removed avatar is released.
 */
import { expect } from "chai";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { download, png, upload } from "../files/support";
import { call, createProfiles } from "./support";

describe("users: avatars (files)", function () {
	this.timeout(90_000);
	let stack: Stack;
	let asha: TestUser;
	let juma: TestUser;
	const refOf = async (fileId: string) => (await coreQuery<{ ref: string | null }>("SELECT ref FROM files.files WHERE id = $1", [fileId]))[0]?.ref;

	before(async () => {
		stack = await getStack();
		[asha, juma] = await createProfiles(stack, 2);
	});

	async function avatarFile(user: TestUser, purpose = "avatar"): Promise<string> {
		const res = await upload(stack, user, await png(400, 400), { purpose, filename: "me.png", type: "image/png" });
		expect(res.status, res.text).to.equal(201);
		return res.json.id;
	}

	it("sets an uploaded image as my avatar: URL and BlurHash on my profile, others' views and the cards", async () => {
		const fileId = await avatarFile(asha);
		const res = await call(stack, "/me", asha, { method: "PATCH", body: { avatarFileId: fileId } });
		expect(res.status, res.text).to.equal(200);
		expect(res.json.avatar).to.be.an("object");
		expect(res.json.avatar.url).to.be.a("string");
		expect(res.json.avatar.blurhash).to.be.a("string").and.have.length.greaterThan(5);
		expect((await download(res.json.avatar.url)).status).to.equal(200);
		expect(await refOf(fileId)).to.equal(`users:avatar:${asha.userId}`);
		expect((await call(stack, `/${asha.userId}`, juma)).json.avatar.blurhash).to.equal(res.json.avatar.blurhash);
		const cards = await stack.broker.call<Record<string, { avatar: { url: string } | null }>, object>("users.profiles", { ids: [asha.userId] });
		expect(cards[asha.userId].avatar?.url).to.be.a("string");
	});

	it("422 FILE_NOT_USABLE for someone else's file or a file of another purpose; the avatar stays", async () => {
		const before = (await call(stack, "/me", asha)).json.avatar;
		const theirs = await avatarFile(juma);
		const notMine = await call(stack, "/me", asha, { method: "PATCH", body: { avatarFileId: theirs } });
		expect(notMine.status).to.equal(422);
		expect(notMine.json.type).to.equal("FILE_NOT_USABLE");
		const postImage = await avatarFile(asha, "post");
		expect((await call(stack, "/me", asha, { method: "PATCH", body: { avatarFileId: postImage } })).json.type).to.equal("FILE_NOT_USABLE");
		expect((await call(stack, "/me", asha)).json.avatar).to.deep.equal(before);
		expect(await refOf(theirs)).to.equal(null);
	});

	it("replacing releases the previous file; null removes the avatar and releases it", async () => {
		const first = (await coreQuery<{ avatar_file_id: string }>("SELECT avatar_file_id FROM users.profiles WHERE id = $1", [asha.userId]))[0].avatar_file_id;
		const second = await avatarFile(asha);
		expect((await call(stack, "/me", asha, { method: "PATCH", body: { avatarFileId: second } })).status).to.equal(200);
		expect(await refOf(first)).to.equal(null);
		expect(await refOf(second)).to.equal(`users:avatar:${asha.userId}`);
		const removed = await call(stack, "/me", asha, { method: "PATCH", body: { avatarFileId: null } });
		expect(removed.json.avatar).to.equal(null);
		expect(await refOf(second)).to.equal(null);
	});
});
