/**
 * Shops (docs/commerce.md "Shops"): open, edit, read, list. A new shop waits
 * for verification (flows/verification.ts); a shop that is not active is seen
 * only by its owner and administrators (everyone else: 404, existence is not
 * revealed). Logo and banner are files of purpose "shop" attached to
 * `commerce:shop:<id>`; a replaced one is released.
 */
import { inTransaction } from "../../../lib/db/transaction";
import { badRequest, ErrorType } from "../../../lib/errors";
import { isUuid, newId } from "../../../lib/ids";
import { readPage, toPage, type Page } from "../../../lib/pagination";
import { CommerceError } from "../errors";
import type { ServableFileView } from "../../../lib/files/file-view";
import { shopRef } from "../peers";
import { checkShopInput, type ShopInput } from "../rules/shop-input";
import { publiclyVisible } from "../rules/shop-status";
import { slugCandidate, slugify } from "../rules/slug";
import { insertShop, isUniqueViolation, listShops, lockOwnerAndCount, shopById, shopsByIds, slugsLike, updateShop, type ShopRow } from "../store/shops";
import type { CommerceRuntime } from "../runtime";

export interface Viewer {
	userId: string | null;
	admin: boolean;
}

export interface ShopView {
	id: string;
	ownerId: string;
	name: string;
	slug: string;
	description: string;
	logo: { id: string; url: string; blurhash: string | null } | null;
	banner: { id: string; url: string; blurhash: string | null } | null;
	category: string | null;
	region: string;
	city: string;
	phone: string;
	status: ShopRow["status"];
	/** Only for the owner and administrators. */
	rejectionReason?: string | null;
	suspensionReason?: string | null;
	verifiedAt: string | null;
	deliveryFee: number;
	currency: string;
	rating: { average: number | null; count: number };
	createdAt: string;
	updatedAt: string;
}

const db = (rt: CommerceRuntime) => ({ sequelize: rt.sequelize });

export const isOwnerOrAdmin = (shop: ShopRow, viewer: Viewer) => viewer.admin || (viewer.userId !== null && viewer.userId === shop.owner_id);
export const canSee = (shop: ShopRow, viewer: Viewer) => publiclyVisible(shop.status) || isOwnerOrAdmin(shop, viewer);

/** Average of whole-star ratings to one decimal; null before the first review. */
export function ratingOf(sum: string | number, count: number): { average: number | null; count: number } {
	return { average: count > 0 ? Math.round((Number(sum) / count) * 10) / 10 : null, count };
}

const image = (id: string | null, views: Map<string, ServableFileView>) => {
	const v = id ? views.get(id) : undefined;
	return id && v ? { id, url: v.url, blurhash: v.blurhash ?? null } : null;
};

export function shopView(row: ShopRow, views: Map<string, ServableFileView>, viewer: Viewer): ShopView {
	const privileged = isOwnerOrAdmin(row, viewer);
	return {
		id: row.id,
		ownerId: row.owner_id,
		name: row.name,
		slug: row.slug,
		description: row.description,
		logo: image(row.logo_file_id, views),
		banner: image(row.banner_file_id, views),
		category: row.category,
		region: row.region,
		city: row.city,
		phone: row.phone,
		status: row.status,
		...(privileged ? { rejectionReason: row.rejection_reason, suspensionReason: row.suspension_reason } : {}),
		verifiedAt: row.verified_at ? new Date(row.verified_at).toISOString() : null,
		deliveryFee: Number(row.delivery_fee),
		currency: row.currency,
		rating: ratingOf(row.rating_sum, row.rating_count),
		createdAt: new Date(row.created_at).toISOString(),
		updatedAt: new Date(row.updated_at).toISOString()
	};
}

export async function shopViews(rt: CommerceRuntime, rows: ShopRow[], viewer: Viewer): Promise<ShopView[]> {
	const views = await rt.peers.views(rows.flatMap(r => [r.logo_file_id, r.banner_file_id].filter((x): x is string => Boolean(x))));
	return rows.map(r => shopView(r, views, viewer));
}

/** The shop as the viewer may see it, or 404. */
export async function visibleShop(rt: CommerceRuntime, shopId: string, viewer: Viewer): Promise<ShopRow> {
	const shop = await shopById(db(rt), shopId);
	if (!shop || !canSee(shop, viewer)) throw CommerceError.shopNotFound();
	return shop;
}

/** The shop, which the caller must own (403 for someone else's visible shop, 404 for one they may not see). */
export async function ownedShop(rt: CommerceRuntime, shopId: string, viewer: Viewer): Promise<ShopRow> {
	const shop = await visibleShop(rt, shopId, viewer);
	if (shop.owner_id !== viewer.userId) throw CommerceError.notShopOwner();
	return shop;
}

function checked(input: ShopInput, creating: boolean): ShopInput {
	const res = checkShopInput(input, creating);
	if (!res.ok) throw CommerceError.invalid(res.field, res.message);
	return res.value;
}

const imageIds = (s: Pick<ShopInput, "logoFileId" | "bannerFileId">) => [s.logoFileId, s.bannerFileId].filter((x): x is string => typeof x === "string");

export async function createShop(rt: CommerceRuntime, ownerId: string, input: ShopInput): Promise<ShopView> {
	const clean = checked(input, true);
	const id = newId();
	const files = imageIds(clean);
	// Files first (a remote call holds no row lock); released again if the shop is not created.
	await rt.peers.claim(ownerId, [...new Set(files)], "shop", shopRef(id));
	try {
		const row = await inTransaction(rt.sequelize, async t => {
			const count = await lockOwnerAndCount({ sequelize: rt.sequelize, t }, ownerId);
			if (count >= rt.cfg.shopsPerOwnerMax) throw CommerceError.tooManyShops(rt.cfg.shopsPerOwnerMax);
			const base = {
				id,
				ownerId,
				name: clean.name!,
				description: clean.description ?? "",
				logoFileId: clean.logoFileId ?? null,
				bannerFileId: clean.bannerFileId ?? null,
				category: clean.category ?? null,
				region: clean.region!,
				city: clean.city!,
				phone: clean.phone!,
				currency: clean.currency!,
				deliveryFee: clean.deliveryFee ?? 0
			};
			if (clean.slug) {
				const inserted = await insertShop({ sequelize: rt.sequelize, t }, { ...base, slug: clean.slug });
				if (!inserted) throw CommerceError.slugTaken(clean.slug);
				return inserted;
			}
			// Derived address: the first free of name, name-2, name-3, … (a parallel open may take one: try the next).
			const wanted = slugify(clean.name!);
			const taken = new Set(await slugsLike({ sequelize: rt.sequelize, t }, wanted));
			for (let n = 1; n < 10_000; n++) {
				const slug = slugCandidate(wanted, n);
				if (taken.has(slug)) continue;
				const inserted = await insertShop({ sequelize: rt.sequelize, t }, { ...base, slug });
				if (inserted) return inserted;
			}
			throw CommerceError.slugTaken(wanted);
		});
		return (await shopViews(rt, [row], { userId: ownerId, admin: false }))[0];
	} catch (err) {
		await rt.peers.release(files, shopRef(id));
		throw err;
	}
}

export async function editShop(rt: CommerceRuntime, viewer: Viewer, shopId: string, input: ShopInput): Promise<ShopView> {
	const before = await ownedShop(rt, shopId, viewer);
	const clean = checked(input, false);
	if (clean.currency !== undefined && clean.currency !== before.currency) throw CommerceError.invalid("currency", "a shop's currency cannot change (its products and orders are priced in it)");
	delete clean.currency;
	const added = imageIds(clean).filter(id => id !== before.logo_file_id && id !== before.banner_file_id);
	await rt.peers.claim(viewer.userId!, [...new Set(added)], "shop", shopRef(shopId));
	let row: ShopRow | null;
	try {
		row = Object.keys(clean).length > 0 ? await updateShop(db(rt), shopId, clean as Record<string, unknown>) : before;
	} catch (err) {
		await rt.peers.release(added, shopRef(shopId));
		if (isUniqueViolation(err, "shops_slug_key")) throw CommerceError.slugTaken(clean.slug!);
		throw err;
	}
	if (!row) throw CommerceError.shopNotFound();
	const still = new Set([row.logo_file_id, row.banner_file_id]);
	const dropped = [before.logo_file_id, before.banner_file_id].filter((id): id is string => Boolean(id) && !still.has(id));
	await rt.peers.release(dropped, shopRef(shopId));
	return (await shopViews(rt, [row], viewer))[0];
}

export interface ShopListParams {
	q?: string;
	city?: string;
	category?: string;
	ownerId?: string;
	mine?: boolean;
	cursor?: string;
	limit?: number;
}

/** Active shops for everyone; `mine` lists the caller's own shops in every status. */
export async function findShops(rt: CommerceRuntime, viewer: Viewer, p: ShopListParams): Promise<Page<ShopView>> {
	const { limit, after } = readPage<[string, string]>(p);
	checkKeyset(after);
	const q = p.q?.trim() || null;
	const rows = await listShops(db(rt), {
		q,
		city: p.city?.trim() || null,
		category: p.category?.trim() || null,
		ownerId: p.mine ? viewer.userId : (p.ownerId ?? null),
		activeOnly: !p.mine,
		after,
		limit
	});
	const page = toPage(rows, limit, r => [new Date(r.created_at).toISOString(), r.id]);
	return { items: await shopViews(rt, page.items, viewer), nextCursor: page.nextCursor };
}

/** A `[isoTime, uuid]` keyset cursor, or a 400 (a hand-made cursor must not reach SQL as garbage). */
export function checkKeyset(after: unknown): asserts after is [string, string] | null {
	if (after === null) return;
	const ok = Array.isArray(after) && after.length === 2 && typeof after[0] === "string" && !Number.isNaN(Date.parse(after[0])) && isUuid(after[1]);
	if (!ok) throw badRequest("Invalid cursor", ErrorType.INVALID_CURSOR);
}

export async function shopsById(rt: CommerceRuntime, ids: string[]): Promise<ShopRow[]> {
	return ids.length === 0 ? [] : shopsByIds(db(rt), ids);
}
