/**
 * Verifying access tokens: RS256 JWTs signed by `auth`, checked against the
 * public keys it publishes as a JWKS (DESIGN.md §4).
 *
 * Pure: no broker, no network. The caller supplies `fetchJwks`; the gateway
 * passes `() => ctx.call("auth.jwks")`.
 *
 * Why the cache: an RS256 check on every request cut the gateway's throughput
 * from 17.6k to 6.9k req/s (DESIGN.md §8). A token that verified once stays
 * valid until its `exp` unless its session is revoked, and revocation is checked
 * separately on every request, so remembering "this exact token string verified"
 * is safe. Entries are keyed by a SHA-256 of the token (the token itself never
 * sits in the map), bounded (least recently used goes first) and dropped at `exp`
 * or when their signing key disappears from the JWKS.
 */
import crypto, { type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";

export interface Jwk {
	kty: string;
	kid?: string;
	alg?: string;
	use?: string;
	n?: string;
	e?: string;
	[field: string]: unknown;
}

export interface Jwks {
	keys: Jwk[];
}

/** What a valid token says about its bearer. */
export interface VerifiedAccessToken {
	userId: string;
	sessionId: string;
	roles: string[];
	tokenId: string | null;
	/** The `kid` of the key that signed it. */
	kid: string;
	/** `exp` in epoch milliseconds. */
	expiresAt: number;
}

export type AccessTokenFailure =
	| "MALFORMED"
	| "UNSUPPORTED_ALGORITHM"
	| "UNKNOWN_KEY"
	| "BAD_SIGNATURE"
	| "EXPIRED"
	| "NOT_YET_VALID"
	| "INVALID_CLAIMS";

/** The token is not acceptable; `reason` says why (for logs and the 401's type). */
export class AccessTokenError extends Error {
	constructor(readonly reason: AccessTokenFailure, message: string) {
		super(message);
		this.name = "AccessTokenError";
	}
}

/** The keys could not be loaded and none are known: not the token's fault (the gateway answers 503). */
export class KeySetUnavailableError extends Error {
	constructor(cause: unknown) {
		super(`signing keys unavailable: ${(cause as Error)?.message ?? String(cause)}`, { cause });
		this.name = "KeySetUnavailableError";
	}
}

const ALGORITHM = "RS256";
const MIN_RSA_BITS = 2048;

/** The RS256 verification keys of a JWKS by kid; entries that are not RSA signing keys are ignored. */
export function importJwks(jwks: Jwks): Map<string, KeyObject> {
	const keys = new Map<string, KeyObject>();
	for (const jwk of jwks?.keys ?? []) {
		if (!jwk || jwk.kty !== "RSA" || typeof jwk.kid !== "string" || !jwk.kid) continue;
		if (jwk.alg !== undefined && jwk.alg !== ALGORITHM) continue;
		if (jwk.use !== undefined && jwk.use !== "sig") continue;
		try {
			const key = crypto.createPublicKey({ key: { kty: "RSA", n: jwk.n, e: jwk.e }, format: "jwk" });
			// Shorter RSA keys are breakable; a truncated or garbled modulus also ends up here.
			if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) continue;
			keys.set(jwk.kid, key);
		} catch {
			// A malformed key must not hide the valid ones.
		}
	}
	return keys;
}

/** The header's `kid`, after checking the token looks like a JWS and claims RS256. */
export function readKid(token: string): string {
	if (typeof token !== "string" || token.split(".").length !== 3) throw new AccessTokenError("MALFORMED", "not a JWT");
	let header: { alg?: unknown; kid?: unknown };
	try {
		header = JSON.parse(Buffer.from(token.slice(0, token.indexOf(".")), "base64url").toString("utf8"));
	} catch {
		throw new AccessTokenError("MALFORMED", "unreadable JWT header");
	}
	// Pinning the algorithm here rules out "alg: none" and HMAC-with-the-public-key confusion.
	if (header?.alg !== ALGORITHM) throw new AccessTokenError("UNSUPPORTED_ALGORITHM", `alg must be ${ALGORITHM}`);
	if (typeof header.kid !== "string" || !header.kid) throw new AccessTokenError("MALFORMED", "JWT header has no kid");
	return header.kid;
}

export interface VerifyOptions {
	/** Current time in epoch ms (tests pin it). */
	now?: number;
	/** Allowed clock difference with the signer, seconds. Default 5. */
	clockToleranceSec?: number;
	issuer?: string;
	audience?: string;
}

/** Verifies signature and claims with the given keys; throws AccessTokenError. */
export function verifyAccessToken(token: string, keys: Map<string, KeyObject>, opts: VerifyOptions = {}): VerifiedAccessToken {
	const kid = readKid(token);
	const key = keys.get(kid);
	if (!key) throw new AccessTokenError("UNKNOWN_KEY", `no key with kid "${kid}"`);
	const now = opts.now ?? Date.now();
	let payload: jwt.JwtPayload;
	try {
		payload = jwt.verify(token, key, {
			algorithms: [ALGORITHM],
			clockTimestamp: Math.floor(now / 1000),
			clockTolerance: opts.clockToleranceSec ?? 5,
			issuer: opts.issuer,
			audience: opts.audience
		}) as jwt.JwtPayload;
	} catch (err) {
		if (err instanceof jwt.TokenExpiredError) throw new AccessTokenError("EXPIRED", "token expired");
		if (err instanceof jwt.NotBeforeError) throw new AccessTokenError("NOT_YET_VALID", "token not valid yet");
		const message = (err as Error).message;
		if (/signature/i.test(message)) throw new AccessTokenError("BAD_SIGNATURE", "invalid signature");
		if (/audience|issuer/i.test(message)) throw new AccessTokenError("INVALID_CLAIMS", message);
		throw new AccessTokenError("MALFORMED", message);
	}
	if (typeof payload !== "object" || payload === null) throw new AccessTokenError("INVALID_CLAIMS", "payload is not an object");
	// jsonwebtoken accepts a token without exp; ours must expire, or the cache would keep it forever.
	if (typeof payload.exp !== "number") throw new AccessTokenError("INVALID_CLAIMS", "exp is required");
	if (typeof payload.sub !== "string" || !payload.sub) throw new AccessTokenError("INVALID_CLAIMS", "sub is required");
	const sid = (payload as { sid?: unknown }).sid;
	if (typeof sid !== "string" || !sid) throw new AccessTokenError("INVALID_CLAIMS", "sid is required");
	const roles = (payload as { roles?: unknown }).roles ?? [];
	if (!Array.isArray(roles) || !roles.every(r => typeof r === "string"))
		throw new AccessTokenError("INVALID_CLAIMS", "roles must be a list of strings");
	return {
		userId: payload.sub,
		sessionId: sid,
		roles: roles as string[],
		tokenId: typeof payload.jti === "string" ? payload.jti : null,
		kid,
		expiresAt: payload.exp * 1000
	};
}

/** One-shot `crypto.hash` (Node ≥ 20.12) skips the Hash object: about 3× cheaper for a token-sized input. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: "base64url") => string }).hash;

export function tokenHash(token: string): string {
	return oneShotHash ? oneShotHash("sha256", token, "base64url") : crypto.createHash("sha256").update(token).digest("base64url");
}

/** Bounded LRU of verified tokens, each kept until its expiry. */
export class VerifiedTokenCache {
	private readonly entries = new Map<string, VerifiedAccessToken>();

	constructor(readonly maxEntries = 10_000) {}

	get size(): number {
		return this.entries.size;
	}

	get(hash: string, now = Date.now()): VerifiedAccessToken | undefined {
		const hit = this.entries.get(hash);
		if (!hit) return undefined;
		this.entries.delete(hash);
		if (hit.expiresAt <= now) return undefined;
		// Re-inserting moves the entry to the young end of the Map's insertion order.
		this.entries.set(hash, hit);
		return hit;
	}

	set(hash: string, token: VerifiedAccessToken): void {
		this.entries.delete(hash);
		this.entries.set(hash, token);
		while (this.entries.size > this.maxEntries) {
			const oldest = this.entries.keys().next().value as string;
			this.entries.delete(oldest);
		}
	}

	/** Forgets tokens signed by keys that are no longer published (a rotated-out or withdrawn key). */
	retainKids(kids: Set<string>): void {
		for (const [hash, token] of this.entries) if (!kids.has(token.kid)) this.entries.delete(hash);
	}

	clear(): void {
		this.entries.clear();
	}
}

export interface AccessTokenVerifierOptions extends Omit<VerifyOptions, "now"> {
	fetchJwks: () => Promise<Jwks>;
	/** Verified tokens remembered at once. Default 10 000. */
	cacheSize?: number;
	/**
	 * Least time between two fetches caused by an unknown kid, ms. Default 1 s: a flood of forged kids
	 * costs `auth` at most one JWKS call per second per node, and a genuinely new key is picked up
	 * within a second even during such a flood.
	 */
	unknownKidRefetchMs?: number;
	/** The key set is refreshed when older than this, so withdrawn keys stop working. Default 5 min. */
	keysMaxAgeMs?: number;
	now?: () => number;
	onKeysRefreshFailed?: (err: unknown) => void;
}

export interface AccessTokenVerifier {
	/**
	 * Verifies (or recalls) a token; throws AccessTokenError or KeySetUnavailableError.
	 * `hash` is `tokenHash(token)` when the caller already has it (the gateway hashes once per request).
	 */
	verify(token: string, hash?: string): Promise<VerifiedAccessToken>;
	/** A still-valid earlier verification of this exact token, without any new check. */
	peek(token: string, hash?: string): VerifiedAccessToken | undefined;
	/** Loads the key set now. */
	refreshKeys(): Promise<void>;
	readonly cacheSize: number;
}

export function createAccessTokenVerifier(opts: AccessTokenVerifierOptions): AccessTokenVerifier {
	const now = opts.now ?? Date.now;
	const cache = new VerifiedTokenCache(opts.cacheSize ?? 10_000);
	const refetchMs = opts.unknownKidRefetchMs ?? 1000;
	const maxAgeMs = opts.keysMaxAgeMs ?? 5 * 60_000;
	let keys: Map<string, KeyObject> | null = null;
	let loadedAt = 0;
	let lastAttemptAt = -Infinity;
	let inFlight: Promise<void> | null = null;
	let lastError: unknown = null;

	// One fetch at a time: a burst of requests with a new kid causes one call to `auth`.
	const load = (): Promise<void> => {
		if (!inFlight) {
			lastAttemptAt = now();
			inFlight = opts
				.fetchJwks()
				.then(jwks => {
					const next = importJwks(jwks);
					keys = next;
					loadedAt = now();
					lastError = null;
					cache.retainKids(new Set(next.keys()));
				})
				.catch(err => {
					lastError = err;
					throw err;
				})
				.finally(() => {
					inFlight = null;
				});
		}
		return inFlight;
	};

	const keysFor = async (kid: string): Promise<Map<string, KeyObject>> => {
		if (!keys) {
			// Nothing to verify with yet: wait for the keys, but do not retry a failed fetch more than once a second.
			if (!inFlight && lastError && now() - lastAttemptAt < 1000) throw new KeySetUnavailableError(lastError);
			try {
				await load();
			} catch (err) {
				throw new KeySetUnavailableError(err);
			}
		} else if (!keys.has(kid)) {
			// A new kid usually means `auth` rotated its key: look again, at most once per interval.
			if (inFlight || now() - lastAttemptAt >= refetchMs) await load().catch(err => opts.onKeysRefreshFailed?.(err));
		} else if (now() - loadedAt > maxAgeMs && !inFlight && now() - lastAttemptAt >= refetchMs) {
			// Known kid, old key set: refresh in the background so requests do not wait for it.
			load().catch(err => opts.onKeysRefreshFailed?.(err));
		}
		return keys!;
	};

	return {
		async verify(token, hash = tokenHash(token)) {
			const hit = cache.get(hash, now());
			if (hit) return hit;
			const kid = readKid(token);
			const verified = verifyAccessToken(token, await keysFor(kid), {
				now: now(),
				clockToleranceSec: opts.clockToleranceSec,
				issuer: opts.issuer,
				audience: opts.audience
			});
			cache.set(hash, verified);
			return verified;
		},
		peek(token, hash = tokenHash(token)) {
			return cache.get(hash, now());
		},
		refreshKeys: load,
		get cacheSize() {
			return cache.size;
		}
	};
}
