/** SQL for shops, their verification submissions and the reviewers who work the queue. */
import type { ShopStatus } from "../rules/shop-status";
import { execute, select, selectOne, uuidArray, type Db } from "../../../lib/db/sql";

export interface ShopRow {
	id: string;
	owner_id: string;
	name: string;
	slug: string;
	description: string;
	logo_file_id: string | null;
	banner_file_id: string | null;
	category: string | null;
	region: string;
	city: string;
	phone: string;
	status: ShopStatus;
	rejection_reason: string | null;
	suspension_reason: string | null;
	verified_at: Date | null;
	rating_sum: string;
	rating_count: number;
	delivery_fee: string;
	currency: string;
	created_at: Date;
	updated_at: Date;
}

export interface VerificationRow {
	id: string;
	shop_id: string;
	submitted_by: string;
	document_file_ids: string[];
	national_id: string;
	business_reg_no: string | null;
	status: "pending" | "approved" | "rejected" | "withdrawn";
	reason: string | null;
	decided_by: string | null;
	decided_at: Date | null;
	created_at: Date;
}

export interface NewShop {
	id: string;
	ownerId: string;
	name: string;
	slug: string;
	description: string;
	logoFileId: string | null;
	bannerFileId: string | null;
	category: string | null;
	region: string;
	city: string;
	phone: string;
	currency: string;
	deliveryFee: number;
}

export function insertShop(db: Db, s: NewShop): Promise<ShopRow | null> {
	return selectOne<ShopRow>(
		db,
		`INSERT INTO commerce.shops (id, owner_id, name, slug, description, logo_file_id, banner_file_id, category, region, city, phone, currency, delivery_fee)
		 VALUES (:id, :ownerId, :name, :slug, :description, :logoFileId, :bannerFileId, :category, :region, :city, :phone, :currency, :deliveryFee)
		 ON CONFLICT (slug) DO NOTHING
		 RETURNING *`,
		{ ...s }
	);
}

export function shopById(db: Db, id: string, lock = false): Promise<ShopRow | null> {
	return selectOne<ShopRow>(db, `SELECT * FROM commerce.shops WHERE id = :id${lock ? " FOR UPDATE" : ""}`, { id });
}

export function shopsByIds(db: Db, ids: readonly string[]): Promise<ShopRow[]> {
	return select<ShopRow>(db, `SELECT * FROM commerce.shops WHERE id = ANY(:ids::uuid[])`, { ids: uuidArray(ids) });
}

export function slugsLike(db: Db, base: string): Promise<string[]> {
	return select<{ slug: string }>(db, `SELECT slug FROM commerce.shops WHERE slug = :base OR slug LIKE :pattern`, {
		base,
		pattern: `${base.replace(/[\\%_]/g, c => `\\${c}`)}-%`
	}).then(rows => rows.map(r => r.slug));
}

/** Counts the owner's shops while holding a per-owner advisory lock, so parallel opens cannot pass the limit together. */
export async function lockOwnerAndCount(db: Db, ownerId: string): Promise<number> {
	await execute(db, `SELECT pg_advisory_xact_lock(hashtextextended('commerce.shops.owner:' || :ownerId, 0))`, { ownerId });
	const row = await selectOne<{ n: string }>(db, `SELECT count(*) AS n FROM commerce.shops WHERE owner_id = :ownerId`, { ownerId });
	return Number(row?.n ?? 0);
}

const COLUMNS: Record<string, string> = {
	name: "name",
	slug: "slug",
	description: "description",
	logoFileId: "logo_file_id",
	bannerFileId: "banner_file_id",
	category: "category",
	region: "region",
	city: "city",
	phone: "phone",
	deliveryFee: "delivery_fee"
};

export function updateShop(db: Db, id: string, changes: Record<string, unknown>): Promise<ShopRow | null> {
	const keys = Object.keys(changes).filter(k => COLUMNS[k]);
	const sets = keys.map(k => `${COLUMNS[k]} = :${k}`);
	return selectOne<ShopRow>(db, `UPDATE commerce.shops SET ${[...sets, "updated_at = now()"].join(", ")} WHERE id = :id RETURNING *`, { ...changes, id });
}

export function setShopStatus(
	db: Db,
	id: string,
	status: ShopStatus,
	extra: { rejectionReason?: string | null; suspensionReason?: string | null; verified?: boolean } = {}
): Promise<ShopRow | null> {
	return selectOne<ShopRow>(
		db,
		`UPDATE commerce.shops SET status = :status,
			rejection_reason = CASE WHEN :setRejection THEN :rejectionReason ELSE rejection_reason END,
			suspension_reason = CASE WHEN :setSuspension THEN :suspensionReason ELSE suspension_reason END,
			verified_at = CASE WHEN :verified THEN now() ELSE verified_at END,
			updated_at = now()
		 WHERE id = :id RETURNING *`,
		{
			id,
			status,
			setRejection: extra.rejectionReason !== undefined,
			rejectionReason: extra.rejectionReason ?? null,
			setSuspension: extra.suspensionReason !== undefined,
			suspensionReason: extra.suspensionReason ?? null,
			verified: Boolean(extra.verified)
		}
	);
}

export interface ShopListQuery {
	q: string | null;
	city: string | null;
	category: string | null;
	ownerId: string | null;
	/** Only active shops (everyone's view) or every status (an owner listing their own). */
	activeOnly: boolean;
	after: [string, string] | null;
	limit: number;
}

/** Shops by name (trigram match when `q`), newest first, keyset on (created_at, id). */
export function listShops(db: Db, q: ShopListQuery): Promise<ShopRow[]> {
	const where = ["TRUE"];
	if (q.activeOnly) where.push(`status = 'active'`);
	if (q.ownerId) where.push(`owner_id = :ownerId`);
	if (q.city) where.push(`lower(city) = lower(:city)`);
	if (q.category) where.push(`lower(category) = lower(:category)`);
	if (q.q) where.push(`(lower(name) LIKE '%' || :like || '%' OR lower(name) % :q)`);
	if (q.after) where.push(`(created_at, id) < (:afterAt::timestamptz, :afterId::uuid)`);
	return select<ShopRow>(db, `SELECT * FROM commerce.shops WHERE ${where.join(" AND ")} ORDER BY created_at DESC, id DESC LIMIT :limit`, {
		ownerId: q.ownerId,
		city: q.city,
		category: q.category,
		q: q.q?.toLowerCase() ?? null,
		like: q.q ? q.q.toLowerCase().replace(/[\\%_]/g, c => `\\${c}`) : null,
		afterAt: q.after?.[0] ?? null,
		afterId: q.after?.[1] ?? null,
		limit: q.limit + 1
	});
}

// ---- verification ----

export function insertVerification(
	db: Db,
	v: { id: string; shopId: string; submittedBy: string; documentFileIds: string[]; nationalId: string; businessRegNo: string | null }
): Promise<VerificationRow | null> {
	return selectOne<VerificationRow>(
		db,
		`INSERT INTO commerce.shop_verifications (id, shop_id, submitted_by, document_file_ids, national_id, business_reg_no)
		 VALUES (:id, :shopId, :submittedBy, :docs::uuid[], :nationalId, :businessRegNo)
		 RETURNING *`,
		{ ...v, docs: uuidArray(v.documentFileIds) }
	);
}

export function pendingVerification(db: Db, shopId: string): Promise<VerificationRow | null> {
	return selectOne<VerificationRow>(db, `SELECT * FROM commerce.shop_verifications WHERE shop_id = :shopId AND status = 'pending'`, { shopId });
}

export function latestVerification(db: Db, shopId: string): Promise<VerificationRow | null> {
	return selectOne<VerificationRow>(db, `SELECT * FROM commerce.shop_verifications WHERE shop_id = :shopId ORDER BY created_at DESC, id DESC LIMIT 1`, { shopId });
}

export function decideVerification(db: Db, id: string, status: "approved" | "rejected" | "withdrawn", by: string | null, reason: string | null): Promise<number> {
	return execute(
		db,
		`UPDATE commerce.shop_verifications SET status = :status, decided_by = :by, decided_at = now(), reason = :reason WHERE id = :id AND status = 'pending'`,
		{ id, status, by, reason }
	);
}

export function verificationQueue(db: Db, after: [string, string] | null, limit: number): Promise<Array<VerificationRow & { shop: ShopRow }>> {
	return select(
		db,
		`SELECT v.*, to_jsonb(s.*) AS shop
		   FROM commerce.shop_verifications v JOIN commerce.shops s ON s.id = v.shop_id
		  WHERE v.status = 'pending' ${after ? "AND (v.created_at, v.id) > (:afterAt::timestamptz, :afterId::uuid)" : ""}
		  ORDER BY v.created_at, v.id LIMIT :limit`,
		{ afterAt: after?.[0] ?? null, afterId: after?.[1] ?? null, limit: limit + 1 }
	);
}

/** The shop whose verification holds this file (any submission), for files' access check. */
export function shopHoldingDocument(db: Db, shopId: string, fileId: string): Promise<{ owner_id: string } | null> {
	return selectOne(
		db,
		`SELECT s.owner_id FROM commerce.shops s
		  WHERE s.id = :shopId AND EXISTS (SELECT 1 FROM commerce.shop_verifications v WHERE v.shop_id = s.id AND :fileId::uuid = ANY(v.document_file_ids))`,
		{ shopId, fileId }
	);
}

// ---- reviewers ----

export function touchReviewer(db: Db, userId: string): Promise<number> {
	return execute(db, `INSERT INTO commerce.reviewers (user_id) VALUES (:userId) ON CONFLICT (user_id) DO UPDATE SET last_seen_at = now()`, { userId });
}

/** Administrators who worked the queue within the window: they hear about new submissions. */
export function activeReviewers(db: Db, withinDays: number): Promise<string[]> {
	return select<{ user_id: string }>(db, `SELECT user_id FROM commerce.reviewers WHERE last_seen_at > now() - make_interval(days => :days) ORDER BY last_seen_at DESC LIMIT 50`, {
		days: withinDays
	}).then(rows => rows.map(r => r.user_id));
}

export async function isReviewer(db: Db, userId: string, withinDays: number): Promise<boolean> {
	const row = await selectOne(db, `SELECT 1 FROM commerce.reviewers WHERE user_id = :userId AND last_seen_at > now() - make_interval(days => :days)`, { userId, days: withinDays });
	return row !== null;
}

/** PostgreSQL's unique_violation on the named constraint or index. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
	const parent = (err as { parent?: { code?: string; constraint?: string } }).parent;
	return parent?.code === "23505" && (!constraint || parent.constraint === constraint);
}
