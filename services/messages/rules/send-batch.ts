/**
 * Twins in a batch of sends (flows/send-batch.ts): the same send — same
 * conversation, sender and clientId — queued twice before either landed
 * (a client's retry racing its first attempt). The batch stores the first
 * and answers the others with its message, as a retry that came after it.
 */
export interface SendKey {
	conversationId: string;
	senderId: string;
	clientId: string;
}

/** For each send that repeats an earlier one of the batch: its index → the first one's index. */
export function twinsInBatch(sends: readonly SendKey[]): Map<number, number> {
	const first = new Map<string, number>();
	const twins = new Map<number, number>();
	sends.forEach((s, i) => {
		// clientId is restricted to A–Z a–z 0–9 . _ : - (rules/message-input.ts), ids are uuids: a space cannot collide.
		const key = `${s.conversationId} ${s.senderId} ${s.clientId}`;
		const earlier = first.get(key);
		if (earlier === undefined) first.set(key, i);
		else twins.set(i, earlier);
	});
	return twins;
}
