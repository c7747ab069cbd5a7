/**
 * Human-readable order numbers: `NX-YYMMDD-XXXXXC`, read out over the phone
 * or typed from an SMS. The middle is the UTC day the order was placed; the
 * tail is a database sequence value in Crockford base-32 (no I, L, O, U: no
 * letters confused with digits), at least five characters, and C a Luhn
 * mod-32 check character over day and tail, which catches any single mistyped
 * character and most swaps of neighbours. Uniqueness comes from the sequence,
 * not the date.
 */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const PREFIX = "NX";
const MIN_DIGITS = 5;

function base32(n: number): string {
	if (!Number.isSafeInteger(n) || n < 1) throw new RangeError("order sequence must be a positive integer");
	let out = "";
	for (let v = n; v > 0; v = Math.floor(v / 32)) out = ALPHABET[v % 32] + out;
	return out.padStart(MIN_DIGITS, "0");
}

/** Luhn mod N (N = 32): every other code point from the right is doubled and its base-N digits summed. */
function checkChar(body: string): string {
	const n = ALPHABET.length;
	let factor = 2;
	let sum = 0;
	for (let i = body.length - 1; i >= 0; i--) {
		const addend = factor * ALPHABET.indexOf(body[i]);
		sum += Math.floor(addend / n) + (addend % n);
		factor = factor === 2 ? 1 : 2;
	}
	return ALPHABET[(n - (sum % n)) % n];
}

function yymmdd(at: Date): string {
	const p = (v: number) => String(v).padStart(2, "0");
	return `${p(at.getUTCFullYear() % 100)}${p(at.getUTCMonth() + 1)}${p(at.getUTCDate())}`;
}

export function formatOrderNumber(sequence: number, placedAt: Date): string {
	const day = yymmdd(placedAt);
	const tail = base32(sequence);
	return `${PREFIX}-${day}-${tail}${checkChar(day + tail)}`;
}

/** Normalises what a person typed (case, spaces, O→0, I/L→1) and checks it; null when it is not an order number. */
export function parseOrderNumber(input: string): string | null {
	const s = input.toUpperCase().replace(/\s+/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
	const m = /^NX-?(\d{6})-?([0-9A-HJKMNP-TV-Z]{6,})$/.exec(s);
	if (!m) return null;
	const [, day, rest] = m;
	const tail = rest.slice(0, -1);
	if (checkChar(day + tail) !== rest.slice(-1)) return null;
	return `${PREFIX}-${day}-${rest}`;
}
