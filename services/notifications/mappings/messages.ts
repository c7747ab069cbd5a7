/**
 * Messages that reach people who are not reading (lib/events/catalogue.ts).
 * The messages service already chose the recipients: members who did not
 * send it, did not mute the conversation, and had read everything before
 * this message (one notification per unread streak per conversation, not one
 * per message: docs/messages.md). Category `message`: in-app and push by
 * default, no SMS or email, quiet hours respected.
 */
import { DIRECT_TITLE, GROUP_TITLE } from "../templates/messages";
import { registerEventMapping } from "./registry";

registerEventMapping("messages.message.sent", {
	type: "message.new",
	category: "message",
	template: "message.new",
	recipients: d => d.recipientIds,
	params: (d, lang) => ({
		actor: d.sender.displayName || d.sender.username,
		conversation: d.kind === "group" ? (d.title ?? GROUP_TITLE[lang]) : DIRECT_TITLE[lang]
	}),
	data: d => ({ conversationId: d.conversationId, messageId: d.messageId, seq: String(d.seq), senderId: d.senderId })
});
