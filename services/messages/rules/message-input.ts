/**
 * The content of a message: text, attachments (files ids), an embedded card
 * (product, event or order), or several of them; never nothing. Client ids
 * make sends idempotent (Matrix's transaction ids, PEERS.md §4), so they are
 * short opaque tokens a client can generate offline (a UUID fits).
 */
export const TEXT_MAX = 4000;
export const FILES_MAX = 10;
export const CLIENT_ID_MAX = 64;
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
export const EMBED_TYPES = ["product", "event", "order"] as const;
export type EmbedType = (typeof EMBED_TYPES)[number];

export interface Embed {
	type: EmbedType;
	id: string;
}

export interface MessageContent {
	text: string | null;
	fileIds: string[];
	embed: Embed | null;
}

/** Text that is only whitespace is no text; otherwise it is kept as written (line breaks matter). */
export function normalizeText(text: string | null | undefined): string | null {
	if (text === null || text === undefined) return null;
	return text.trim() === "" ? null : text;
}

export function normalizeContent(input: { text?: string | null; fileIds?: string[] | null; embed?: Embed | null }): MessageContent | { error: "empty" } {
	const text = normalizeText(input.text);
	const fileIds = [...new Set((input.fileIds ?? []).map(id => id.toLowerCase()))];
	const embed = input.embed ? { type: input.embed.type, id: input.embed.id.toLowerCase() } : null;
	if (text === null && fileIds.length === 0 && embed === null) return { error: "empty" };
	return { text, fileIds, embed };
}
