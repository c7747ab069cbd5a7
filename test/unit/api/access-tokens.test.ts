import crypto from "node:crypto";
import { expect } from "chai";
import jwt from "jsonwebtoken";
import {
	AccessTokenError,
	createAccessTokenVerifier,
	importJwks,
	KeySetUnavailableError,
	readKid,
	tokenHash,
	verifyAccessToken,
	VerifiedTokenCache,
	type Jwks,
	type VerifiedAccessToken
} from "../../../lib/auth/access-tokens";
import { makeSigningKey, signAccessToken } from "../../fixtures/services/auth.service";

const key = makeSigningKey();
const otherKey = makeSigningKey();
const jwks: Jwks = { keys: [key.publicJwk as Jwks["keys"][number]] };

function reason(fn: () => unknown): string {
	try {
		fn();
	} catch (err) {
		expect(err).to.be.instanceOf(AccessTokenError);
		return (err as AccessTokenError).reason;
	}
	throw new Error("expected an AccessTokenError");
}

async function reasonAsync(p: Promise<unknown>): Promise<string> {
	try {
		await p;
	} catch (err) {
		if (err instanceof AccessTokenError) return err.reason;
		throw err;
	}
	throw new Error("expected an AccessTokenError");
}

describe("access tokens", () => {
	describe("importJwks", () => {
		it("keeps RSA signing keys by kid and skips others", () => {
			const keys = importJwks({
				keys: [
					key.publicJwk as never,
					{ kty: "EC", kid: "ec", crv: "P-256", x: "x", y: "y" },
					{ ...(otherKey.publicJwk as object), kid: "enc", use: "enc" } as never,
					{ ...(otherKey.publicJwk as object), kid: "hs", alg: "HS256" } as never,
					{ kty: "RSA", kid: "broken", n: "!!", e: "AQAB" }
				]
			});
			expect([...keys.keys()]).to.deep.equal([key.kid]);
		});
	});

	describe("verifyAccessToken", () => {
		const keys = importJwks(jwks);

		it("returns the user, session and roles of a valid token", () => {
			const token = signAccessToken(key, { sub: "user-1", sid: "sess-1", roles: ["user", "seller"], jti: "t-1" });
			const v = verifyAccessToken(token, keys);
			expect(v).to.include({ userId: "user-1", sessionId: "sess-1", tokenId: "t-1", kid: key.kid });
			expect(v.roles).to.deep.equal(["user", "seller"]);
			expect(v.expiresAt).to.be.within(Date.now() + 890_000, Date.now() + 901_000);
		});

		it("refuses an expired token as EXPIRED", () => {
			const token = signAccessToken(key, { sub: "u", expiresIn: -60 });
			expect(reason(() => verifyAccessToken(token, keys))).to.equal("EXPIRED");
		});

		it("refuses a token signed by another key under the same kid as BAD_SIGNATURE", () => {
			const forged = signAccessToken({ kid: key.kid, privateKey: otherKey.privateKey }, { sub: "u" });
			expect(reason(() => verifyAccessToken(forged, keys))).to.equal("BAD_SIGNATURE");
		});

		it("refuses a token whose payload was altered after signing", () => {
			const token = signAccessToken(key, { sub: "user-1", roles: ["user"] });
			const [h, p, s] = token.split(".");
			const payload = JSON.parse(Buffer.from(p, "base64url").toString());
			payload.roles = ["admin"];
			const tampered = [h, Buffer.from(JSON.stringify(payload)).toString("base64url"), s].join(".");
			expect(reason(() => verifyAccessToken(tampered, keys))).to.equal("BAD_SIGNATURE");
		});

		it("refuses a kid it does not know as UNKNOWN_KEY", () => {
			const token = signAccessToken(otherKey, { sub: "u" });
			expect(reason(() => verifyAccessToken(token, keys))).to.equal("UNKNOWN_KEY");
		});

		it("refuses other algorithms, including HS256 keyed with the public key and alg none", () => {
			const pem = crypto.createPublicKey({ key: key.publicJwk as never, format: "jwk" }).export({ type: "spki", format: "pem" });
			const hs = jwt.sign({ sub: "u", sid: "s", exp: Math.floor(Date.now() / 1000) + 60 }, pem, { algorithm: "HS256", keyid: key.kid });
			expect(reason(() => verifyAccessToken(hs, keys))).to.equal("UNSUPPORTED_ALGORITHM");
			const none = jwt.sign({ sub: "u", sid: "s", exp: Math.floor(Date.now() / 1000) + 60 }, "", { algorithm: "none", keyid: key.kid } as jwt.SignOptions);
			expect(reason(() => verifyAccessToken(none, keys))).to.equal("UNSUPPORTED_ALGORITHM");
		});

		it("requires exp, sub and sid, and roles as strings", () => {
			const sign = (payload: object) => jwt.sign(payload, key.privateKey, { algorithm: "RS256", keyid: key.kid });
			const exp = Math.floor(Date.now() / 1000) + 60;
			expect(reason(() => verifyAccessToken(sign({ sub: "u", sid: "s" }), keys))).to.equal("INVALID_CLAIMS");
			expect(reason(() => verifyAccessToken(sign({ sid: "s", exp }), keys))).to.equal("INVALID_CLAIMS");
			expect(reason(() => verifyAccessToken(sign({ sub: "u", exp }), keys))).to.equal("INVALID_CLAIMS");
			expect(reason(() => verifyAccessToken(sign({ sub: "u", sid: "s", exp, roles: [1] }), keys))).to.equal("INVALID_CLAIMS");
		});

		it("refuses garbage as MALFORMED", () => {
			expect(reason(() => readKid("not-a-jwt"))).to.equal("MALFORMED");
			expect(reason(() => readKid("a.b.c"))).to.equal("MALFORMED");
		});
	});

	describe("VerifiedTokenCache", () => {
		const entry = (kid: string, expiresAt: number): VerifiedAccessToken => ({ userId: "u", sessionId: "s", roles: [], tokenId: null, kid, expiresAt });

		it("evicts the least recently used entry beyond its bound", () => {
			const cache = new VerifiedTokenCache(2);
			const far = Date.now() + 60_000;
			cache.set("a", entry("k", far));
			cache.set("b", entry("k", far));
			expect(cache.get("a")).to.not.equal(undefined); // a is now the most recent
			cache.set("c", entry("k", far));
			expect(cache.size).to.equal(2);
			expect(cache.get("b")).to.equal(undefined);
			expect(cache.get("a")).to.not.equal(undefined);
			expect(cache.get("c")).to.not.equal(undefined);
		});

		it("never returns an entry past its exp", () => {
			const cache = new VerifiedTokenCache(10);
			cache.set("a", entry("k", 1_000));
			expect(cache.get("a", 999)).to.not.equal(undefined);
			expect(cache.get("a", 1_000)).to.equal(undefined);
			expect(cache.size).to.equal(0);
		});

		it("forgets tokens of keys no longer published", () => {
			const cache = new VerifiedTokenCache(10);
			cache.set("a", entry("old", Date.now() + 60_000));
			cache.set("b", entry("new", Date.now() + 60_000));
			cache.retainKids(new Set(["new"]));
			expect(cache.get("a")).to.equal(undefined);
			expect(cache.get("b")).to.not.equal(undefined);
		});
	});

	describe("createAccessTokenVerifier", () => {
		it("verifies once and then answers from the cache until exp", async () => {
			let fetches = 0;
			let clock = Date.now();
			const verifier = createAccessTokenVerifier({ fetchJwks: async () => (fetches++, jwks), now: () => clock });
			const token = signAccessToken(key, { sub: "u1", expiresIn: 60 });
			expect(verifier.peek(token)).to.equal(undefined);
			const first = await verifier.verify(token);
			expect(verifier.peek(token)).to.deep.equal(first);
			expect(await verifier.verify(token)).to.deep.equal(first);
			expect(fetches).to.equal(1);
			expect(verifier.cacheSize).to.equal(1);

			// Past exp the cache forgets it; a fresh check fails once beyond the 5 s clock tolerance.
			clock += 61_000;
			expect(verifier.peek(token)).to.equal(undefined);
			clock += 10_000;
			expect(await reasonAsync(verifier.verify(token))).to.equal("EXPIRED");
		});

		it("keys the cache by a hash, so a token that differs by one character is verified afresh", async () => {
			const verifier = createAccessTokenVerifier({ fetchJwks: async () => jwks });
			const token = signAccessToken(key, { sub: "u1" });
			await verifier.verify(token);
			const altered = token.slice(0, -2) + (token.endsWith("AA") ? "BB" : "AA");
			expect(tokenHash(altered)).to.not.equal(tokenHash(token));
			expect(await reasonAsync(verifier.verify(altered))).to.be.oneOf(["BAD_SIGNATURE", "MALFORMED"]);
		});

		it("refetches the JWKS for an unknown kid, at most once per interval", async () => {
			let clock = 1_000_000;
			const sets: Jwks[] = [jwks, { keys: [key.publicJwk as never, otherKey.publicJwk as never] }];
			let fetches = 0;
			const verifier = createAccessTokenVerifier({
				fetchJwks: async () => sets[Math.min(fetches++, sets.length - 1)],
				unknownKidRefetchMs: 10_000,
				now: () => clock
			});
			await verifier.verify(signAccessToken(key, { sub: "a" }));
			expect(fetches).to.equal(1);

			// Rotated key: first sight of the new kid triggers one refetch that finds it.
			clock += 10_000;
			const rotated = await verifier.verify(signAccessToken(otherKey, { sub: "b" }));
			expect(rotated.kid).to.equal(otherKey.kid);
			expect(fetches).to.equal(2);

			// A flood of unknown kids inside the interval costs no further fetch.
			const stranger = makeSigningKey();
			for (let i = 0; i < 5; i++) expect(await reasonAsync(verifier.verify(signAccessToken(stranger, { sub: "c" })))).to.equal("UNKNOWN_KEY");
			expect(fetches).to.equal(2);
		});

		it("drops cached tokens whose key was withdrawn from the JWKS", async () => {
			let clock = 5_000_000;
			let current: Jwks = { keys: [key.publicJwk as never, otherKey.publicJwk as never] };
			const verifier = createAccessTokenVerifier({ fetchJwks: async () => current, now: () => clock });
			const token = signAccessToken(otherKey, { sub: "a" });
			await verifier.verify(token);
			current = jwks; // otherKey withdrawn
			clock += 1000;
			await verifier.refreshKeys();
			expect(verifier.peek(token)).to.equal(undefined);
			expect(await reasonAsync(verifier.verify(token))).to.equal("UNKNOWN_KEY");
		});

		it("reports unavailable keys (not a bad token) when the first JWKS fetch fails", async () => {
			const verifier = createAccessTokenVerifier({ fetchJwks: async () => Promise.reject(new Error("auth is down")) });
			try {
				await verifier.verify(signAccessToken(key, { sub: "a" }));
				expect.fail("should have thrown");
			} catch (err) {
				expect(err).to.be.instanceOf(KeySetUnavailableError);
			}
		});
	});
});
