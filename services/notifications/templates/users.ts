/**
 * The social graph (users.follow.created / requested / accepted).
 * Variables: {{actor}} (display name), {{other}} (two), {{others}} (how many more).
 * New followers are grouped (rules/grouping.ts): one text per group size.
 */
import type { Template, TemplateTexts } from "./types";

function texts(title: string, body: string): TemplateTexts {
	return { title, body, sms: `Nexgate: ${body}`, emailSubject: body, emailText: `${body}\n\nNexgate`, emailHtml: `<p>${body}</p>` };
}

export const usersTemplates: Record<
	"social.new_follower" | "social.new_follower.two" | "social.new_follower.many" | "social.follow_request" | "social.follow_request_accepted",
	Template
> = {
	"social.new_follower": {
		en: texts("New follower", "{{actor}} started following you"),
		sw: texts("Mfuasi mpya", "{{actor}} ameanza kukufuata")
	},
	"social.new_follower.two": {
		en: texts("New followers", "{{actor}} and {{other}} started following you"),
		sw: texts("Wafuasi wapya", "{{actor}} na {{other}} wameanza kukufuata")
	},
	"social.new_follower.many": {
		en: texts("New followers", "{{actor}} and {{others}} others started following you"),
		sw: texts("Wafuasi wapya", "{{actor}} na wengine {{others}} wameanza kukufuata")
	},
	"social.follow_request": {
		en: texts("Follow request", "{{actor}} asked to follow you"),
		sw: texts("Ombi la kukufuata", "{{actor}} ameomba kukufuata")
	},
	"social.follow_request_accepted": {
		en: texts("Request accepted", "{{actor}} accepted your follow request"),
		sw: texts("Ombi limekubaliwa", "{{actor}} amekubali ombi lako la kumfuata")
	}
};
