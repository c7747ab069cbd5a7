/**
 * Social activity, grouped (rules/grouping.ts): one text per group size.
 * Variables: {{actor}}, {{other}} (two), {{others}} (how many more).
 * No social events exist yet; these are ready for social.post.liked.
 */
import type { Template, TemplateTexts } from "./types";

function texts(title: string, body: string): TemplateTexts {
	return { title, body, sms: `Nexgate: ${body}`, emailSubject: body, emailText: `${body}\n\nNexgate`, emailHtml: `<p>${body}</p>` };
}

export const socialTemplates: Record<"social.post_liked" | "social.post_liked.two" | "social.post_liked.many", Template> = {
	"social.post_liked": {
		en: texts("Your post was liked", "{{actor}} liked your post"),
		sw: texts("Chapisho lako limependwa", "{{actor}} amependa chapisho lako")
	},
	"social.post_liked.two": {
		en: texts("Your post was liked", "{{actor}} and {{other}} liked your post"),
		sw: texts("Chapisho lako limependwa", "{{actor}} na {{other}} wamependa chapisho lako")
	},
	"social.post_liked.many": {
		en: texts("Your post was liked", "{{actor}} and {{others}} others liked your post"),
		sw: texts("Chapisho lako limependwa", "{{actor}} na wengine {{others}} wamependa chapisho lako")
	}
};
