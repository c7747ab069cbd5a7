/**
 * Typing indicators are ephemeral and throttled: a member's "typing" in a
 * conversation is relayed at most once per interval (clients send one per
 * keystroke burst; the others only need to know it is still going on).
 * Per process: with several messages nodes a burst may be relayed once per
 * node, which is harmless for an indicator.
 */
export class TypingThrottle {
	private readonly last = new Map<string, number>();

	constructor(
		private readonly intervalMs: number,
		private readonly maxKeys = 100_000
	) {}

	/** True when this (user, conversation) may be relayed now; records it. */
	admit(userId: string, conversationId: string, now: number): boolean {
		const key = `${userId}:${conversationId}`;
		const prev = this.last.get(key);
		if (prev !== undefined && now - prev < this.intervalMs) return false;
		// Bounded memory: forget the oldest entries (insertion order) when full.
		if (prev === undefined && this.last.size >= this.maxKeys) {
			const oldest = this.last.keys().next().value;
			if (oldest !== undefined) this.last.delete(oldest);
		}
		this.last.delete(key);
		this.last.set(key, now);
		return true;
	}
}
