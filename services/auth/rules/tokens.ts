/**
 * Token and session lifetime rules (DESIGN.md §4, docs/auth.md "Lifetimes").
 *
 * - Access token: RS256 JWT, 15 minutes. Short, because the gateway trusts it
 *   without asking `auth`; revocation is checked separately on every request.
 * - Refresh token: 32 random bytes (opaque), stored only as SHA-256, replaced
 *   on every use. Each session is one rotation family: presenting a spent token
 *   means it was copied, so the whole session is revoked.
 * - Session: sliding 30 days (each refresh extends it, never past the absolute
 *   limit) and absolute 90 days from sign-in, after which the person signs in
 *   again.
 */
import crypto from "node:crypto";

export const ACCESS_TOKEN_TTL_S = 15 * 60;
export const SESSION_IDLE_MS = 30 * 24 * 3600_000;
export const SESSION_ABSOLUTE_MS = 90 * 24 * 3600_000;
/**
 * How long a revoked session stays on the gateways' revocation list: as long
 * as its newest access token can live, plus the verifier's clock tolerance and
 * a margin for a token minted by a node whose clock runs ahead.
 */
export const REVOCATION_TTL_S = ACCESS_TOKEN_TTL_S + 60;

export function newRefreshToken(): string {
	return crypto.randomBytes(32).toString("base64url");
}

export function refreshTokenHash(token: string): string {
	return crypto.createHash("sha256").update(token).digest("hex");
}

/** A refresh token's shape: 43 base64url characters. Anything else is refused without a lookup. */
export function looksLikeRefreshToken(token: unknown): token is string {
	return typeof token === "string" && /^[A-Za-z0-9_-]{43}$/.test(token);
}

export interface SessionExpiry {
	idleExpiresAt: Date;
	absoluteExpiresAt: Date;
}

export function newSessionExpiry(now = Date.now()): SessionExpiry {
	const absolute = now + SESSION_ABSOLUTE_MS;
	return { idleExpiresAt: new Date(Math.min(now + SESSION_IDLE_MS, absolute)), absoluteExpiresAt: new Date(absolute) };
}

/** The idle deadline after a refresh: pushed forward, capped by the absolute one. */
export function slideIdleExpiry(absoluteExpiresAt: Date, now = Date.now()): Date {
	return new Date(Math.min(now + SESSION_IDLE_MS, absoluteExpiresAt.getTime()));
}

export type RefreshVerdict = "ROTATE" | "REUSED" | "SESSION_REVOKED" | "SESSION_EXPIRED" | "ACCOUNT_DISABLED";

export interface RefreshState {
	/** When the presented token was already exchanged (null: still current). */
	tokenUsedAt: Date | null;
	sessionRevokedAt: Date | null;
	idleExpiresAt: Date;
	absoluteExpiresAt: Date;
	accountStatus: string;
}

/**
 * What to do with a presented refresh token, read under the session's row
 * lock. Order matters: reuse is checked first, so a copied token presented
 * after the session ended still counts as reuse (and is logged as such).
 */
export function refreshVerdict(s: RefreshState, now = Date.now()): RefreshVerdict {
	if (s.tokenUsedAt) return "REUSED";
	if (s.sessionRevokedAt) return "SESSION_REVOKED";
	if (s.idleExpiresAt.getTime() <= now || s.absoluteExpiresAt.getTime() <= now) return "SESSION_EXPIRED";
	if (s.accountStatus !== "active") return "ACCOUNT_DISABLED";
	return "ROTATE";
}
