/**
 * The trust score: 0–100 from factors other domains report (docs/users.md
 * "Trust score" has the same table). Pure: the stored factors and the clock
 * in, the score, its level and every factor's contribution out, so clients
 * can show why a score is what it is.
 *
 * Positive factors each earn up to their weight and together can reach 100;
 * bad outcomes (disputes lost, refunds, upheld reports) subtract per
 * occurrence, each kind capped so one bad month is not a life sentence.
 * Counts saturate (a 200-order seller is not twice as trustworthy as a
 * 100-order one), and ratings only count as far as there are enough of them
 * (a single 5-star review is weak evidence).
 */

export interface TrustFactors {
	phoneVerified: boolean;
	emailVerified: boolean;
	registeredAt: Date;
	ordersBought: number;
	ordersSold: number;
	ratingsCount: number;
	/** Sum of the 1–5 star ratings received (as a seller and as an event organizer). */
	ratingsSum: number;
	disputesLost: number;
	refunds: number;
	reportsUpheld: number;
}

export type TrustLevel = "new" | "basic" | "established" | "trusted" | "highly_trusted";

export interface TrustFactorView {
	name: string;
	/** Positive factors: the most points they can earn. Penalties: points per occurrence (negative). */
	weight: number;
	/** The raw value: 0/1, days, a count, or the average rating (0 when there is none). */
	value: number;
	/** What this factor adds to (or takes from) the score now. */
	points: number;
}

export interface TrustScore {
	score: number;
	level: TrustLevel;
	factors: TrustFactorView[];
}

export const TRUST_WEIGHTS = {
	phoneVerified: 15,
	emailVerified: 10,
	/** Earned linearly over the first year. */
	accountAge: 15,
	/** Earned linearly up to ORDERS_FOR_FULL_CREDIT completed purchases. */
	ordersBought: 15,
	/** Earned linearly up to ORDERS_FOR_FULL_CREDIT completed sales. */
	ordersSold: 20,
	/** average-rating quality × confidence (see ratingPoints). */
	ratings: 25,
	disputeLost: -10,
	refund: -3,
	reportUpheld: -15
} as const;

export const ACCOUNT_AGE_FULL_DAYS = 365;
export const ORDERS_FOR_FULL_CREDIT = 20;
/** Ratings needed before the average counts at half strength (confidence n / (n + k)). */
export const RATINGS_HALF_CONFIDENCE = 5;
/** Caps on what each kind of penalty can take away in total. */
export const PENALTY_CAPS = { disputesLost: 30, refunds: 15, reportsUpheld: 45 } as const;

const LEVELS: Array<[number, TrustLevel]> = [
	[80, "highly_trusted"],
	[60, "trusted"],
	[40, "established"],
	[20, "basic"],
	[0, "new"]
];

const DAY_MS = 86_400_000;

const round1 = (n: number) => Math.round(n * 10) / 10;
const nonNegative = (n: number) => (Number.isFinite(n) && n > 0 ? n : 0);

export function trustLevel(score: number): TrustLevel {
	for (const [min, level] of LEVELS) if (score >= min) return level;
	return "new";
}

/** Average 1 star earns nothing, 5 stars everything; few ratings earn proportionally less. */
export function ratingPoints(count: number, sum: number): number {
	const n = nonNegative(count);
	if (n === 0) return 0;
	const average = Math.min(5, Math.max(1, sum / n));
	const quality = (average - 1) / 4;
	const confidence = n / (n + RATINGS_HALF_CONFIDENCE);
	return TRUST_WEIGHTS.ratings * quality * confidence;
}

function penalty(count: number, perOccurrence: number, cap: number): number {
	return -Math.min(cap, nonNegative(count) * -perOccurrence);
}

export function computeTrustScore(f: TrustFactors, now: Date = new Date()): TrustScore {
	const ageDays = Math.max(0, Math.floor((now.getTime() - f.registeredAt.getTime()) / DAY_MS));
	const average = f.ratingsCount > 0 ? f.ratingsSum / f.ratingsCount : 0;
	const factors: TrustFactorView[] = [
		{ name: "phone_verified", weight: TRUST_WEIGHTS.phoneVerified, value: f.phoneVerified ? 1 : 0, points: f.phoneVerified ? TRUST_WEIGHTS.phoneVerified : 0 },
		{ name: "email_verified", weight: TRUST_WEIGHTS.emailVerified, value: f.emailVerified ? 1 : 0, points: f.emailVerified ? TRUST_WEIGHTS.emailVerified : 0 },
		{ name: "account_age_days", weight: TRUST_WEIGHTS.accountAge, value: ageDays, points: TRUST_WEIGHTS.accountAge * Math.min(1, ageDays / ACCOUNT_AGE_FULL_DAYS) },
		{
			name: "orders_as_buyer",
			weight: TRUST_WEIGHTS.ordersBought,
			value: nonNegative(f.ordersBought),
			points: TRUST_WEIGHTS.ordersBought * Math.min(1, nonNegative(f.ordersBought) / ORDERS_FOR_FULL_CREDIT)
		},
		{
			name: "orders_as_seller",
			weight: TRUST_WEIGHTS.ordersSold,
			value: nonNegative(f.ordersSold),
			points: TRUST_WEIGHTS.ordersSold * Math.min(1, nonNegative(f.ordersSold) / ORDERS_FOR_FULL_CREDIT)
		},
		{ name: "average_rating", weight: TRUST_WEIGHTS.ratings, value: round1(average), points: ratingPoints(f.ratingsCount, f.ratingsSum) },
		{ name: "disputes_lost", weight: TRUST_WEIGHTS.disputeLost, value: nonNegative(f.disputesLost), points: penalty(f.disputesLost, TRUST_WEIGHTS.disputeLost, PENALTY_CAPS.disputesLost) },
		{ name: "refunds", weight: TRUST_WEIGHTS.refund, value: nonNegative(f.refunds), points: penalty(f.refunds, TRUST_WEIGHTS.refund, PENALTY_CAPS.refunds) },
		{ name: "reports_upheld", weight: TRUST_WEIGHTS.reportUpheld, value: nonNegative(f.reportsUpheld), points: penalty(f.reportsUpheld, TRUST_WEIGHTS.reportUpheld, PENALTY_CAPS.reportsUpheld) }
	];
	const total = factors.reduce((sum, x) => sum + x.points, 0);
	const score = Math.min(100, Math.max(0, Math.round(total)));
	return { score, level: trustLevel(score), factors: factors.map(x => ({ ...x, points: round1(x.points) + 0 })) };
}
