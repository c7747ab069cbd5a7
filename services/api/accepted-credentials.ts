/**
 * Bearer credentials other than access tokens (a venue's scanner tokens) that
 * an action accepted: those requests are then counted per credential rather
 * than per address. Twenty gates behind one venue's NAT would otherwise share
 * a single address bucket. Only a credential some action answered with
 * success gets its own bucket, so a made-up token cannot buy a fresh one
 * (docs: services/api/rate-limits.ts). Bounded, and each entry lapses.
 */
import { BoundedCache } from "../../lib/bounded-cache";

export class AcceptedCredentials {
	private readonly entries: BoundedCache<true>;

	constructor(ttlMs = 10 * 60_000, max = 10_000) {
		this.entries = new BoundedCache({ max, ttlMs });
	}

	remember(hash: string, now = Date.now()): void {
		this.entries.set(hash, true, now);
	}

	has(hash: string, now = Date.now()): boolean {
		return this.entries.has(hash, now);
	}
}
