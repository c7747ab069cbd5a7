/**
 * Avatars are `files` ids (purpose "avatar"); their URLs come from
 * files.views when a profile is shown, never stored here (they may be
 * presigned and expire). One files.views call per list of profiles, and a
 * short in-process cache because the same faces recur on every feed page.
 *
 * Setting one: files.claim attaches it to `users:avatar:<userId>` (files
 * checks owner, purpose and state: 422 FILE_NOT_USABLE otherwise); the
 * previous one is released after the change commits, so the daily cleanup
 * can remove it.
 */
import type { ServiceBroker } from "moleculer";
import { isServable, type FileView, type ServableFileView } from "../../lib/files/file-view";

export interface Avatar {
	url: string;
	blurhash: string | null;
}

type Logger = { warn(...a: unknown[]): void };

export const AVATAR_CACHE_MS = 30_000;
const AVATAR_CACHE_MAX = 10_000;

export const avatarRef = (userId: string) => `users:avatar:${userId}`;

/** The medium variant (sized for profile screens) when files made one, else the cleaned original. */
export function avatarOf(file: ServableFileView): Avatar {
	return { url: file.variants?.medium ?? file.url, blurhash: file.blurhash ?? null };
}

export class Avatars {
	private cache = new Map<string, { avatar: Avatar; until: number }>();

	constructor(private readonly broker: ServiceBroker, private readonly logger: Logger) {}

	/** Avatars by file id; files that are gone or unreadable are simply absent (the profile shows none). */
	async resolve(fileIds: ReadonlyArray<string | null>, viewerId?: string | null): Promise<Map<string, Avatar>> {
		const now = Date.now();
		const out = new Map<string, Avatar>();
		const missing: string[] = [];
		for (const id of new Set(fileIds.filter((x): x is string => Boolean(x)))) {
			const hit = this.cache.get(id);
			if (hit && hit.until > now) out.set(id, hit.avatar);
			else missing.push(id);
		}
		if (missing.length === 0) return out;
		let files: Record<string, FileView>;
		try {
			files = await this.broker.call("files.views", { ids: missing, ...(viewerId ? { viewerId } : {}) });
		} catch (err) {
			// A profile without its picture beats no profile: files being down must not break profile reads.
			this.logger.warn("Avatars unavailable (files.views failed):", (err as Error).message);
			return out;
		}
		for (const id of missing) {
			const file = files?.[id];
			if (!isServable(file)) continue;
			const avatar = avatarOf(file);
			out.set(id, avatar);
			this.remember(id, avatar, now);
		}
		return out;
	}

	/** Attaches the file as the user's avatar (idempotent for the same ref). Errors from files pass through (422, 404). */
	async claim(userId: string, fileId: string): Promise<void> {
		await this.broker.call("files.claim", { ownerId: userId, fileIds: [fileId], purpose: "avatar", ref: avatarRef(userId) });
		this.cache.delete(fileId);
	}

	/**
	 * Detaches an avatar. `strict` (account deletion, inside the consumer's transaction) lets a failure
	 * retry the event; otherwise (a replaced avatar, after commit) it is logged and the old file stays attached.
	 */
	async release(userId: string, fileId: string, opts: { strict?: boolean } = {}): Promise<void> {
		this.cache.delete(fileId);
		try {
			await this.broker.call("files.release", { fileIds: [fileId], ref: avatarRef(userId) });
		} catch (err) {
			if (opts.strict) throw err;
			this.logger.warn(`Could not release the previous avatar ${fileId} of ${userId}:`, (err as Error).message);
		}
	}

	private remember(id: string, avatar: Avatar, now: number) {
		if (this.cache.size >= AVATAR_CACHE_MAX) {
			// Oldest first: Map keeps insertion order.
			const oldest = this.cache.keys().next().value;
			if (oldest !== undefined) this.cache.delete(oldest);
		}
		this.cache.set(id, { avatar, until: now + AVATAR_CACHE_MS });
	}
}
