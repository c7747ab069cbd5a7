/**
 * Shops and seller verification (commerce.shop.*). Variables: {{shop}} (the
 * shop's name), {{reason}} (an administrator's reason), {{status}} on reinstatement.
 */
import type { Template, TemplateTexts } from "./types";

function texts(title: string, body: string, greeting: string): TemplateTexts {
	return { title, body, sms: `Nexgate: ${body}`, emailSubject: title, emailText: `${greeting}\n\n${body}\n\nNexgate`, emailHtml: `<p>${greeting}</p><p>${body}</p>` };
}

export const commerceShopsTemplates: Record<
	"commerce.verification_submitted" | "commerce.shop_approved" | "commerce.shop_rejected" | "commerce.shop_suspended" | "commerce.shop_reinstated",
	Template
> = {
	"commerce.verification_submitted": {
		en: texts("Shop waiting for verification", "{{shop}} submitted its documents for verification.", "Hello,"),
		sw: texts("Duka linasubiri uthibitisho", "{{shop}} limewasilisha nyaraka zake kwa uthibitisho.", "Habari,")
	},
	"commerce.shop_approved": {
		en: texts("Your shop is verified", "{{shop}} is verified. You can now publish products and receive payments.", "Hello,"),
		sw: texts("Duka lako limethibitishwa", "{{shop}} limethibitishwa. Sasa unaweza kuweka bidhaa na kupokea malipo.", "Habari,")
	},
	"commerce.shop_rejected": {
		en: texts("Shop verification declined", "{{shop}} was not verified: {{reason}}. You can correct it and submit again.", "Hello,"),
		sw: texts("Uthibitisho wa duka umekataliwa", "{{shop}} halikuthibitishwa: {{reason}}. Unaweza kurekebisha na kuwasilisha tena.", "Habari,")
	},
	"commerce.shop_suspended": {
		en: texts("Your shop is suspended", "{{shop}} is suspended: {{reason}}. Its products are hidden until it is reinstated.", "Hello,"),
		sw: texts("Duka lako limesimamishwa", "{{shop}} limesimamishwa: {{reason}}. Bidhaa zake zimefichwa hadi litakaporudishwa.", "Habari,")
	},
	"commerce.shop_reinstated": {
		en: texts("Your shop is back", "{{shop}} is no longer suspended.", "Hello,"),
		sw: texts("Duka lako limerudishwa", "{{shop}} halijasimamishwa tena.", "Habari,")
	}
};
