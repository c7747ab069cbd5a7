/** Membership: every read and write of a conversation starts here. A non-member gets the same 404 as for an unknown id. */
import { MessagesError } from "../errors";
import { findConversation, findMember, type ConversationRow, type MemberRow } from "../store/conversations";
import type { Db } from "../../../lib/db/sql";

export async function requireMember(db: Db, conversationId: string, userId: string): Promise<{ conversation: ConversationRow; me: MemberRow }> {
	const me = await findMember(db, conversationId, userId);
	const conversation = me ? await findConversation(db, conversationId) : null;
	if (!conversation || !me) throw MessagesError.conversationNotFound();
	return { conversation, me };
}
