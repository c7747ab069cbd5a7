/**
 * Seller verification through the REST API: the seller submits private
 * documents, administrators work the queue and approve or reject with a
 * reason (one decision wins when two arrive at once), a rejected seller
 * submits again, administrators suspend and reinstate; who may read the
 * documents (files asks commerce.canReadFile). Each step's event is in the
 * commerce outbox, raised with the change.
 */
import { expect } from "chai";
import { getStack, type Stack } from "../../support/stack";
import type { TestUser } from "../../support/users";
import { coreQuery } from "../../support/db";
import { waitFor } from "../../support/wait";
import { http } from "../api/http";
import { activeShop, call, createProfiles, makeAdmin, openShop, outbox, submitVerification, uploadImage } from "./catalog-support";

describe("commerce: seller verification", function () {
	this.timeout(180_000);
	let stack: Stack;
	let seller: TestUser;
	let other: TestUser;
	let ops: TestUser;
	let admin: string;

	const files = (path: string, token: string | undefined) => http(stack.apiUrl, `/api/v1/files${path}`, { token });
	/** Waits until the user's in-app notifications hold one of this type about this shop. */
	const notified = (token: string, type: string, shopId: string) =>
		waitFor(
			async () => ((await http(stack.apiUrl, "/api/v1/notifications?limit=100", { token })).json.items as Array<{ type: string; data: Record<string, string> }>).find(n => n.type === type && n.data.shopId === shopId),
			`a ${type} notification about ${shopId}`,
			30_000,
			200
		);

	before(async () => {
		stack = await getStack();
		[seller, other, ops] = await createProfiles(stack, 3);
		admin = await makeAdmin(stack, ops);
	});

	// A shop owner may open only a few shops: each case sells as a new seller.
	beforeEach(async () => {
		[seller] = await createProfiles(stack, 1);
	});

	it("the owner submits documents: 201, the national ID masked, the files attached privately, the event raised for the reviewers", async () => {
		// The administrator has worked the queue before: they are among the reviewers told about new submissions.
		expect((await call(stack, "/verifications", admin)).status).to.equal(200);
		const shop = await openShop(stack, seller);
		const doc = await uploadImage(stack, seller, "verification");
		const res = await call(stack, `/shops/${shop.id}/verification`, seller, {
			method: "POST",
			body: { documentFileIds: [doc], nationalId: "1990 0101 1234 5000 0123", businessRegNo: "BRELA-123456" }
		});
		expect(res.status, res.text).to.equal(201);
		expect(res.headers.get("location")).to.equal(`/api/v1/commerce/shops/${shop.id}/verification`);
		expect(res.json).to.include({ shopId: shop.id, status: "pending", businessRegNo: "BRELA-123456", reason: null });
		expect(res.json.nationalId).to.match(/^•+0123$/);
		expect(res.json.documentFileIds).to.deep.equal([doc]);
		const [file] = await coreQuery("SELECT ref, purpose FROM files.files WHERE id = $1", [doc]);
		expect(file).to.deep.equal({ ref: `commerce:verification:${shop.id}`, purpose: "verification" });
		const [event] = await outbox("commerce.shop.verification_submitted", { shopId: shop.id });
		expect(event.data).to.include({ ownerId: seller.userId, shopName: shop.name, verificationId: res.json.id });
		expect(event.data.reviewerIds).to.include(ops.userId);
		const toReviewer = await notified(admin, "commerce.verification_submitted", shop.id);
		expect(toReviewer.data.verificationId).to.equal(res.json.id);
		const mine = await call(stack, `/shops/${shop.id}/verification`, seller);
		expect(mine.status).to.equal(200);
		expect(mine.json).to.include({ id: res.json.id, status: "pending" });
	});

	it("refuses bad submissions with 4xx and records nothing", async () => {
		const shop = await openShop(stack, seller);
		const doc = await uploadImage(stack, seller, "verification");
		const productPicture = await uploadImage(stack, seller, "product");
		const theirs = await uploadImage(stack, other, "verification");
		const post = (body: unknown, who: TestUser | null = seller) => call(stack, `/shops/${shop.id}/verification`, who, { method: "POST", body });
		expect((await post({ documentFileIds: [], nationalId: "12345678" })).status).to.equal(400);
		expect((await post({ documentFileIds: [doc], nationalId: "12" })).status).to.equal(400);
		expect((await post({ documentFileIds: [doc], nationalId: "12345678", businessRegNo: "!" })).status).to.equal(400);
		const wrongPurpose = await post({ documentFileIds: [productPicture], nationalId: "12345678" });
		expect(wrongPurpose.status).to.equal(422);
		expect(wrongPurpose.json.type).to.equal("FILE_NOT_USABLE");
		expect((await post({ documentFileIds: [theirs], nationalId: "12345678" })).status).to.equal(422);
		expect((await post({ documentFileIds: [doc], nationalId: "12345678" }, null)).status).to.equal(401);
		// Someone else's shop that is not public yet does not exist for them.
		expect((await post({ documentFileIds: [theirs], nationalId: "12345678" }, other)).status).to.equal(404);
		expect(await coreQuery("SELECT 1 FROM commerce.shop_verifications WHERE shop_id = $1", [shop.id])).to.have.length(0);
		const [file] = await coreQuery("SELECT ref FROM files.files WHERE id = $1", [doc]);
		expect(file.ref).to.equal(null);
	});

	it("one pending submission per shop, even when sent in parallel (409 VERIFICATION_PENDING)", async () => {
		const shop = await openShop(stack, seller);
		const docs = await Promise.all([0, 1, 2, 3].map(() => uploadImage(stack, seller, "verification")));
		const results = await Promise.all(
			docs.map(d => call(stack, `/shops/${shop.id}/verification`, seller, { method: "POST", body: { documentFileIds: [d], nationalId: "12345678" } }))
		);
		expect(results.map(r => r.status).sort()).to.deep.equal([201, 409, 409, 409]);
		for (const r of results.filter(x => x.status === 409)) expect(r.json.type).to.equal("VERIFICATION_PENDING");
		expect(await coreQuery("SELECT 1 FROM commerce.shop_verifications WHERE shop_id = $1", [shop.id])).to.have.length(1);
		// The losers' documents were released again; the winner's stays attached.
		const winner = results.find(r => r.status === 201)!.json.documentFileIds[0];
		const rows = await coreQuery<{ id: string; ref: string | null }>("SELECT id, ref FROM files.files WHERE id = ANY($1::uuid[])", [docs]);
		for (const row of rows) expect(row.ref, row.id).to.equal(row.id === winner ? `commerce:verification:${shop.id}` : null);
	});

	it("the admin queue: oldest first with the full national ID and the shop; 403 for users, 401 without a token", async () => {
		const a = await openShop(stack, seller);
		const b = await openShop(stack, other);
		await submitVerification(stack, seller, a.id);
		await submitVerification(stack, other, b.id);
		const all = [];
		let cursor: string | null = null;
		for (let i = 0; i < 50; i++) {
			const res = await call(stack, `/verifications?limit=50${cursor ? `&cursor=${cursor}` : ""}`, admin);
			expect(res.status, res.text).to.equal(200);
			all.push(...res.json.items);
			cursor = res.json.nextCursor;
			if (!cursor) break;
		}
		const ids = all.map(v => v.shopId);
		expect(ids.indexOf(a.id)).to.be.lessThan(ids.indexOf(b.id));
		const entry = all.find(v => v.shopId === a.id);
		expect(entry.nationalId).to.equal("19900101-12345-00001-23");
		expect(entry.shop).to.include({ id: a.id, name: a.name, status: "pending_verification" });
		const user = await call(stack, "/verifications", seller);
		expect(user.status).to.equal(403);
		expect((await call(stack, "/verifications", null)).status).to.equal(401);
	});

	it("approve: the shop becomes active and public, the seller is told; approving again is 409", async () => {
		const shop = await openShop(stack, seller);
		await submitVerification(stack, seller, shop.id);
		expect((await call(stack, `/shops/${shop.id}/verification/approve`, seller, { method: "POST" })).status).to.equal(403);
		const res = await call(stack, `/shops/${shop.id}/verification/approve`, admin, { method: "POST" });
		expect(res.status, res.text).to.equal(200);
		expect(res.json).to.include({ id: shop.id, status: "active", rejectionReason: null });
		expect((await call(stack, `/shops/${shop.id}`, null)).json.status).to.equal("active");
		const [event] = await outbox("commerce.shop.approved", { shopId: shop.id });
		expect(event.data).to.deep.equal({ shopId: shop.id, ownerId: seller.userId, shopName: shop.name });
		await notified(seller.accessToken, "commerce.shop_approved", shop.id);
		expect(event.actorId).to.equal(ops.userId);
		const again = await call(stack, `/shops/${shop.id}/verification/approve`, admin, { method: "POST" });
		expect(again.status).to.equal(409);
		expect(again.json.type).to.equal("NO_PENDING_VERIFICATION");
		const [v] = await coreQuery("SELECT status, decided_by FROM commerce.shop_verifications WHERE shop_id = $1", [shop.id]);
		expect(v).to.deep.equal({ status: "approved", decided_by: ops.userId });
	});

	it("reject with a reason: the seller sees it and may submit again; a reason is required", async () => {
		const shop = await openShop(stack, seller);
		await submitVerification(stack, seller, shop.id);
		expect((await call(stack, `/shops/${shop.id}/verification/reject`, admin, { method: "POST", body: { reason: " " } })).status).to.equal(400);
		expect((await call(stack, `/shops/${shop.id}/verification/reject`, admin, { method: "POST", body: {} })).status).to.equal(400);
		const res = await call(stack, `/shops/${shop.id}/verification/reject`, admin, { method: "POST", body: { reason: "The ID photo is blurred" } });
		expect(res.status, res.text).to.equal(200);
		expect(res.json).to.include({ status: "rejected", rejectionReason: "The ID photo is blurred" });
		const seen = await call(stack, `/shops/${shop.id}`, seller);
		expect(seen.json).to.include({ status: "rejected", rejectionReason: "The ID photo is blurred" });
		expect((await call(stack, `/shops/${shop.id}/verification`, seller)).json).to.include({ status: "rejected", reason: "The ID photo is blurred" });
		const [event] = await outbox("commerce.shop.rejected", { shopId: shop.id });
		expect(event.data.reason).to.equal("The ID photo is blurred");
		await notified(seller.accessToken, "commerce.shop_rejected", shop.id);
		await submitVerification(stack, seller, shop.id);
		expect((await call(stack, `/shops/${shop.id}`, seller)).json.status).to.equal("pending_verification");
	});

	it("an approval and a rejection sent at once: exactly one wins", async () => {
		const shop = await openShop(stack, seller);
		await submitVerification(stack, seller, shop.id);
		const [approve, reject] = await Promise.all([
			call(stack, `/shops/${shop.id}/verification/approve`, admin, { method: "POST" }),
			call(stack, `/shops/${shop.id}/verification/reject`, admin, { method: "POST", body: { reason: "Duplicate shop" } })
		]);
		expect([approve.status, reject.status].sort()).to.deep.equal([200, 409]);
		const [row] = await coreQuery<{ status: string }>("SELECT status FROM commerce.shops WHERE id = $1", [shop.id]);
		expect(row.status).to.equal(approve.status === 200 ? "active" : "rejected");
		const events = [...(await outbox("commerce.shop.approved", { shopId: shop.id })), ...(await outbox("commerce.shop.rejected", { shopId: shop.id }))];
		expect(events).to.have.length(1);
	});

	it("documents: the owner and a reviewing administrator may read them, nobody else", async () => {
		const shop = await openShop(stack, seller);
		const doc = await uploadImage(stack, seller, "verification");
		await submitVerification(stack, seller, shop.id, [doc]);
		expect((await files(`/${doc}`, seller.accessToken)).status).to.equal(200);
		expect((await files(`/${doc}`, other.accessToken)).status).to.equal(404);
		expect((await files(`/${doc}`, undefined)).status).to.equal(404);
		expect((await call(stack, "/verifications", admin)).status).to.equal(200);
		const asAdmin = await files(`/${doc}`, admin);
		expect(asAdmin.status, asAdmin.text).to.equal(200);
		expect(asAdmin.json.url).to.be.a("string");
		const direct = await stack.broker.call<{ allowed: boolean }, object>("commerce.canReadFile", { fileId: doc, userId: other.userId, ref: `commerce:verification:${shop.id}` });
		expect(direct).to.deep.equal({ allowed: false });
		const wrongShop = await stack.broker.call<{ allowed: boolean }, object>("commerce.canReadFile", { fileId: doc, userId: seller.userId, ref: `commerce:verification:${(await openShop(stack, other)).id}` });
		expect(wrongShop).to.deep.equal({ allowed: false });
	});

	it("suspend hides an active shop from everyone but its owner and administrators; reinstate brings it back", async () => {
		const shop = await activeShop(stack, seller, admin);
		expect((await call(stack, `/shops/${shop.id}/suspend`, seller, { method: "POST", body: { reason: "Counterfeit goods" } })).status).to.equal(403);
		expect((await call(stack, `/shops/${shop.id}/suspend`, admin, { method: "POST", body: { reason: "" } })).status).to.equal(400);
		const res = await call(stack, `/shops/${shop.id}/suspend`, admin, { method: "POST", body: { reason: "Counterfeit goods" } });
		expect(res.status, res.text).to.equal(200);
		expect(res.json).to.include({ status: "suspended", suspensionReason: "Counterfeit goods" });
		expect((await call(stack, `/shops/${shop.id}`, other)).status).to.equal(404);
		expect((await call(stack, `/shops/${shop.id}`, seller)).json.status).to.equal("suspended");
		expect((await call(stack, `/shops/${shop.id}/suspend`, admin, { method: "POST", body: { reason: "Again" } })).status).to.equal(409);
		expect((await outbox("commerce.shop.suspended", { shopId: shop.id }))[0].data.reason).to.equal("Counterfeit goods");
		const back = await call(stack, `/shops/${shop.id}/reinstate`, admin, { method: "POST" });
		expect(back.status, back.text).to.equal(200);
		expect(back.json.status).to.equal("active");
		expect((await call(stack, `/shops/${shop.id}`, other)).status).to.equal(200);
		expect((await outbox("commerce.shop.reinstated", { shopId: shop.id }))[0].data.status).to.equal("active");
	});

	it("submitting for an active shop is 409 SHOP_STATE; someone else's active shop is 403", async () => {
		const shop = await activeShop(stack, seller, admin);
		const doc = await uploadImage(stack, seller, "verification");
		const res = await call(stack, `/shops/${shop.id}/verification`, seller, { method: "POST", body: { documentFileIds: [doc], nationalId: "12345678" } });
		expect(res.status).to.equal(409);
		expect(res.json.type).to.equal("SHOP_STATE");
		const theirs = await uploadImage(stack, other, "verification");
		expect((await call(stack, `/shops/${shop.id}/verification`, other, { method: "POST", body: { documentFileIds: [theirs], nationalId: "12345678" } })).status).to.equal(403);
		expect((await call(stack, `/shops/${shop.id}/verification`, other)).status).to.equal(403);
	});
});
