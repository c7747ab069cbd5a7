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
import type { ConversationRow, MemberRow } from "../store/conversations";

export interface DirectFacts {
	title: string | null;
	/** Both members, with the seq they joined at. */
	members: { userId: string; joinedSeq: number }[];
}

/** Entries beyond this are dropped, least recently used first (about 200 bytes each). */
const MAX_ENTRIES = 50_000;

export class DirectConversations {
	private readonly entries = new Map<string, DirectFacts>();

	constructor(private readonly max = MAX_ENTRIES) {}

	get(conversationId: string): DirectFacts | undefined {
		const facts = this.entries.get(conversationId);
		if (facts) {
			// Map keeps insertion order: moving a hit to the end makes the first entry the least recently used.
			this.entries.delete(conversationId);
			this.entries.set(conversationId, facts);
		}
		return facts;
	}

	/** Keeps a direct conversation just read from the database; groups are ignored. */
	remember(conversation: ConversationRow, members: MemberRow[]): void {
		if (conversation.kind !== "direct") return;
		this.entries.set(conversation.id, { title: conversation.title, members: members.map(m => ({ userId: m.userId, joinedSeq: m.joinedSeq })) });
		if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
	}

	get size(): number {
		return this.entries.size;
	}
}
