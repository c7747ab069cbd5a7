/**
 * What a post's text says beyond its words: the @usernames it mentions and
 * the #tags it carries. Tags are Unicode-aware (Swahili and English both use
 * Latin letters, but posts also carry accents and other scripts) and
 * normalised case-insensitively, so #Habari, #HABARI and #habari are one tag.
 */

/** A post's text limit, in Unicode code points (what a user counts), not UTF-16 units. */
export const TEXT_MAX = 2000;
export const COMMENT_MAX = 1000;
/** More mentions or tags than this in one post are not resolved (spam guard); the text itself stays. */
export const MENTIONS_MAX = 10;
export const TAGS_MAX = 10;
export const TAG_MAX_LENGTH = 64;

/** Usernames as auth issues them (services/auth/rules/username.ts): lowercase letters, digits, underscore. */
const MENTION = /(^|[^\p{L}\p{N}_@./])@([A-Za-z0-9_]{3,30})(?![\p{L}\p{N}_@])/gu;
/** A tag: letters, marks, digits and underscores after a '#' that does not follow a word character. */
const HASHTAG = /(^|[^\p{L}\p{M}\p{N}_&#/])#([\p{L}\p{M}\p{N}_]+)/gu;
const HAS_LETTER = /\p{L}/u;

export function codePoints(text: string): number {
	let n = 0;
	for (const _ of text) n++;
	return n;
}

/**
 * The canonical form of a tag: NFKC (compatibility forms fold, e.g. full-width
 * letters), then lowercase; null when it is not a tag (no letter, too long).
 */
export function normaliseTag(raw: string): string | null {
	const tag = raw.replace(/^#/, "").normalize("NFKC").toLowerCase();
	if (!tag || codePoints(tag) > TAG_MAX_LENGTH) return null;
	if (!/^[\p{L}\p{M}\p{N}_]+$/u.test(tag) || !HAS_LETTER.test(tag)) return null;
	return tag;
}

/** Distinct normalised tags, in order of first appearance, at most TAGS_MAX. */
export function extractHashtags(text: string): string[] {
	const out: string[] = [];
	for (const m of text.normalize("NFC").matchAll(HASHTAG)) {
		const tag = normaliseTag(m[2]);
		if (tag && !out.includes(tag)) out.push(tag);
		if (out.length === TAGS_MAX) break;
	}
	return out;
}

/** Distinct lowercase usernames mentioned, in order of first appearance, at most MENTIONS_MAX. */
export function extractMentions(text: string): string[] {
	const out: string[] = [];
	for (const m of text.matchAll(MENTION)) {
		const name = m[2].toLowerCase();
		if (!out.includes(name)) out.push(name);
		if (out.length === MENTIONS_MAX) break;
	}
	return out;
}
