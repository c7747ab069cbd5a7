/**
 * Direct messages (messages.message.sent). Never the message text: content
 * stays in the messages domain (docs/messages.md, "Offline notifications").
 * Variables: {{actor}} (the sender's display name), {{conversation}} (the
 * group's title, or "New message" for a 1:1: mappings/messages.ts).
 */
import type { Language } from "../../../lib/events/catalogue";
import type { Template, TemplateTexts } from "./types";

function texts(title: string, body: string): TemplateTexts {
	return { title, body, sms: `Nexgate: ${body}`, emailSubject: body, emailText: `${body}\n\nNexgate`, emailHtml: `<p>${body}</p>` };
}

/** Titles when the conversation has no title of its own. */
export const DIRECT_TITLE: Record<Language, string> = { en: "New message", sw: "Ujumbe mpya" };
export const GROUP_TITLE: Record<Language, string> = { en: "Group chat", sw: "Mazungumzo ya kikundi" };

export const messagesTemplates: Record<"message.new", Template> = {
	"message.new": {
		en: texts("{{conversation}}", "{{actor}} sent you a message"),
		sw: texts("{{conversation}}", "{{actor}} amekutumia ujumbe")
	}
};
