/**
 * Payment events that reach users (lib/events/catalogue.ts). Category
 * "payment" is urgent: quiet hours never hold money news. Amounts are shown
 * in major units with their currency.
 */
import { registerEventMapping } from "./registry";

/** Minor units → "TZS 1,500" / "KES 10.50" (exponent 2 for TZS/KES, 0 for UGX/RWF). */
export function displayAmount(minor: number, currency: string): string {
	const exp = currency === "UGX" || currency === "RWF" ? 0 : 2;
	const major = Math.floor(Math.abs(minor) / 10 ** exp);
	const cents = Math.abs(minor) % 10 ** exp;
	return `${currency} ${major.toLocaleString("en-US")}${exp && cents ? `.${String(cents).padStart(exp, "0")}` : ""}`;
}

const intentData = (d: { intentId: string; purpose: { type: string; id: string } }) => ({ intentId: d.intentId, purposeType: d.purpose.type, purposeId: d.purpose.id });

registerEventMapping("payments.intent.succeeded", {
	type: "payment.succeeded",
	category: "payment",
	template: "payment.succeeded",
	recipients: d => [d.payerId],
	params: d => ({ amount: displayAmount(d.amount, d.currency) }),
	data: intentData
});

registerEventMapping("payments.intent.failed", {
	type: "payment.failed",
	category: "payment",
	template: "payment.failed",
	recipients: d => [d.payerId],
	params: d => ({ amount: displayAmount(d.amount, d.currency) }),
	data: d => ({ ...intentData(d), code: d.code })
});

registerEventMapping("payments.intent.expired", {
	type: "payment.expired",
	category: "payment",
	template: "payment.expired",
	recipients: d => [d.payerId],
	params: d => ({ amount: displayAmount(d.amount, d.currency) }),
	data: intentData
});

registerEventMapping("payments.payout.paid", {
	type: "payment.payout_paid",
	category: "payment",
	template: "payment.payout_paid",
	recipients: d => [d.userId],
	params: d => ({ amount: displayAmount(d.amount, d.currency) }),
	data: d => ({ payoutId: d.payoutId })
});

registerEventMapping("payments.payout.failed", {
	type: "payment.payout_failed",
	category: "payment",
	template: "payment.payout_failed",
	recipients: d => [d.userId],
	params: d => ({ amount: displayAmount(d.amount, d.currency) }),
	data: d => ({ payoutId: d.payoutId, code: d.code })
});
