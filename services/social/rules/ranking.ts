/**
 * The explore feed's order: engagement with time decay.
 *
 *   engagement = 1·likes + 3·comments + 4·reposts + 4·quotes
 *   score      = (1 + engagement) · 2^(−ageHours / halfLifeHours)
 *
 * Weights follow the published Twitter heavy-ranker ordering (a reply or a
 * repost says far more than a like) without its extremes; the half-life
 * (EXPLORE_HALF_LIFE_HOURS, default 12) makes a post lose half its standing
 * every half-life, so yesterday's hit gives way to today's. The +1 lets new
 * posts with no engagement yet be ordered by freshness alone.
 */
export const WEIGHTS = { likes: 1, comments: 3, reposts: 4, quotes: 4 } as const;

export interface Engagement {
	likes: number;
	comments: number;
	reposts: number;
	quotes: number;
}

export function engagement(e: Engagement): number {
	return WEIGHTS.likes * e.likes + WEIGHTS.comments * e.comments + WEIGHTS.reposts * e.reposts + WEIGHTS.quotes * e.quotes;
}

export function exploreScore(e: Engagement, createdAt: Date, now: Date, halfLifeHours: number): number {
	const ageHours = Math.max(0, now.getTime() - createdAt.getTime()) / 3_600_000;
	return (1 + engagement(e)) * Math.pow(2, -ageHours / halfLifeHours);
}

/** Candidates ordered best first; equal scores fall back to the newer post, then the id, so the order is total. */
export function rank<T extends Engagement & { id: string; createdAt: Date }>(candidates: readonly T[], now: Date, halfLifeHours: number): T[] {
	const scored = candidates.map(c => ({ c, s: exploreScore(c, c.createdAt, now, halfLifeHours) }));
	scored.sort((a, b) => b.s - a.s || b.c.createdAt.getTime() - a.c.createdAt.getTime() || (a.c.id < b.c.id ? 1 : a.c.id > b.c.id ? -1 : 0));
	return scored.map(x => x.c);
}
