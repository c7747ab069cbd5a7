/**
 * Reading: history pages by seq, and read markers with their receipts.
 * A receipt goes to the reader's own devices always (their badges clear) and
 * to the other members unless the reader turned read receipts off.
 */
import { badRequest, ErrorType } from "../../../lib/errors";
import { decodeCursor, encodeCursor } from "../../../lib/pagination";
import { MessagesError } from "../errors";
import { historyQuery, toHistoryPage } from "../rules/history";
import { unreadCount } from "../rules/read-marker";
import type { MessagesRuntime } from "../runtime";
import { advanceReadSeq, listMembers, readSettings } from "../store/conversations";
import { historyRows } from "../store/messages";
import { messageViews, type MessageView } from "../view";
import { requireMember } from "./access";
import { push } from "./peers";

export interface HistoryPage {
	items: MessageView[];
	/** Continues in the same direction (`?cursor=`); null at the end. Equivalent to after=<last seq> or before=<first seq>. */
	nextCursor: string | null;
	/** The conversation's latest seq when the page was read. */
	lastSeq: number;
}

type Position = { after?: number; before?: number };

function fromCursor(cursor: string): Position {
	const p = decodeCursor<Position>(cursor);
	const ok = (v: unknown) => v === undefined || (Number.isInteger(v) && (v as number) >= 0);
	if (!p || typeof p !== "object" || !ok(p.after) || !ok(p.before)) throw badRequest("Invalid cursor", ErrorType.INVALID_CURSOR);
	return p;
}

export async function history(
	rt: MessagesRuntime,
	me: string,
	conversationId: string,
	params: { after?: number; before?: number; limit?: number; cursor?: string }
): Promise<HistoryPage> {
	const db = { sequelize: rt.sequelize };
	const { conversation, me: member } = await requireMember(db, conversationId, me);
	const position = params.cursor ? fromCursor(params.cursor) : { after: params.after, before: params.before };
	const q = historyQuery({ ...position, limit: params.limit }, member.joinedSeq);
	const { items, hasMore } = toHistoryPage(await historyRows(db, conversationId, q), q);
	let nextCursor: string | null = null;
	if (hasMore && items.length)
		nextCursor = encodeCursor(q.from === "oldest" ? { after: items[items.length - 1].seq, ...(q.before !== null ? { before: q.before } : {}) } : { before: items[0].seq });
	return { items: await messageViews(rt.broker, items, me), nextCursor, lastSeq: conversation.lastSeq };
}

export async function markRead(rt: MessagesRuntime, me: string, conversationId: string, seq: number) {
	const db = { sequelize: rt.sequelize };
	const marker = await advanceReadSeq(db, conversationId, me, seq);
	if (!marker) throw MessagesError.conversationNotFound();
	if (marker.moved) {
		const [members, settings] = await Promise.all([listMembers(db, [conversationId]), readSettings(db, me)]);
		const to = settings.readReceipts ? members.map(m => m.userId) : [me];
		push(rt.broker, to, { type: "receipt", data: { conversationId, userId: me, seq: marker.readSeq } });
	}
	return { conversationId, readSeq: marker.readSeq, unreadCount: unreadCount(marker.lastSeq, marker.readSeq) };
}
