/**
 * Who may change a message, and until when. Only the sender edits, within
 * the edit window, a message that is not deleted and has text (attachments
 * and cards are not editable: send another message). Deleting is "for
 * everyone" (a tombstone keeps the seq): the sender may always, and a group's
 * admins may delete anyone's message (moderation).
 */
export type EditRefusal = "not_sender" | "deleted" | "window_closed" | "no_text";
export type DeleteRefusal = "not_allowed";

export interface MessageFacts {
	senderId: string;
	createdAt: Date;
	deleted: boolean;
	hasText: boolean;
}

export function decideEdit(m: MessageFacts, userId: string, now: Date, windowMs: number): EditRefusal | null {
	if (m.senderId !== userId) return "not_sender";
	if (m.deleted) return "deleted";
	if (now.getTime() - m.createdAt.getTime() > windowMs) return "window_closed";
	if (!m.hasText) return "no_text";
	return null;
}

export function decideDelete(m: Pick<MessageFacts, "senderId">, userId: string, actor: { kind: "direct" | "group"; role: "admin" | "member" }): DeleteRefusal | null {
	if (m.senderId === userId) return null;
	if (actor.kind === "group" && actor.role === "admin") return null;
	return "not_allowed";
}
