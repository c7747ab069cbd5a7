/**
 * Shops and seller verification (commerce.shop.*). The texts carry no
 * variables: a shop name or an administrator's reason (up to 500 characters)
 * would not fit one SMS segment; the notification's data names the shop and
 * the app shows the reason on the shop's screen.
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
		en: texts("Shop waiting for verification", "A seller submitted documents for verification. Open the queue to review them.", "Hello,"),
		sw: texts("Duka linasubiri uthibitisho", "Muuzaji amewasilisha nyaraka kwa uthibitisho. Fungua orodha ili kuzikagua.", "Habari,")
	},
	"commerce.shop_approved": {
		en: texts("Your shop is verified", "Your shop is verified. You can now publish products and receive payments.", "Hello,"),
		sw: texts("Duka lako limethibitishwa", "Duka lako limethibitishwa. Sasa unaweza kuweka bidhaa na kupokea malipo.", "Habari,")
	},
	"commerce.shop_rejected": {
		en: texts("Shop verification declined", "Your shop was not verified. Open it in the app to see why, then submit again.", "Hello,"),
		sw: texts("Uthibitisho wa duka umekataliwa", "Duka lako halikuthibitishwa. Lifungue kwenye programu uone sababu, kisha wasilisha tena.", "Habari,")
	},
	"commerce.shop_suspended": {
		en: texts("Your shop is suspended", "Your shop is suspended and its products are hidden. Open it in the app to see why.", "Hello,"),
		sw: texts("Duka lako limesimamishwa", "Duka lako limesimamishwa na bidhaa zake zimefichwa. Lifungue kwenye programu uone sababu.", "Habari,")
	},
	"commerce.shop_reinstated": {
		en: texts("Your shop is back", "Your shop is no longer suspended.", "Hello,"),
		sw: texts("Duka lako limerudishwa", "Duka lako halijasimamishwa tena.", "Habari,")
	}
};
