/**
 * A product as a seller sends it (docs/commerce.md "Catalog"): title and
 * description within limits, prices in positive whole minor units, stock as a
 * whole number ≥ 0, up to `variantsMax` variants whose option sets differ and
 * whose SKUs are unique. A product sent without variants gets one default
 * variant (options {}) with the product's price and stock. Pure: returns the
 * clean values or the first problem.
 */
export const PRODUCT_LIMITS = {
	title: 140,
	description: 5000,
	images: 10,
	optionKeys: 5,
	optionKey: 30,
	optionValue: 60,
	sku: 64,
	/** Largest price accepted (minor units): far below 2^53, far above any real listing. */
	priceMax: 1_000_000_000_000,
	stockMax: 1_000_000
} as const;

export type ProductStatus = "draft" | "active" | "archived";

export interface VariantInput {
	sku?: string | null;
	options?: Record<string, string>;
	price: number;
	stock: number;
}

export interface CleanVariant {
	sku: string | null;
	options: Record<string, string>;
	price: number;
	stock: number;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

class Problem extends Error {
	constructor(readonly field: string, message: string) {
		super(message);
	}
}
const fail = (field: string, message: string) => new Problem(field, message);
const cps = (s: string) => [...s].length;
const oneLine = (s: string) => s.normalize("NFC").replace(/\s+/g, " ").trim();

function guard<T>(work: () => T): Checked<T> {
	try {
		return { ok: true, value: work() };
	} catch (err) {
		if (err instanceof Problem) return { ok: false, field: err.field, message: err.message };
		throw err;
	}
}

export function cleanTitle(raw: string): string {
	const v = oneLine(raw ?? "");
	if (cps(v) < 2) throw fail("title", "at least 2 characters");
	if (cps(v) > PRODUCT_LIMITS.title) throw fail("title", `at most ${PRODUCT_LIMITS.title} characters`);
	return v;
}

export function cleanDescription(raw: string): string {
	const v = (raw ?? "").normalize("NFC").replace(/\r\n/g, "\n").trim();
	if (cps(v) > PRODUCT_LIMITS.description) throw fail("description", `at most ${PRODUCT_LIMITS.description} characters`);
	return v;
}

export function checkPrice(value: unknown, field = "price"): number {
	if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0 || value > PRODUCT_LIMITS.priceMax) throw fail(field, "a positive whole number of minor units");
	return value;
}

export function checkStock(value: unknown, field = "stock"): number {
	if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || value > PRODUCT_LIMITS.stockMax) throw fail(field, `a whole number from 0 to ${PRODUCT_LIMITS.stockMax}`);
	return value;
}

/** Option names and values trimmed; names compared without case ("Size" and "size" are one option). */
export function cleanOptions(raw: unknown, field: string): Record<string, string> {
	if (raw === undefined || raw === null) return {};
	if (typeof raw !== "object" || Array.isArray(raw)) throw fail(field, "an object of option name → value");
	const entries = Object.entries(raw as Record<string, unknown>);
	if (entries.length > PRODUCT_LIMITS.optionKeys) throw fail(field, `at most ${PRODUCT_LIMITS.optionKeys} options`);
	const out: Record<string, string> = {};
	const seen = new Set<string>();
	for (const [k, v] of entries) {
		const key = oneLine(k);
		if (cps(key) < 1 || cps(key) > PRODUCT_LIMITS.optionKey) throw fail(field, `option names have 1–${PRODUCT_LIMITS.optionKey} characters`);
		if (typeof v !== "string") throw fail(field, `the value of ${key} must be text`);
		const value = oneLine(v);
		if (cps(value) < 1 || cps(value) > PRODUCT_LIMITS.optionValue) throw fail(field, `option values have 1–${PRODUCT_LIMITS.optionValue} characters`);
		if (seen.has(key.toLowerCase())) throw fail(field, `option ${key} is given twice`);
		seen.add(key.toLowerCase());
		out[key] = value;
	}
	return out;
}

/** The identity of an option set: names and values without case, in name order. */
export function optionsKey(options: Record<string, string>): string {
	return JSON.stringify(
		Object.entries(options)
			.map(([k, v]) => [k.toLowerCase(), v.toLowerCase()])
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
	);
}

export function cleanSku(raw: unknown, field: string): string | null {
	if (raw === undefined || raw === null || raw === "") return null;
	if (typeof raw !== "string") throw fail(field, "text");
	const v = raw.trim();
	if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(v) || v.length > PRODUCT_LIMITS.sku) throw fail(field, `1–${PRODUCT_LIMITS.sku} letters, digits, dots, hyphens, underscores or slashes`);
	return v;
}

/** Several variants must differ in their options, and SKUs must be unique (without case). */
export function checkDistinct(variants: ReadonlyArray<{ sku: string | null; options: Record<string, string> }>): void {
	const keys = new Set<string>();
	const skus = new Set<string>();
	for (const [i, v] of variants.entries()) {
		const key = optionsKey(v.options);
		if (keys.has(key)) throw fail(`variants[${i}].options`, "two variants have the same options");
		keys.add(key);
		if (v.sku) {
			if (skus.has(v.sku.toLowerCase())) throw fail(`variants[${i}].sku`, "two variants have the same SKU");
			skus.add(v.sku.toLowerCase());
		}
	}
	if (variants.length > 1 && variants.some(v => Object.keys(v.options).length === 0)) throw fail("variants", "with several variants, each names its options (size, colour…)");
}

export interface ProductInput {
	title: string;
	description?: string;
	price?: number;
	stock?: number;
	variants?: VariantInput[];
}

export interface CleanProduct {
	title: string;
	description: string;
	variants: CleanVariant[];
}

export function checkNewProduct(input: ProductInput, variantsMax: number): Checked<CleanProduct> {
	return guard(() => {
		const title = cleanTitle(input.title);
		const description = cleanDescription(input.description ?? "");
		let variants: CleanVariant[];
		if (input.variants && input.variants.length > 0) {
			if (input.variants.length > variantsMax) throw fail("variants", `at most ${variantsMax}`);
			variants = input.variants.map((v, i) => ({
				sku: cleanSku(v.sku, `variants[${i}].sku`),
				options: cleanOptions(v.options, `variants[${i}].options`),
				price: checkPrice(v.price, `variants[${i}].price`),
				stock: checkStock(v.stock, `variants[${i}].stock`)
			}));
			checkDistinct(variants);
		} else {
			variants = [{ sku: null, options: {}, price: checkPrice(input.price), stock: checkStock(input.stock ?? 0) }];
		}
		return { title, description, variants };
	});
}

/** The price a listing shows: its lowest live variant price. */
export function priceMin(variants: ReadonlyArray<{ price: number }>): number {
	return Math.min(...variants.map(v => v.price));
}

/**
 * A seller's stock edit of one variant, under its row lock (docs/commerce.md
 * "Stock"). `stock` is what is on the shelf and not yet sold; units held by
 * orders awaiting payment are already out of the sellable count, so the
 * sellable stock becomes `stock − held`. `stockDelta` adjusts relatively.
 */
export function stockAfterEdit(current: number, held: number, edit: { stock?: number; stockDelta?: number }): { ok: true; stock: number } | { ok: false; available: number } {
	if (edit.stock !== undefined) {
		const next = edit.stock - held;
		return next >= 0 ? { ok: true, stock: next } : { ok: false, available: current };
	}
	const next = current + (edit.stockDelta ?? 0);
	return next >= 0 && next <= PRODUCT_LIMITS.stockMax ? { ok: true, stock: next } : { ok: false, available: current };
}

export const checkEdit = guard;
export { fail as productProblem };

/** Status changes a seller may make: any of draft, active, archived (publishing needs an active shop, checked by the flow). */
export const PRODUCT_STATUSES: readonly ProductStatus[] = ["draft", "active", "archived"];
