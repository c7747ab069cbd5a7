/**
 * What the catalog asks other domains (their internal actions): files to
 * attach and show images, logos and verification documents; users for the
 * shop owner's trust score.
 */
import type { ServiceBroker } from "moleculer";
import { isServable, type ServableFileView } from "../../lib/files/file-view";

export interface TrustSummary {
	score: number;
	level: string;
}

type Logger = { warn(...a: unknown[]): void };

export const shopRef = (shopId: string) => `commerce:shop:${shopId}`;
export const productRef = (productId: string) => `commerce:product:${productId}`;
/** Verification documents are held per shop: every submission of the shop may reuse them. */
export const verificationRef = (shopId: string) => `commerce:verification:${shopId}`;

/** `commerce:verification:<shopId>` → shopId; anything else → null. */
export function parseVerificationRef(ref: string): string | null {
	const m = /^commerce:verification:([0-9a-f-]{36})$/i.exec(ref);
	return m ? m[1].toLowerCase() : null;
}

export class Peers {
	constructor(private readonly broker: ServiceBroker, private readonly logger: Logger) {}

	/** Attaches the files (files checks owner, purpose and state: 422 FILE_NOT_USABLE otherwise). */
	async claim(ownerId: string, fileIds: string[], purpose: "product" | "shop" | "verification", ref: string): Promise<void> {
		if (fileIds.length === 0) return;
		await this.broker.call("files.claim", { ownerId, fileIds, purpose, ref });
	}

	/** Detaches files no longer shown; a failure is logged (the cleanup never removes attached files, so nothing is lost). */
	async release(fileIds: string[], ref: string): Promise<void> {
		if (fileIds.length === 0) return;
		try {
			await this.broker.call("files.release", { fileIds, ref });
		} catch (err) {
			this.logger.warn(`Could not release files of ${ref}:`, (err as Error).message);
		}
	}

	/**
	 * Current views by file id (URLs, BlurHash) of the files that can be shown; files being down shows the
	 * catalog without pictures rather than failing it.
	 */
	async views(ids: readonly string[], viewerId?: string | null): Promise<Map<string, ServableFileView>> {
		const out = new Map<string, ServableFileView>();
		const unique = [...new Set(ids)];
		if (unique.length === 0) return out;
		try {
			for (let i = 0; i < unique.length; i += 500) {
				const batch = unique.slice(i, i + 500);
				const res = await this.broker.call<Record<string, ServableFileView>, object>("files.views", { ids: batch, ...(viewerId ? { viewerId } : {}) });
				for (const [id, view] of Object.entries(res ?? {})) if (isServable(view)) out.set(id, view);
			}
		} catch (err) {
			this.logger.warn("Catalog media unavailable (files.views failed):", (err as Error).message);
		}
		return out;
	}

	/** The owner's trust score as the viewer may see it; null when users cannot say (a shop page still renders). */
	async trust(ownerId: string, viewerId: string | null): Promise<TrustSummary | null> {
		try {
			const res = await this.broker.call<{ score: number; level: string }, object>(
				"users.trust",
				{ id: ownerId },
				{ meta: { user: { userId: viewerId ?? ownerId, sessionId: "", roles: [] } } }
			);
			return res ? { score: res.score, level: res.level } : null;
		} catch (err) {
			if ((err as { code?: number }).code !== 404) this.logger.warn("Trust score unavailable:", (err as Error).message);
			return null;
		}
	}
}
