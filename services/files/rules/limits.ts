/**
 * Kinds, purposes and the size rules between them (docs/files.md "Limits").
 * The byte limits come from configuration; which kinds a purpose accepts and
 * which purposes are private are fixed here.
 */
import type { FileKind } from "../../../lib/files/file-view";

export const KINDS = ["image", "video", "document", "audio"] as const satisfies readonly FileKind[];
export type { FileKind };

export const PURPOSES = ["avatar", "product", "shop", "post", "event", "message", "verification"] as const;
export type Purpose = (typeof PURPOSES)[number];

/** Readable only by the owner and whoever the owning domain allows (API.md files). */
export const PRIVATE_PURPOSES: ReadonlySet<Purpose> = new Set(["message", "verification"]);

/** What each purpose may hold: a profile picture is never a PDF, a verification document never a video. */
export const PURPOSE_KINDS: Record<Purpose, readonly FileKind[]> = {
	avatar: ["image"],
	shop: ["image"],
	product: ["image", "video"],
	post: ["image", "video"],
	event: ["image", "video"],
	message: ["image", "video", "audio", "document"],
	verification: ["image", "document"]
};

export type KindLimits = Record<FileKind, number>;

export function isPrivate(purpose: string): boolean {
	return PRIVATE_PURPOSES.has(purpose as Purpose);
}

export function purposeAccepts(purpose: Purpose, kind: FileKind): boolean {
	return PURPOSE_KINDS[purpose].includes(kind);
}

/** The kind a client's declared MIME type names (presigned uploads, before the bytes exist). */
export function kindOfMime(mime: string): FileKind | null {
	const m = mime.toLowerCase().split(";")[0].trim();
	if (m === "application/pdf") return "document";
	const top = m.split("/")[0];
	if (top === "image" && m !== "image/svg+xml") return "image";
	if (top === "video") return "video";
	if (top === "audio") return "audio";
	return null;
}
