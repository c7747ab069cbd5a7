/**
 * The authors too big for fan-out (SOCIAL_FANOUT_MAX_FOLLOWERS), as a set
 * every home read consults. A handful of accounts at most, so each node keeps
 * the set in memory and reloads it every few seconds: reads with no big
 * author among the followees then cost no query for it at all.
 */
import { bigAuthorIds } from "../store/graph";
import type { Db } from "../../../lib/db/sql";

/** How stale the set may be: a newly big author's posts reach feeds by read-time merge within this. */
export const BIG_AUTHORS_TTL_MS = 5_000;

export class BigAuthors {
	private ids: string[] = [];
	private until = 0;
	private loading: Promise<string[]> | null = null;

	constructor(private readonly db: () => Db, private readonly threshold: number) {}

	async list(): Promise<string[]> {
		if (Date.now() < this.until) return this.ids;
		this.loading ??= bigAuthorIds(this.db(), this.threshold)
			.then(ids => {
				this.ids = ids;
				this.until = Date.now() + BIG_AUTHORS_TTL_MS;
				return ids;
			})
			.finally(() => {
				this.loading = null;
			});
		return this.loading;
	}
}
