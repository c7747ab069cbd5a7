/**
 * The checks of an OpenID Connect sign-in that need no network: PKCE (S256),
 * state and nonce values, and the ID token's claims (OpenID Connect Core
 * §3.1.3.7). The signature is checked by the provider client before these.
 */
import crypto from "node:crypto";

export function randomToken(bytes = 32): string {
	return crypto.randomBytes(bytes).toString("base64url");
}

/** RFC 7636: a 43-character verifier and its S256 challenge. */
export function newPkce(): { verifier: string; challenge: string } {
	const verifier = randomToken(32);
	return { verifier, challenge: crypto.createHash("sha256").update(verifier).digest("base64url") };
}

/** The state is stored hashed: a database read does not let anyone complete someone else's sign-in. */
export function stateHash(state: string): string {
	return crypto.createHash("sha256").update(state).digest("hex");
}

export interface IdTokenClaims {
	iss?: unknown;
	sub?: unknown;
	aud?: unknown;
	azp?: unknown;
	exp?: unknown;
	iat?: unknown;
	nonce?: unknown;
	email?: unknown;
	email_verified?: unknown;
	name?: unknown;
	[claim: string]: unknown;
}

export interface VerifiedIdentity {
	subject: string;
	email: string | null;
	/** True only when the provider asserts it (Apple sends the string "true"). */
	emailVerified: boolean;
	name: string | null;
}

export type IdTokenProblem = "ISSUER" | "AUDIENCE" | "AZP" | "EXPIRED" | "ISSUED_IN_FUTURE" | "NONCE" | "SUBJECT";

/** Every required claim check; returns the identity or the first problem. */
export function checkIdTokenClaims(
	claims: IdTokenClaims,
	expected: { issuer: string; clientId: string; nonce: string },
	now = Date.now(),
	skewS = 60
): { ok: true; identity: VerifiedIdentity } | { ok: false; problem: IdTokenProblem } {
	const nowS = Math.floor(now / 1000);
	if (claims.iss !== expected.issuer) return { ok: false, problem: "ISSUER" };
	const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
	if (!aud.includes(expected.clientId)) return { ok: false, problem: "AUDIENCE" };
	// Several audiences: the token must say it was issued to us (azp).
	if (aud.length > 1 && claims.azp !== expected.clientId) return { ok: false, problem: "AZP" };
	if (typeof claims.exp !== "number" || claims.exp + skewS <= nowS) return { ok: false, problem: "EXPIRED" };
	if (typeof claims.iat === "number" && claims.iat - skewS > nowS) return { ok: false, problem: "ISSUED_IN_FUTURE" };
	if (typeof claims.nonce !== "string" || !safeEqual(claims.nonce, expected.nonce)) return { ok: false, problem: "NONCE" };
	if (typeof claims.sub !== "string" || !claims.sub || claims.sub.length > 255) return { ok: false, problem: "SUBJECT" };
	const email = typeof claims.email === "string" && claims.email.includes("@") ? claims.email.trim().toLowerCase() : null;
	return {
		ok: true,
		identity: {
			subject: claims.sub,
			email,
			emailVerified: email !== null && (claims.email_verified === true || claims.email_verified === "true"),
			name: typeof claims.name === "string" && claims.name.trim() ? claims.name.trim().slice(0, 80) : null
		}
	};
}

function safeEqual(a: string, b: string): boolean {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && crypto.timingSafeEqual(x, y);
}
