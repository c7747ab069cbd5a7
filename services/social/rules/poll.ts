/**
 * Polls: 2–10 options, single or multiple choice, an expiry between five
 * minutes and thirty days away (Mastodon's bounds), one ballot per user.
 */
export const POLL_OPTIONS_MIN = 2;
export const POLL_OPTIONS_MAX = 10;
export const POLL_OPTION_MAX_LENGTH = 100;
export const POLL_MIN_DURATION_MS = 5 * 60_000;
export const POLL_MAX_DURATION_MS = 30 * 24 * 3_600_000;

export interface PollInput {
	options: string[];
	multiple: boolean;
	expiresAt: string;
}

export type PollProblem = { field: string; message: string };

/** The cleaned poll or what is wrong with it. */
export function checkPoll(input: PollInput, now: Date): { ok: true; options: string[]; expiresAt: Date } | { ok: false; problem: PollProblem } {
	const options = input.options.map(o => o.trim());
	if (options.length < POLL_OPTIONS_MIN || options.length > POLL_OPTIONS_MAX)
		return { ok: false, problem: { field: "poll.options", message: `a poll has ${POLL_OPTIONS_MIN} to ${POLL_OPTIONS_MAX} options` } };
	if (options.some(o => o.length === 0 || [...o].length > POLL_OPTION_MAX_LENGTH))
		return { ok: false, problem: { field: "poll.options", message: `each option has 1 to ${POLL_OPTION_MAX_LENGTH} characters` } };
	if (new Set(options.map(o => o.toLowerCase())).size !== options.length) return { ok: false, problem: { field: "poll.options", message: "options must differ" } };
	const expiresAt = new Date(input.expiresAt);
	if (Number.isNaN(expiresAt.getTime())) return { ok: false, problem: { field: "poll.expiresAt", message: "must be an ISO-8601 date" } };
	const ms = expiresAt.getTime() - now.getTime();
	if (ms < POLL_MIN_DURATION_MS || ms > POLL_MAX_DURATION_MS)
		return { ok: false, problem: { field: "poll.expiresAt", message: "must be between 5 minutes and 30 days from now" } };
	return { ok: true, options, expiresAt };
}

export type BallotProblem = "POLL_EXPIRED" | "INVALID_CHOICE";

/** Whether a ballot is acceptable: options of this poll, distinct, exactly one unless multiple, before expiry. */
export function checkBallot(poll: { multiple: boolean; expiresAt: Date; optionIds: readonly string[] }, choice: readonly string[], now: Date): BallotProblem | null {
	if (now.getTime() >= poll.expiresAt.getTime()) return "POLL_EXPIRED";
	const ids = choice.map(id => id.toLowerCase());
	if (ids.length === 0 || new Set(ids).size !== ids.length) return "INVALID_CHOICE";
	if (!poll.multiple && ids.length !== 1) return "INVALID_CHOICE";
	if (ids.some(id => !poll.optionIds.includes(id))) return "INVALID_CHOICE";
	return null;
}
