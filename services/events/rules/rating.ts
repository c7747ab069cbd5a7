/** Organizer ratings: 1–5 stars per attendee per event, averaged over every event of the organizer. */
export const RATING_TEXT_MAX = 1000;

export interface RatingAggregate {
	average: number | null;
	count: number;
	/** How many ratings gave 1, 2, 3, 4 and 5 stars. */
	distribution: [number, number, number, number, number];
}

export function isStars(value: unknown): value is number {
	return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= 5;
}

/** From per-star counts (index 0 = one star); the average rounded to two decimals. */
export function aggregate(countsByStars: ReadonlyMap<number, number>): RatingAggregate {
	const distribution: [number, number, number, number, number] = [0, 0, 0, 0, 0];
	let count = 0;
	let sum = 0;
	for (const [stars, n] of countsByStars) {
		if (!isStars(stars) || n <= 0) continue;
		distribution[stars - 1] += n;
		count += n;
		sum += stars * n;
	}
	return { average: count === 0 ? null : Math.round((sum / count) * 100) / 100, count, distribution };
}
