/**
 * A ceiling on SMS per destination number and hour. It protects users from
 * floods (a bug, a looping producer) and the platform from SMS pumping fraud,
 * where someone makes us text premium numbers they are paid for.
 */

export interface SmsLimit {
	/** SMS per destination per window; 0 turns the limit off. */
	limit: number;
	windowMs: number;
}

export type SmsAllowance = { allowed: true } | { allowed: false; retryAt: Date };

/** `recentSentAt`: when SMS were sent to this destination, any order (older ones are ignored). */
export function smsAllowance(recentSentAt: readonly Date[], now: Date, { limit, windowMs }: SmsLimit): SmsAllowance {
	if (limit <= 0) return { allowed: true };
	const since = now.getTime() - windowMs;
	const inWindow = recentSentAt.map(d => d.getTime()).filter(t => t > since).sort((a, b) => a - b);
	if (inWindow.length < limit) return { allowed: true };
	// The oldest SMS that must leave the window before one more fits.
	const leaving = inWindow[inWindow.length - limit];
	return { allowed: false, retryAt: new Date(leaving + windowMs) };
}
