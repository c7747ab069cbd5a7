/**
 * Payments (payments.intent.succeeded|failed|expired, payments.payout.paid|failed).
 * Variables: {{amount}} (formatted with its currency), {{reason}} on a failed payout.
 */
import type { Template, TemplateTexts } from "./types";

function texts(title: string, body: string, greeting: string): TemplateTexts {
	return { title, body, sms: `Nexgate: ${body}`, emailSubject: title, emailText: `${greeting}\n\n${body}\n\nNexgate`, emailHtml: `<p>${greeting}</p><p>${body}</p>` };
}

export const paymentsTemplates: Record<"payment.succeeded" | "payment.failed" | "payment.expired" | "payment.payout_paid" | "payment.payout_failed", Template> = {
	"payment.succeeded": {
		en: texts("Payment received", "We received your payment of {{amount}}. It is held safely until your order is delivered.", "Hello,"),
		sw: texts("Malipo yamepokelewa", "Tumepokea malipo yako ya {{amount}}. Yanashikiliwa salama hadi oda yako ifikishwe.", "Habari,")
	},
	"payment.failed": {
		en: texts("Payment not completed", "Your payment of {{amount}} was not completed. If money left your account, it is being reviewed and will be returned.", "Hello,"),
		sw: texts("Malipo hayakukamilika", "Malipo yako ya {{amount}} hayakukamilika. Kama pesa ilikatwa, inakaguliwa na itarudishwa.", "Habari,")
	},
	"payment.expired": {
		en: texts("Payment timed out", "Your payment of {{amount}} was not confirmed in time. You can try again.", "Hello,"),
		sw: texts("Muda wa malipo umeisha", "Malipo yako ya {{amount}} hayakuthibitishwa kwa wakati. Unaweza kujaribu tena.", "Habari,")
	},
	"payment.payout_paid": {
		en: texts("Money sent", "{{amount}} was sent to your mobile money.", "Hello,"),
		sw: texts("Pesa imetumwa", "{{amount}} imetumwa kwenye pesa yako ya simu.", "Habari,")
	},
	"payment.payout_failed": {
		en: texts("Withdrawal failed", "We could not send {{amount}} to your mobile money. The money is back in your Nexgate wallet.", "Hello,"),
		sw: texts("Kutoa pesa kumeshindikana", "Hatukuweza kutuma {{amount}} kwenye pesa yako ya simu. Pesa imerudi kwenye pochi yako ya Nexgate.", "Habari,")
	}
};
