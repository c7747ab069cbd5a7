/**
 * Bearer credentials other than access tokens (a venue's scanner tokens) that
 * an action accepted: those requests are then counted per credential rather
 * than per address. Twenty gates behind one venue's NAT would otherwise share
 * a single address bucket. Only a credential some action answered with
 * success gets its own bucket, so a made-up token cannot buy a fresh one
 * (docs: services/api/rate-limits.ts). Bounded, and each entry lapses.
 */
export class AcceptedCredentials {
	private readonly entries = new Map<string, number>();

	constructor(
		private readonly ttlMs = 10 * 60_000,
		private readonly max = 10_000
	) {}

	remember(hash: string, now = Date.now()): void {
		this.entries.delete(hash);
		this.entries.set(hash, now + this.ttlMs);
		if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
	}

	has(hash: string, now = Date.now()): boolean {
		const until = this.entries.get(hash);
		if (until === undefined) return false;
		if (until > now) return true;
		this.entries.delete(hash);
		return false;
	}
}
