/**
 * Money: integer minor units beside an ISO-4217 code (DESIGN.md §4,
 * PROVIDERS.md §6.2). Never floats. Two rules live here because every flow
 * that touches money needs them the same way:
 *
 * - Rails take whole major units (Daraja "whole numbers only", Tembo "a
 *   positive integer", Selcom integers). An amount that is not a whole unit is
 *   refused at the boundary (`toRailUnits` throws) rather than silently
 *   rounded: the caller chooses, with `roundToRail`, which way to round.
 * - Percentages are computed in basis points on minor units, rounded down to
 *   the minor unit; the remainder of a split goes to a named part (largest
 *   remainder first, ties to the earliest part), so the parts always sum to
 *   the whole.
 */

export const CURRENCIES = {
	TZS: { exponent: 2 },
	KES: { exponent: 2 },
	UGX: { exponent: 0 },
	RWF: { exponent: 0 }
} as const;

export type Currency = keyof typeof CURRENCIES;

export const CURRENCY_CODES = Object.keys(CURRENCIES) as Currency[];

export function isCurrency(value: unknown): value is Currency {
	return typeof value === "string" && Object.prototype.hasOwnProperty.call(CURRENCIES, value);
}

export function exponent(currency: Currency): number {
	return CURRENCIES[currency].exponent;
}

/** Minor units in one major unit: 100 for TZS/KES, 1 for UGX/RWF. */
export function unitSize(currency: Currency): number {
	return 10 ** exponent(currency);
}

export class MoneyError extends Error {
	constructor(readonly code: "NOT_AN_AMOUNT" | "NOT_WHOLE_UNITS" | "UNSAFE_AMOUNT", message: string) {
		super(message);
		this.name = "MoneyError";
	}
}

/** A positive (or zero, when allowed) safe integer of minor units. */
export function assertAmount(minor: number, allowZero = false): void {
	if (!Number.isSafeInteger(minor)) throw new MoneyError("UNSAFE_AMOUNT", `amount ${minor} is not a safe integer of minor units`);
	if (minor < 0 || (!allowZero && minor === 0)) throw new MoneyError("NOT_AN_AMOUNT", `amount ${minor} must be positive`);
}

export function isWholeUnits(minor: number, currency: Currency): boolean {
	return Number.isSafeInteger(minor) && minor % unitSize(currency) === 0;
}

/** Minor units → the whole major units a rail takes; refuses anything that would need rounding. */
export function toRailUnits(minor: number, currency: Currency): number {
	assertAmount(minor);
	if (!isWholeUnits(minor, currency))
		throw new MoneyError("NOT_WHOLE_UNITS", `${currency} ${minor} minor units is not a whole number of ${currency}; mobile-money rails take whole units`);
	return minor / unitSize(currency);
}

/** Whole major units reported by a rail (a number or a numeric string like "1.00") → minor units; null when not a whole amount. */
export function fromRailUnits(major: unknown, currency: Currency): number | null {
	const n = typeof major === "string" ? Number(major.trim()) : major;
	if (typeof n !== "number" || !Number.isFinite(n) || n <= 0) return null;
	if (!Number.isInteger(n)) return null;
	const minor = n * unitSize(currency);
	return Number.isSafeInteger(minor) ? minor : null;
}

/** Rounds minor units to a whole major unit, explicitly up or down. */
export function roundToRail(minor: number, currency: Currency, direction: "up" | "down"): number {
	assertAmount(minor, true);
	const size = unitSize(currency);
	const down = Math.floor(minor / size) * size;
	return direction === "down" || down === minor ? down : down + size;
}

/** floor(amount × bps / 10 000) without floating point (BigInt keeps large amounts exact). */
export function percentOf(minor: number, bps: number): number {
	assertAmount(minor, true);
	if (!Number.isInteger(bps) || bps < 0 || bps > 10_000) throw new MoneyError("NOT_AN_AMOUNT", `basis points ${bps} must be 0…10000`);
	return Number((BigInt(minor) * BigInt(bps)) / 10_000n);
}

/** Commission (rounded down) and the rest, which goes to the seller: the two always sum to the gross. */
export function splitCommission(gross: number, bps: number): { commission: number; net: number } {
	const commission = percentOf(gross, bps);
	return { commission, net: gross - commission };
}

/**
 * Splits an amount by integer weights. Each part gets its floor share; the
 * minor units left over go one each to the parts with the largest
 * remainders, ties to the earliest part. Deterministic and always sums.
 */
export function splitByWeights(minor: number, weights: number[]): number[] {
	assertAmount(minor, true);
	if (weights.length === 0 || weights.some(w => !Number.isSafeInteger(w) || w < 0)) throw new MoneyError("NOT_AN_AMOUNT", "weights must be non-negative integers");
	const total = weights.reduce((a, b) => a + b, 0);
	if (total === 0) throw new MoneyError("NOT_AN_AMOUNT", "weights must not all be zero");
	const big = BigInt(minor);
	const bigTotal = BigInt(total);
	const parts = weights.map(w => (big * BigInt(w)) / bigTotal);
	const remainders = weights.map((w, i) => ({ i, r: (big * BigInt(w)) % bigTotal }));
	let left = big - parts.reduce((a, b) => a + b, 0n);
	remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
	for (const { i } of remainders) {
		if (left === 0n) break;
		parts[i] += 1n;
		left -= 1n;
	}
	return parts.map(Number);
}
