/**
 * Account security (auth.session.created, auth.password.changed,
 * auth.user.suspended, auth.user.reinstated). Variable: {{device}} on a new sign-in.
 */
import type { Template, TemplateTexts } from "./types";

/** The same sentence everywhere; the SMS prefixes the brand, the email adds a greeting. */
function texts(title: string, body: string, subject: string, greeting: string): TemplateTexts {
	return {
		title,
		body,
		sms: `Nexgate: ${body}`,
		emailSubject: subject,
		emailText: `${greeting}\n\n${body}\n\nNexgate`,
		emailHtml: `<p>${greeting}</p><p>${body}</p>`
	};
}

export const securityTemplates: Record<"security.new_sign_in" | "security.password_changed" | "security.account_suspended" | "security.account_reinstated", Template> = {
	"security.new_sign_in": {
		en: texts(
			"New sign-in",
			"Your account was signed in from {{device}}. If this wasn't you, change your password now.",
			"New sign-in to your Nexgate account",
			"Hello,"
		),
		sw: texts(
			"Kuingia kupya",
			"Akaunti yako imeingiwa kutoka {{device}}. Kama si wewe, badilisha nenosiri lako sasa.",
			"Akaunti yako ya Nexgate imeingiwa",
			"Habari,"
		)
	},
	"security.password_changed": {
		en: texts(
			"Password changed",
			"Your password was changed. If this wasn't you, reset it now and contact support.",
			"Your Nexgate password was changed",
			"Hello,"
		),
		sw: texts(
			"Nenosiri limebadilishwa",
			"Nenosiri lako limebadilishwa. Kama si wewe, libadilishe sasa na uwasiliane na huduma kwa wateja.",
			"Nenosiri lako la Nexgate limebadilishwa",
			"Habari,"
		)
	},
	"security.account_suspended": {
		en: texts(
			"Account suspended",
			"Your account has been suspended. Contact support if you think this is a mistake.",
			"Your Nexgate account has been suspended",
			"Hello,"
		),
		sw: texts(
			"Akaunti imesimamishwa",
			"Akaunti yako imesimamishwa. Wasiliana na huduma kwa wateja kama unaona ni kosa.",
			"Akaunti yako ya Nexgate imesimamishwa",
			"Habari,"
		)
	},
	"security.account_reinstated": {
		en: texts("Account restored", "Your account is active again. Welcome back!", "Your Nexgate account is active again", "Hello,"),
		sw: texts("Akaunti imerejeshwa", "Akaunti yako inatumika tena. Karibu tena!", "Akaunti yako ya Nexgate inatumika tena", "Habari,")
	}
};

/** Device names are the user's own words; when there is none, this says "a device" in each language. */
export const UNKNOWN_DEVICE = { en: "a new device", sw: "kifaa kipya" } as const;
