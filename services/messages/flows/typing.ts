/**
 * Typing indicators from client frames `{ type: "typing", conversationId }`
 * (the gateway emits them as `ws.client.frame`). Ephemeral: never stored,
 * relayed best effort to the other members, throttled per member and
 * conversation (rules/typing.ts). Frames from non-members, or malformed ones,
 * are dropped silently: a client cannot learn anything from them.
 */
import { isUuid } from "../../../lib/ids";
import type { TypingThrottle } from "../rules/typing";
import type { MessagesRuntime } from "../runtime";
import { findMember, listMembers } from "../store/conversations";
import { push } from "./peers";

export async function relayTyping(rt: MessagesRuntime, throttle: TypingThrottle, userId: string, frame: { conversationId?: unknown }): Promise<boolean> {
	const conversationId = frame.conversationId;
	if (!isUuid(conversationId)) return false;
	const id = conversationId.toLowerCase();
	if (!throttle.admit(userId, id, Date.now())) return false;
	const db = { sequelize: rt.sequelize };
	if (!(await findMember(db, id, userId))) return false;
	const others = (await listMembers(db, [id])).map(m => m.userId).filter(u => u !== userId);
	push(rt.broker, others, { type: "typing", data: { conversationId: id, userId } });
	return true;
}
