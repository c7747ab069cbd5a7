/**
 * A per-process Map with a size bound and, optionally, a lifetime per entry:
 * past `max` the least recently used entry is dropped (a Map keeps insertion
 * order, and a hit moves its entry to the end). The one shape behind the
 * platform's in-memory caches (signing keys, cards, accepted credentials,
 * direct conversations), so each states only its bound and lifetime.
 */
export interface BoundedCacheOptions {
	max: number;
	/** Entries lapse this long after they were set; none given: they live until pushed out. */
	ttlMs?: number;
}

export class BoundedCache<V> {
	private readonly entries = new Map<string, { value: V; until: number }>();

	constructor(private readonly opts: BoundedCacheOptions) {}

	get(key: string, now = Date.now()): V | undefined {
		const hit = this.entries.get(key);
		if (!hit) return undefined;
		this.entries.delete(key);
		if (hit.until <= now) return undefined;
		this.entries.set(key, hit);
		return hit.value;
	}

	has(key: string, now = Date.now()): boolean {
		return this.get(key, now) !== undefined;
	}

	set(key: string, value: V, now = Date.now()): void {
		this.entries.delete(key);
		this.entries.set(key, { value, until: this.opts.ttlMs === undefined ? Infinity : now + this.opts.ttlMs });
		if (this.entries.size > this.opts.max) this.entries.delete(this.entries.keys().next().value as string);
	}

	delete(key: string): void {
		this.entries.delete(key);
	}

	get size(): number {
		return this.entries.size;
	}
}
