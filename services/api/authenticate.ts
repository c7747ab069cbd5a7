/**
 * Who is calling: access token → `ctx.meta.user`, per the action's `auth` mode
 * (see action-options.ts). Used by the REST routes and the WebSocket upgrade.
 *
 * Every authenticated request checks revocation, also when the token itself
 * comes from the verified-token cache: the cache skips the signature maths,
 * never the "has this session been ended" question.
 */
import { Errors } from "moleculer";
import { AccessTokenError, KeySetUnavailableError, type AccessTokenVerifier, type VerifiedAccessToken } from "../../lib/auth/access-tokens";
import type { SessionRevocations } from "../../lib/auth/session-revocations";
import { ErrorType, forbidden, unauthorized } from "../../lib/errors";
import { AUTH_MODES, type AuthMode, type GatewayUser } from "./action-options";

export interface AuthenticatorDeps {
	verifier: AccessTokenVerifier;
	revocations: Pick<SessionRevocations, "isSessionRevoked" | "knownAnswer">;
	/** Infrastructure failures (keys or revocation list unreachable) are logged here; the client sees a 503. */
	logError?: (message: string, err: unknown) => void;
}

/** The action's declared mode; anything missing or unknown is "required" (fail closed). */
export function authModeOf(action: { auth?: unknown } | null | undefined): AuthMode {
	const mode = action?.auth;
	return typeof mode === "string" && (AUTH_MODES as readonly string[]).includes(mode) ? (mode as AuthMode) : "required";
}

function unavailable(): Error {
	return new Errors.MoleculerServerError("Authentication temporarily unavailable", 503, ErrorType.SERVICE_UNAVAILABLE);
}

function userOf(verified: VerifiedAccessToken): GatewayUser {
	return { userId: verified.userId, sessionId: verified.sessionId, roles: [...verified.roles] };
}

/**
 * The answer without waiting, when this node already knows it: a token verified earlier (still in the
 * verified-token cache) whose session this process knows is not revoked (a fresh answer, ≤ 500 ms
 * old with Redis; the list itself without). Most requests of a busy client end here; anything else
 * (first sight of a token, a stale or revoked answer) goes through the full check.
 */
function knownUser(token: string, deps: AuthenticatorDeps, hash?: string): GatewayUser | undefined {
	const verified = deps.verifier.peek(token, hash);
	if (verified && deps.revocations.knownAnswer(verified.sessionId) === false) return userOf(verified);
	return undefined;
}

/**
 * A valid, unrevoked token → the user; otherwise a 401 (or 503 when the check itself cannot run).
 * Synchronous when knownUser can answer (no promise on the hot path), else a promise.
 */
export function authenticateToken(token: string, deps: AuthenticatorDeps, hash?: string): GatewayUser | Promise<GatewayUser> {
	return knownUser(token, deps, hash) ?? checkToken(token, deps, hash);
}

async function checkToken(token: string, deps: AuthenticatorDeps, hash?: string): Promise<GatewayUser> {
	let verified;
	try {
		verified = await deps.verifier.verify(token, hash);
	} catch (err) {
		if (err instanceof AccessTokenError) {
			if (err.reason === "EXPIRED") throw unauthorized("Access token expired", ErrorType.TOKEN_EXPIRED);
			throw unauthorized("Invalid access token", ErrorType.INVALID_TOKEN);
		}
		if (err instanceof KeySetUnavailableError) deps.logError?.("Cannot load the access-token keys from auth.jwks", err);
		else deps.logError?.("Access-token verification failed unexpectedly", err);
		throw unavailable();
	}
	let revoked: boolean;
	try {
		revoked = await deps.revocations.isSessionRevoked(verified.sessionId);
	} catch (err) {
		deps.logError?.("Cannot check session revocation", err);
		throw unavailable();
	}
	if (revoked) throw unauthorized("Session has been revoked", ErrorType.SESSION_REVOKED);
	return userOf(verified);
}

/**
 * Applies an action's auth mode to the (possibly absent) token of a request; `hash` = tokenHash(token)
 * if known. Throws (synchronously) or returns a value or a promise, like authenticateToken.
 */
export function authenticateRequest(token: string | null, mode: AuthMode, deps: AuthenticatorDeps, hash?: string): GatewayUser | null | Promise<GatewayUser | null> {
	if (mode === "none") return null;
	if (!token) {
		if (mode === "optional") return null;
		throw unauthorized("Authentication required", ErrorType.NO_TOKEN);
	}
	return authenticateToken(token, deps, hash);
}

/** The role check that follows authentication. */
export function authorizeUser(user: GatewayUser | null, mode: AuthMode): void {
	if (mode === "admin" && !user?.roles.includes("admin")) throw forbidden("Administrator role required", ErrorType.FORBIDDEN);
}
