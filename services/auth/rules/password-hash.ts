/**
 * Password hashing with Node's built-in scrypt (no native dependency).
 *
 * Parameters: N=2^15, r=8, p=3 — one of OWASP's equal-cost scrypt settings
 * (same work as N=2^17, r=8, p=1) but with 32 MiB of memory per hash instead of
 * 128 MiB, so four concurrent hashes on the libuv pool fit a small pod.
 * Measured on the 2-core reference machine (docs/auth.md): 268 ms per hash,
 * 7.4 hashes/s with four in parallel.
 *
 * The stored string carries its parameters ("scrypt$32768$8$3$salt$hash"), so
 * raising them later re-hashes each password at its owner's next sign-in
 * (`needsRehash`) instead of invalidating every account.
 */
import crypto from "node:crypto";

export interface ScryptParams {
	N: number;
	r: number;
	p: number;
}

export const CURRENT_PARAMS: Readonly<ScryptParams> = { N: 2 ** 15, r: 8, p: 3 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		// maxmem must exceed 128·N·r or Node refuses; leave headroom.
		crypto.scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, { ...params, maxmem: 256 * params.N * params.r }, (err, key) =>
			err ? reject(err) : resolve(key)
		);
	});
}

export async function hashPassword(password: string, params: ScryptParams = CURRENT_PARAMS): Promise<string> {
	const salt = crypto.randomBytes(SALT_LENGTH);
	const key = await derive(password, salt, params);
	return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

function parse(stored: string): { params: ScryptParams; salt: Buffer; key: Buffer } | null {
	const parts = stored.split("$");
	if (parts.length !== 6 || parts[0] !== "scrypt") return null;
	const [N, r, p] = parts.slice(1, 4).map(Number);
	if (![N, r, p].every(n => Number.isInteger(n) && n > 0)) return null;
	return { params: { N, r, p }, salt: Buffer.from(parts[4], "base64url"), key: Buffer.from(parts[5], "base64url") };
}

/** Constant-time comparison of the derived key; a malformed stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const parsed = parse(stored);
	if (!parsed) return false;
	const key = await derive(password, parsed.salt, parsed.params);
	return key.length === parsed.key.length && crypto.timingSafeEqual(key, parsed.key);
}

export function needsRehash(stored: string, params: ScryptParams = CURRENT_PARAMS): boolean {
	const parsed = parse(stored);
	return !parsed || parsed.params.N !== params.N || parsed.params.r !== params.r || parsed.params.p !== params.p;
}
