/**
 * Seller verification (docs/commerce.md "Verification"). The owner submits
 * documents (files of purpose "verification", private, attached to
 * `commerce:verification:<shopId>`), the national ID number and optionally a
 * business registration number; administrators work the queue oldest first
 * and approve (the shop becomes active) or reject with a reason (the seller
 * may submit again). Each step raises its event in the same transaction, and
 * notifications tells the other side. Every decision locks the shop row, so
 * two administrators deciding at once cannot both win.
 */
import type { Transaction } from "sequelize";
import { inTransaction } from "../../../lib/db/transaction";
import { newId } from "../../../lib/ids";
import { readPage, toPage, type Page } from "../../../lib/pagination";
import { CommerceError } from "../errors";
import { parseVerificationRef, verificationRef } from "../peers";
import { checkNationalId, checkReason, maskNationalId } from "../rules/shop-input";
import { canDo, nextStatus, type ShopAction } from "../rules/shop-status";
import type { CommerceRuntime } from "../runtime";
import {
	activeReviewers,
	isReviewer,
	decideVerification,
	insertVerification,
	latestVerification,
	pendingVerification,
	setShopStatus,
	shopById,
	shopHoldingDocument,
	touchReviewer,
	verificationQueue,
	type ShopRow,
	type VerificationRow
} from "../store/shops";
import { checkKeyset, ownedShop, shopViews, visibleShop, type ShopView, type Viewer } from "./shops";

/** Administrators who worked the queue this recently are told about new submissions. */
const REVIEWER_WINDOW_DAYS = 30;
const DOCUMENTS_MAX = 10;

export interface VerificationView {
	id: string;
	shopId: string;
	status: VerificationRow["status"];
	documentFileIds: string[];
	/** Masked for the seller; in full for administrators. */
	nationalId: string;
	businessRegNo: string | null;
	reason: string | null;
	submittedAt: string;
	decidedAt: string | null;
}

export function verificationView(v: VerificationRow, admin: boolean): VerificationView {
	return {
		id: v.id,
		shopId: v.shop_id,
		status: v.status,
		documentFileIds: v.document_file_ids,
		nationalId: admin ? v.national_id : maskNationalId(v.national_id),
		businessRegNo: v.business_reg_no,
		reason: v.reason,
		submittedAt: new Date(v.created_at).toISOString(),
		decidedAt: v.decided_at ? new Date(v.decided_at).toISOString() : null
	};
}

export interface SubmitInput {
	documentFileIds: string[];
	nationalId: string;
	businessRegNo?: string;
}

export async function submitVerification(rt: CommerceRuntime, viewer: Viewer, shopId: string, input: SubmitInput): Promise<VerificationView> {
	const userId = viewer.userId!;
	const shop = await ownedShop(rt, shopId, viewer);
	const docs = [...new Set(input.documentFileIds.map(id => id.toLowerCase()))];
	if (docs.length === 0 || docs.length > DOCUMENTS_MAX) throw CommerceError.invalid("documentFileIds", `1–${DOCUMENTS_MAX} files`);
	const nationalId = checkNationalId(input.nationalId);
	if (!nationalId.ok) throw CommerceError.invalid(nationalId.field, nationalId.message);
	const regNo = input.businessRegNo?.trim() || null;
	if (regNo !== null && !/^[A-Za-z0-9][A-Za-z0-9 /.-]{2,39}$/.test(regNo)) throw CommerceError.invalid("businessRegNo", "3–40 letters, digits, spaces, dots, hyphens or slashes");
	if (!canDo(shop.status, "submit_verification")) throw CommerceError.shopState(shop.status, "submit a verification");

	// The documents are attached before the row (idempotent per shop); on failure the new ones are released again.
	await rt.peers.claim(userId, docs, "verification", verificationRef(shopId));
	try {
		return await inTransaction(rt.sequelize, async t => {
			const d = { sequelize: rt.sequelize, t };
			const locked = (await shopById(d, shopId, true))!;
			if (!canDo(locked.status, "submit_verification")) throw CommerceError.shopState(locked.status, "submit a verification");
			if (await pendingVerification(d, shopId)) throw CommerceError.verificationPending();
			const row = (await insertVerification(d, { id: newId(), shopId, submittedBy: userId, documentFileIds: docs, nationalId: nationalId.value, businessRegNo: regNo }))!;
			// A rejected shop goes back to waiting; its old reason stays visible until the new decision.
			if (locked.status !== "pending_verification") await setShopStatus(d, shopId, nextStatus(locked.status, "submit_verification", locked.verified_at !== null));
			const reviewerIds = await activeReviewers(d, REVIEWER_WINDOW_DAYS);
			await rt.raiseEvent(t, "commerce.shop.verification_submitted", { shopId, ownerId: locked.owner_id, shopName: locked.name, verificationId: row.id, reviewerIds }, userId);
			return verificationView(row, false);
		});
	} catch (err) {
		const earlier = await latestVerification({ sequelize: rt.sequelize }, shopId);
		// Documents that an earlier submission uses stay attached.
		const keep = new Set(earlier?.document_file_ids ?? []);
		await rt.peers.release(docs.filter(id => !keep.has(id)), verificationRef(shopId));
		throw err;
	}
}

/** The shop's latest submission (owner: national ID masked; administrators: in full); 404 when none. */
export async function currentVerification(rt: CommerceRuntime, viewer: Viewer, shopId: string): Promise<VerificationView> {
	const shop = await visibleShop(rt, shopId, viewer);
	if (!viewer.admin && shop.owner_id !== viewer.userId) throw CommerceError.notShopOwner();
	const row = await latestVerification({ sequelize: rt.sequelize }, shopId);
	if (!row) throw CommerceError.noVerification();
	return verificationView(row, viewer.admin);
}

export async function queue(rt: CommerceRuntime, adminId: string, p: { cursor?: string; limit?: number }): Promise<Page<VerificationView & { shop: ShopView }>> {
	const { limit, after } = readPage<[string, string]>(p);
	checkKeyset(after);
	await touchReviewer({ sequelize: rt.sequelize }, adminId);
	const rows = await verificationQueue({ sequelize: rt.sequelize }, after, limit);
	const page = toPage(rows, limit, r => [new Date(r.created_at).toISOString(), r.id]);
	const viewer = { userId: adminId, admin: true };
	const shops = await shopViews(rt, page.items.map(r => ({ ...r.shop, created_at: r.shop.created_at, updated_at: r.shop.updated_at }) as ShopRow), viewer);
	return { items: page.items.map((r, i) => ({ ...verificationView(r, true), shop: shops[i] })), nextCursor: page.nextCursor };
}

type Decision = { action: "approve" } | { action: "reject"; reason: string };

/** The reason an admin gives (rejecting, suspending), checked before anything is locked. */
function requiredReason(raw: string): string {
	const r = checkReason(raw);
	if (!r.ok) throw CommerceError.invalid(r.field, r.message);
	return r.value;
}

/** The shop under its row lock, for an admin's decision. */
async function lockedShop(d: { sequelize: CommerceRuntime["sequelize"]; t: Transaction }, shopId: string) {
	const shop = await shopById(d, shopId, true);
	if (!shop) throw CommerceError.shopNotFound();
	return shop;
}

export async function decide(rt: CommerceRuntime, adminId: string, shopId: string, decision: Decision): Promise<ShopView> {
	const reason = decision.action === "reject" ? requiredReason(decision.reason) : null;
	const row = await inTransaction(rt.sequelize, async t => {
		const d = { sequelize: rt.sequelize, t };
		const shop = await lockedShop(d, shopId);
		const pending = await pendingVerification(d, shopId);
		if (!pending) throw CommerceError.noPendingVerification();
		if (!canDo(shop.status, decision.action)) throw CommerceError.shopState(shop.status, decision.action);
		await decideVerification(d, pending.id, decision.action === "approve" ? "approved" : "rejected", adminId, reason);
		await touchReviewer(d, adminId);
		const status = nextStatus(shop.status, decision.action, shop.verified_at !== null);
		if (decision.action === "approve") {
			const updated = (await setShopStatus(d, shopId, status, { rejectionReason: null, verified: true }))!;
			await rt.raiseEvent(t, "commerce.shop.approved", { shopId, ownerId: shop.owner_id, shopName: shop.name }, adminId);
			return updated;
		}
		const updated = (await setShopStatus(d, shopId, status, { rejectionReason: reason }))!;
		await rt.raiseEvent(t, "commerce.shop.rejected", { shopId, ownerId: shop.owner_id, shopName: shop.name, reason: reason! }, adminId);
		return updated;
	});
	return (await shopViews(rt, [row], { userId: adminId, admin: true }))[0];
}

/** Suspend (with a reason) or reinstate a shop; a pending submission is withdrawn by a suspension. */
export async function moderate(rt: CommerceRuntime, adminId: string, shopId: string, action: Extract<ShopAction, "suspend" | "reinstate">, rawReason?: string): Promise<ShopView> {
	const reason = action === "suspend" ? requiredReason(rawReason ?? "") : null;
	const row = await inTransaction(rt.sequelize, async t => {
		const d = { sequelize: rt.sequelize, t };
		const shop = await lockedShop(d, shopId);
		if (!canDo(shop.status, action)) throw CommerceError.shopState(shop.status, action);
		const status = nextStatus(shop.status, action, shop.verified_at !== null);
		if (action === "suspend") {
			const pending = await pendingVerification(d, shopId);
			if (pending) await decideVerification(d, pending.id, "withdrawn", adminId, reason);
			const updated = (await setShopStatus(d, shopId, status, { suspensionReason: reason }))!;
			await rt.raiseEvent(t, "commerce.shop.suspended", { shopId, ownerId: shop.owner_id, shopName: shop.name, reason: reason! }, adminId);
			return updated;
		}
		const updated = (await setShopStatus(d, shopId, status, { suspensionReason: null }))!;
		await rt.raiseEvent(t, "commerce.shop.reinstated", { shopId, ownerId: shop.owner_id, shopName: shop.name, status: status as "active" | "pending_verification" }, adminId);
		return updated;
	});
	return (await shopViews(rt, [row], { userId: adminId, admin: true }))[0];
}

/**
 * files asks: may `userId` read this verification document? The shop's owner
 * may, and administrators. files does not pass roles and auth offers no role
 * lookup, so an administrator is recognised as a reviewer: someone whose
 * admin token opened the queue or decided within the reviewer window (the
 * queue is where the documents are reached from). docs/commerce.md.
 */
export async function canReadFile(rt: CommerceRuntime, p: { fileId: string; userId: string | null; ref: string }): Promise<{ allowed: boolean }> {
	const shopId = parseVerificationRef(p.ref);
	if (!shopId || !p.userId) return { allowed: false };
	const d = { sequelize: rt.sequelize };
	const shop = await shopHoldingDocument(d, shopId, p.fileId.toLowerCase());
	if (!shop) return { allowed: false };
	if (shop.owner_id === p.userId.toLowerCase()) return { allowed: true };
	return { allowed: await isReviewer(d, p.userId.toLowerCase(), REVIEWER_WINDOW_DAYS) };
}
