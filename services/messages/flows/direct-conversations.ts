/**
 * What a send needs to know of a direct conversation before its statement,
 * kept in memory per process: a direct conversation's members, kind and
 * title never change (no joins, leaves or renames), so an entry is never
 * stale and needs no invalidation across nodes. It spares the send its first
 * round trip to PostgreSQL (store/conversations.ts sendContext). Everything
 * that does change — read markers, mutes, the counter, a clientId already
 * used, membership itself — is decided by the send statement under the
 * conversation's lock, as it always was. Groups are not kept (members come
 * and go on any node).
 */
import { BoundedCache } from "../../../lib/bounded-cache";
import type { ConversationRow, MemberRow } from "../store/conversations";

export interface DirectFacts {
	title: string | null;
	/** Both members, with the seq they joined at. */
	members: { userId: string; joinedSeq: number }[];
}

/** Entries beyond this are dropped, least recently used first (about 200 bytes each). */
const MAX_ENTRIES = 50_000;

export class DirectConversations {
	private readonly entries: BoundedCache<DirectFacts>;

	constructor(max = MAX_ENTRIES) {
		this.entries = new BoundedCache({ max });
	}

	get(conversationId: string): DirectFacts | undefined {
		return this.entries.get(conversationId);
	}

	/** Keeps a direct conversation just read from the database; groups are ignored. */
	remember(conversation: ConversationRow, members: MemberRow[]): void {
		if (conversation.kind !== "direct") return;
		this.entries.set(conversation.id, { title: conversation.title, members: members.map(m => ({ userId: m.userId, joinedSeq: m.joinedSeq })) });
	}

	get size(): number {
		return this.entries.size;
	}
}
