/**
 * A reaction is one emoji (a single grapheme: flags, skin tones and joined
 * sequences count as one), one per member per message (choosing another
 * replaces it, as WhatsApp does). Anything else is refused, so a reaction
 * can never carry text.
 */
export const EMOJI_MAX_LENGTH = 32;

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

export function isReactionEmoji(value: string): boolean {
	if (value.length === 0 || value.length > EMOJI_MAX_LENGTH) return false;
	const graphemes = [...segmenter.segment(value)];
	return graphemes.length === 1 && PICTOGRAPHIC.test(value) && !/\s/u.test(value);
}
