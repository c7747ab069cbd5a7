/**
 * The organizer's refund policy for attendee cancellations: refundable or
 * not, until how many hours before the start, and what share comes back.
 * An organizer's cancellation always refunds everything (flows/cancel.ts).
 */
import type { Problem } from "./event-input";
import { CURRENCY_UNITS } from "./ticket-type";

export interface RefundPolicy {
	refundable: boolean;
	/** Cancellations are accepted until this many hours before the event starts. */
	cutoffHours: number;
	/** Share of the total refunded, 0–100. */
	percent: number;
}

export const NO_REFUNDS: RefundPolicy = { refundable: false, cutoffHours: 0, percent: 0 };

export function resolveRefundPolicy(input: Partial<RefundPolicy> | undefined, current: RefundPolicy): RefundPolicy | Problem {
	if (input === undefined) return current;
	const refundable = input.refundable ?? current.refundable;
	const cutoffHours = input.cutoffHours ?? (refundable ? current.cutoffHours : 0);
	const percent = input.percent ?? (refundable ? (current.refundable ? current.percent : 100) : 0);
	if (!Number.isInteger(cutoffHours) || cutoffHours < 0 || cutoffHours > 24 * 90) return { field: "refundPolicy.cutoffHours", message: "an integer 0–2160" };
	if (!Number.isInteger(percent) || percent < 0 || percent > 100) return { field: "refundPolicy.percent", message: "an integer 0–100" };
	if (refundable && percent === 0) return { field: "refundPolicy.percent", message: "a refundable policy refunds more than 0%" };
	return refundable ? { refundable, cutoffHours, percent } : NO_REFUNDS;
}

/**
 * What an attendee cancelling at `now` gets back, in minor units rounded down
 * to whole units of the currency (mobile money pays whole units), or null when
 * the policy does not allow cancelling now.
 */
export function attendeeRefund(policy: RefundPolicy, total: number, currency: string, startsAt: Date, now: Date): number | null {
	if (!policy.refundable) return null;
	if (now.getTime() > startsAt.getTime() - policy.cutoffHours * 3_600_000) return null;
	const unit = CURRENCY_UNITS[currency] ?? 1;
	const share = Math.floor((total * policy.percent) / 100);
	return share - (share % unit);
}
