/**
 * API.md's File as the files service answers it (`files.views`, `files.claim`,
 * the REST routes): the one contract every domain that shows media reads.
 * Variant values and `url` are signed URLs; `url` is null until the cleaned
 * original exists.
 */
export type FileKind = "image" | "video" | "document" | "audio";
export type VariantName = "thumb" | "medium" | "large" | "poster" | "mp4";

export interface FileView {
	id: string;
	kind: FileKind;
	mime: string;
	size: number;
	status: "processing" | "ready" | "failed";
	purpose: string;
	url: string | null;
	width?: number;
	height?: number;
	durationMs?: number;
	blurhash?: string;
	variants: Partial<Record<VariantName, string>>;
	failureReason?: string;
	createdAt: string;
}

/** A file that can be shown now: its cleaned original exists, so `url` is set. */
export type ServableFileView = FileView & { url: string };

export const isServable = (f: FileView | null | undefined): f is ServableFileView => typeof f?.url === "string";
