/**
 * Social activity beyond likes (templates/social.ts has those): comments and
 * replies, reposts (grouped: "Asha and 3 others reposted your post"),
 * mentions and quotes (one each). Variables: {{actor}}, {{other}} (two),
 * {{others}} (how many more).
 */
import type { Template, TemplateTexts } from "./types";

function texts(title: string, body: string): TemplateTexts {
	return { title, body, sms: `Nexgate: ${body}`, emailSubject: body, emailText: `${body}\n\nNexgate`, emailHtml: `<p>${body}</p>` };
}

export const socialActivityTemplates: Record<
	| "social.post_commented"
	| "social.post_commented.two"
	| "social.post_commented.many"
	| "social.comment_replied"
	| "social.comment_replied.two"
	| "social.comment_replied.many"
	| "social.post_reposted"
	| "social.post_reposted.two"
	| "social.post_reposted.many"
	| "social.mentioned"
	| "social.post_quoted",
	Template
> = {
	"social.post_commented": {
		en: texts("New comment", "{{actor}} commented on your post"),
		sw: texts("Maoni mapya", "{{actor}} ametoa maoni kwenye chapisho lako")
	},
	"social.post_commented.two": {
		en: texts("New comments", "{{actor}} and {{other}} commented on your post"),
		sw: texts("Maoni mapya", "{{actor}} na {{other}} wametoa maoni kwenye chapisho lako")
	},
	"social.post_commented.many": {
		en: texts("New comments", "{{actor}} and {{others}} others commented on your post"),
		sw: texts("Maoni mapya", "{{actor}} na wengine {{others}} wametoa maoni kwenye chapisho lako")
	},
	"social.comment_replied": {
		en: texts("New reply", "{{actor}} replied to your comment"),
		sw: texts("Jibu jipya", "{{actor}} amejibu maoni yako")
	},
	"social.comment_replied.two": {
		en: texts("New replies", "{{actor}} and {{other}} replied to your comment"),
		sw: texts("Majibu mapya", "{{actor}} na {{other}} wamejibu maoni yako")
	},
	"social.comment_replied.many": {
		en: texts("New replies", "{{actor}} and {{others}} others replied to your comment"),
		sw: texts("Majibu mapya", "{{actor}} na wengine {{others}} wamejibu maoni yako")
	},
	"social.post_reposted": {
		en: texts("Your post was reposted", "{{actor}} reposted your post"),
		sw: texts("Chapisho lako limeshirikiwa", "{{actor}} ameshiriki chapisho lako")
	},
	"social.post_reposted.two": {
		en: texts("Your post was reposted", "{{actor}} and {{other}} reposted your post"),
		sw: texts("Chapisho lako limeshirikiwa", "{{actor}} na {{other}} wameshiriki chapisho lako")
	},
	"social.post_reposted.many": {
		en: texts("Your post was reposted", "{{actor}} and {{others}} others reposted your post"),
		sw: texts("Chapisho lako limeshirikiwa", "{{actor}} na wengine {{others}} wameshiriki chapisho lako")
	},
	"social.mentioned": {
		en: texts("You were mentioned", "{{actor}} mentioned you in a post"),
		sw: texts("Umetajwa", "{{actor}} amekutaja kwenye chapisho")
	},
	"social.post_quoted": {
		en: texts("Your post was quoted", "{{actor}} quoted your post"),
		sw: texts("Chapisho lako limenukuliwa", "{{actor}} amenukuu chapisho lako")
	}
};
