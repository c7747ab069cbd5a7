/**
 * Read markers ("read up to seq N", one per member) and the unread counts
 * derived from them. A marker only moves forward and never past the last
 * message (store/conversations.ts advanceReadSeq does it in SQL, atomically),
 * so a count can neither go negative nor come back after reading. Sending a
 * message moves the sender's own marker to it: replying means the
 * conversation was read.
 */

export function unreadCount(lastSeq: number, readSeq: number): number {
	return Math.max(0, lastSeq - readSeq);
}

/**
 * Whether a new message at `seq` starts a member's unread streak: only then is
 * an offline notification due (one per conversation until the member reads,
 * rather than one per message). The send statement applies the same test to
 * the markers it reads under the conversation's lock (`read_seq >= seq - 1`).
 */
export function startsUnreadStreak(readSeqBefore: number, seq: number): boolean {
	return readSeqBefore >= seq - 1;
}
