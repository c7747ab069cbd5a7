/**
 * Reading: history pages by seq, changes since a version (catching up on
 * edits, deletes and reactions as well as new messages), and read markers
 * with their receipts.
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
import { changedRows, historyRows } from "../store/messages";
import { messageViews, type MessageView } from "../view";
import { requireMember } from "./access";
import { push } from "./peers";

export interface HistoryPage {
	items: MessageView[];
	/** Continues in the same direction (`?cursor=`); null at the end. Equivalent to after=<last seq> or before=<first seq>. */
	nextCursor: string | null;
	/** The conversation's latest seq and version when the page was read. */
	lastSeq: number;
	lastVersion: number;
}

type Position = { after?: number; before?: number; changedAfter?: number };

function fromCursor(cursor: string): Position {
	const p = decodeCursor<Position>(cursor);
	const ok = (v: unknown) => v === undefined || (Number.isInteger(v) && (v as number) >= 0);
	if (!p || typeof p !== "object" || !ok(p.after) || !ok(p.before) || !ok(p.changedAfter)) throw badRequest("Invalid cursor", ErrorType.INVALID_CURSOR);
	return p;
}

export async function history(
	rt: MessagesRuntime,
	me: string,
	conversationId: string,
	params: { after?: number; before?: number; changedAfter?: number; limit?: number; cursor?: string }
): Promise<HistoryPage> {
	const db = { sequelize: rt.sequelize };
	const { conversation, me: member } = await requireMember(db, conversationId, me);
	const position = params.cursor ? fromCursor(params.cursor) : { after: params.after, before: params.before, changedAfter: params.changedAfter };
	const last = { lastSeq: conversation.lastSeq, lastVersion: conversation.lastVersion };
	if (position.changedAfter !== undefined) {
		const limit = historyQuery({ limit: params.limit }, 0).limit;
		const rows = await changedRows(db, conversationId, position.changedAfter, member.joinedSeq, limit);
		const page = rows.slice(0, limit);
		const nextCursor = rows.length > limit ? encodeCursor({ changedAfter: page[page.length - 1].version }) : null;
		return { items: await messageViews(rt, page, me), nextCursor, ...last };
	}
	const q = historyQuery({ ...position, limit: params.limit }, member.joinedSeq);
	const { items, hasMore } = toHistoryPage(await historyRows(db, conversationId, q), q);
	let nextCursor: string | null = null;
	if (hasMore && items.length)
		nextCursor = encodeCursor(q.from === "oldest" ? { after: items[items.length - 1].seq, ...(q.before !== null ? { before: q.before } : {}) } : { before: items[0].seq });
	return { items: await messageViews(rt, items, me), nextCursor, ...last };
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
