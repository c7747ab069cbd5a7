/**
 * A shop's fields as a seller types them (docs/commerce.md "Shops"): trimmed
 * texts within limits, a phone normalised to E.164 (East-African numbering
 * plans, local "07…" forms accepted), a currency we can collect, a delivery
 * fee in minor units. Returns the clean values or the first problem.
 */
import { normalizePhone } from "../../auth/rules/phone";
import { isCurrency } from "../../payments/rules/money";
import { isSlug, SLUG_MAX } from "./slug";

const COUNTRY_CURRENCY: Partial<Record<string, string>> = { TZ: "TZS", KE: "KES", UG: "UGX", RW: "RWF" };

export const SHOP_LIMITS = { name: 80, description: 2000, category: 60, region: 80, city: 80, reasonMax: 500 } as const;

export interface ShopInput {
	name?: string;
	slug?: string;
	description?: string;
	logoFileId?: string | null;
	bannerFileId?: string | null;
	category?: string | null;
	region?: string;
	city?: string;
	phone?: string;
	currency?: string;
	deliveryFee?: number;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

const clean = (s: string) => s.normalize("NFC").replace(/\s+/g, " ").trim();
const length = (s: string) => [...s].length;

export function checkShopInput(input: ShopInput, creating: boolean): Checked<ShopInput> {
	const out: ShopInput = {};
	const text = (field: "name" | "region" | "city" | "category", max: number, required: boolean): string | null => {
		const raw = input[field];
		if (raw === undefined || raw === null) {
			if (required) throw fail(field, "is required");
			return null;
		}
		const v = clean(raw);
		if (v.length === 0 && required) throw fail(field, "must not be empty");
		if (length(v) > max) throw fail(field, `at most ${max} characters`);
		return v;
	};
	try {
		const name = text("name", SHOP_LIMITS.name, creating);
		if (name !== null) {
			if (length(name) < 2) throw fail("name", "at least 2 characters");
			out.name = name;
		}
		for (const f of ["region", "city"] as const) {
			const v = text(f, SHOP_LIMITS[f], creating);
			if (v !== null) out[f] = v;
		}
		if (input.category !== undefined) out.category = input.category === null ? null : text("category", SHOP_LIMITS.category, false) || null;
		if (input.description !== undefined) {
			const d = input.description.normalize("NFC").trim();
			if (length(d) > SHOP_LIMITS.description) throw fail("description", `at most ${SHOP_LIMITS.description} characters`);
			out.description = d;
		}
		if (input.slug !== undefined) {
			const slug = input.slug.trim().toLowerCase();
			if (!isSlug(slug)) throw fail("slug", `3–${SLUG_MAX} lowercase letters, digits and single hyphens`);
			out.slug = slug;
		}
		if (input.phone !== undefined || creating) {
			if (!input.phone) throw fail("phone", "is required");
			const phone = normalizePhone(input.phone);
			if (!phone.ok) throw fail("phone", "not a supported mobile number");
			out.phone = phone.e164;
			// A shop sells in its country's currency unless the seller says otherwise.
			if (creating && input.currency === undefined) out.currency = COUNTRY_CURRENCY[phone.country] ?? "TZS";
		}
		if (input.currency !== undefined) {
			if (!isCurrency(input.currency)) throw fail("currency", "one of TZS, KES, UGX, RWF");
			out.currency = input.currency;
		}
		if (input.deliveryFee !== undefined) {
			if (!Number.isSafeInteger(input.deliveryFee) || input.deliveryFee < 0) throw fail("deliveryFee", "a whole number of minor units, 0 or more");
			out.deliveryFee = input.deliveryFee;
		}
		if (input.logoFileId !== undefined) out.logoFileId = input.logoFileId;
		if (input.bannerFileId !== undefined) out.bannerFileId = input.bannerFileId;
	} catch (err) {
		if (err instanceof InputProblem) return { ok: false, field: err.field, message: err.message };
		throw err;
	}
	return { ok: true, value: out };
}

/** A reason an administrator gives (rejection, suspension): 3–500 characters after trimming. */
export function checkReason(raw: string): Checked<string> {
	const v = clean(raw ?? "");
	if (length(v) < 3) return { ok: false, field: "reason", message: "at least 3 characters" };
	if (length(v) > SHOP_LIMITS.reasonMax) return { ok: false, field: "reason", message: `at most ${SHOP_LIMITS.reasonMax} characters` };
	return { ok: true, value: v };
}

/** A national ID number as printed (letters, digits, spaces, hyphens, slashes), stored without spaces, 5–30 characters. */
export function checkNationalId(raw: string): Checked<string> {
	const v = (raw ?? "").replace(/\s+/g, "").toUpperCase();
	if (!/^[A-Z0-9][A-Z0-9/-]{4,29}$/.test(v)) return { ok: false, field: "nationalId", message: "5–30 letters, digits, hyphens or slashes" };
	return { ok: true, value: v };
}

/** "19900101123450000123" → "••••••••••••••••0123": what a seller sees back (the full number is for the reviewers). */
export function maskNationalId(id: string): string {
	return id.length <= 4 ? id : `${"•".repeat(id.length - 4)}${id.slice(-4)}`;
}

class InputProblem extends Error {
	constructor(readonly field: string, message: string) {
		super(message);
	}
}
const fail = (field: string, message: string) => new InputProblem(field, message);
