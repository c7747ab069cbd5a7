/**
 * The API shapes (API.md "messages"): Message and Conversation. Attachments
 * are stored as files ids and rendered through files.views at read time
 * (their URLs may be presigned and expire).
 */
import type { ServiceBroker } from "moleculer";
import type { Sequelize } from "sequelize";
import { cardKey, embedCards, type Card } from "./flows/cards";
import { unreadCount } from "./rules/read-marker";
import type { ConversationRow, MemberRow } from "./store/conversations";
import { reactionsOf, type MessageRow, type Reaction } from "./store/messages";

export type FileView = Record<string, unknown> & { id: string };

export interface MessageView {
	id: string;
	conversationId: string;
	seq: number;
	clientId: string;
	senderId: string;
	text: string | null;
	files: FileView[];
	/** `card`: the live card (null when it no longer exists, is not shown to this conversation, or its domain did not answer). */
	embed: { type: string; id: string; card: Card | null } | null;
	replyToSeq: number | null;
	reactions: Reaction[];
	version: number;
	createdAt: string;
	editedAt: string | null;
	deleted: boolean;
}

export interface ProfileCard {
	id: string;
	username: string;
	displayName: string;
	avatar: { url: string; blurhash: string | null } | null;
}

export interface ConversationView {
	id: string;
	kind: "direct" | "group";
	title: string | null;
	createdBy: string;
	createdAt: string;
	lastSeq: number;
	lastVersion: number;
	unreadCount: number;
	readSeq: number;
	muted: boolean;
	role: "admin" | "member";
	lastMessage: MessageView | null;
	members: { userId: string; role: "admin" | "member"; readSeq: number | null; profile: ProfileCard | null }[];
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function messageView(m: MessageRow, files: Record<string, FileView>, reactions: Reaction[] = [], cards = new Map<string, Card>()): MessageView {
	const deleted = m.deletedAt !== null;
	return {
		id: m.id,
		conversationId: m.conversationId,
		seq: m.seq,
		clientId: m.clientId,
		senderId: m.senderId,
		text: deleted ? null : m.text,
		files: deleted ? [] : m.fileIds.map(id => files[id]).filter((f): f is FileView => Boolean(f)),
		embed: deleted || !m.embed ? null : { ...m.embed, card: cards.get(cardKey(m.embed, m.senderId)) ?? null },
		replyToSeq: m.replyToSeq,
		reactions: deleted ? [] : reactions,
		version: m.version,
		createdAt: iso(m.createdAt)!,
		editedAt: iso(m.editedAt),
		deleted
	};
}

/** Current views of the files of these messages, as `viewerId` may see them; none when files is unreachable. */
async function fileViews(broker: ServiceBroker, rows: MessageRow[], viewerId: string): Promise<Record<string, FileView>> {
	const ids = [...new Set(rows.filter(r => !r.deletedAt).flatMap(r => r.fileIds))];
	if (ids.length === 0) return {};
	return broker.call<Record<string, FileView>, { ids: string[]; viewerId: string }>("files.views", { ids, viewerId });
}

/** Views of these messages for `viewerId`; `fresh` messages (just sent) have no reactions to look up. */
export async function messageViews(
	rt: { broker: ServiceBroker; sequelize: Sequelize; logger: { warn(...a: unknown[]): void } },
	rows: MessageRow[],
	viewerId: string,
	opts: { fresh?: boolean } = {}
): Promise<MessageView[]> {
	const [files, reactions, cards] = await Promise.all([
		fileViews(rt.broker, rows, viewerId),
		opts.fresh ? new Map<string, Reaction[]>() : reactionsOf({ sequelize: rt.sequelize }, rows.filter(r => !r.deletedAt).map(r => r.id)),
		embedCards(rt.broker, rows, rt.logger)
	]);
	return rows.map(r => messageView(r, files, reactions.get(r.id), cards));
}

export function conversationView(
	c: ConversationRow,
	me: MemberRow,
	members: MemberRow[],
	lastMessage: MessageView | null,
	profiles: Record<string, ProfileCard>,
	receiptsOff: Set<string>
): ConversationView {
	return {
		id: c.id,
		kind: c.kind,
		title: c.title,
		createdBy: c.createdBy,
		createdAt: iso(c.createdAt)!,
		lastSeq: c.lastSeq,
		lastVersion: c.lastVersion,
		unreadCount: unreadCount(c.lastSeq, me.readSeq),
		readSeq: me.readSeq,
		muted: me.muted,
		role: me.role,
		lastMessage,
		members: members.map(m => ({
			userId: m.userId,
			role: m.role,
			// Someone who turned receipts off shows no marker (their own client knows it from readSeq above).
			readSeq: receiptsOff.has(m.userId) && m.userId !== me.userId ? null : m.readSeq,
			profile: profileCard(profiles[m.userId])
		}))
	};
}

function profileCard(p: ProfileCard | undefined): ProfileCard | null {
	if (!p) return null;
	return { id: p.id, username: p.username, displayName: p.displayName, avatar: p.avatar ?? null };
}
