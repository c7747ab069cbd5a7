/**
 * The unguessable per-transaction secret in a callback URL (PROVIDERS.md
 * §1.10): unsigned providers are authenticated by it, then confirmed by their
 * status API. Only its SHA-256 is stored; comparison is constant-time.
 */
import crypto from "node:crypto";

export function newCallbackToken(): { token: string; hash: string } {
	const token = crypto.randomBytes(24).toString("base64url");
	return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
	return crypto.createHash("sha256").update(token, "utf8").digest("hex");
}

export function tokenMatches(token: unknown, storedHash: string): boolean {
	if (typeof token !== "string" || token.length < 16 || token.length > 128) return false;
	const a = Buffer.from(hashToken(token), "hex");
	const b = Buffer.from(storedHash, "hex");
	return a.length === b.length && crypto.timingSafeEqual(a, b);
}
