/**
 * What makes a post well-formed: something to show (text, media, an embed, a
 * poll or a quote), text within the limit, and no poll together with media
 * or a quote (as Mastodon: a poll is the post's one attachment).
 */
import { codePoints, TEXT_MAX } from "./text";

export const MEDIA_MAX = 10;

export interface PostShape {
	text?: string;
	mediaFileIds?: string[];
	embed?: { type: string; id: string };
	poll?: unknown;
	quoteOf?: string;
}

export type ShapeProblem = { field: string; message: string };

export function checkPostShape(p: PostShape): ShapeProblem | null {
	const text = p.text ?? "";
	if (codePoints(text) > TEXT_MAX) return { field: "text", message: `at most ${TEXT_MAX} characters` };
	const media = p.mediaFileIds ?? [];
	if (media.length > MEDIA_MAX) return { field: "mediaFileIds", message: `at most ${MEDIA_MAX} files` };
	if (new Set(media.map(m => m.toLowerCase())).size !== media.length) return { field: "mediaFileIds", message: "a file appears twice" };
	if (!text.trim() && media.length === 0 && !p.embed && !p.poll && !p.quoteOf) return { field: "text", message: "a post needs text, media, an embed, a poll or a quote" };
	if (p.poll && media.length > 0) return { field: "poll", message: "a poll cannot go with media" };
	if (p.poll && p.quoteOf) return { field: "poll", message: "a poll cannot go with a quote" };
	return null;
}
