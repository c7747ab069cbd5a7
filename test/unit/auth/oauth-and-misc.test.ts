import { expect } from "chai";
import crypto from "node:crypto";
import { ConfigError } from "../../../lib/config/env";
import { openCounters } from "../../../services/auth/infra/counters";
import { clientSecretFor, parseOAuthProviders } from "../../../services/auth/providers/provider-config";
import { languageFrom } from "../../../services/auth/rules/language";
import { checkIdTokenClaims, newPkce } from "../../../services/auth/rules/oauth";
import { usernameBase, validUsername } from "../../../services/auth/rules/username";
import jwt from "jsonwebtoken";

describe("auth rules: OpenID Connect checks", () => {
	it("makes an RFC 7636 S256 challenge", () => {
		const { verifier, challenge } = newPkce();
		expect(verifier).to.match(/^[A-Za-z0-9_-]{43}$/);
		expect(challenge).to.equal(crypto.createHash("sha256").update(verifier).digest("base64url"));
	});

	const expected = { issuer: "https://id.example", clientId: "nexgate", nonce: "n-123" };
	const now = Date.now();
	const good = { iss: "https://id.example", aud: "nexgate", sub: "abc", exp: Math.floor(now / 1000) + 300, iat: Math.floor(now / 1000), nonce: "n-123" };

	it("accepts a token for us with the right nonce; email counts as verified only when asserted", () => {
		const r = checkIdTokenClaims({ ...good, email: "Asha@Mail.com", email_verified: true }, expected, now);
		expect(r).to.deep.equal({ ok: true, identity: { subject: "abc", email: "asha@mail.com", emailVerified: true, name: null } });
		const apple = checkIdTokenClaims({ ...good, email: "a@b.co", email_verified: "true" }, expected, now);
		expect(apple.ok && apple.identity.emailVerified).to.equal(true);
		const unverified = checkIdTokenClaims({ ...good, email: "a@b.co" }, expected, now);
		expect(unverified.ok && unverified.identity.emailVerified).to.equal(false);
	});

	it("refuses the wrong issuer, audience, azp, an expired token, a missing or wrong nonce", () => {
		const problem = (claims: object) => {
			const r = checkIdTokenClaims({ ...good, ...claims }, expected, now);
			return r.ok ? "OK" : r.problem;
		};
		expect(problem({ iss: "https://evil.example" })).to.equal("ISSUER");
		expect(problem({ aud: "someone-else" })).to.equal("AUDIENCE");
		expect(problem({ aud: ["nexgate", "other"] })).to.equal("AZP");
		expect(problem({ aud: ["nexgate", "other"], azp: "nexgate" })).to.equal("OK");
		expect(problem({ exp: Math.floor(now / 1000) - 120 })).to.equal("EXPIRED");
		expect(problem({ iat: Math.floor(now / 1000) + 3600 })).to.equal("ISSUED_IN_FUTURE");
		expect(problem({ nonce: undefined })).to.equal("NONCE");
		expect(problem({ nonce: "n-124" })).to.equal("NONCE");
		expect(problem({ sub: "" })).to.equal("SUBJECT");
	});

	it("parses OAUTH_PROVIDERS, defaulting scopes and the callback URL, and refuses bad entries", () => {
		const providers = parseOAuthProviders(JSON.stringify({ google: { issuer: "https://accounts.google.com/", clientId: "id", clientSecret: "s" } }), {
			publicUrl: "https://api.nexgate.africa",
			production: true
		});
		const google = providers.get("google")!;
		expect(google.issuer).to.equal("https://accounts.google.com");
		expect(google.scopes).to.deep.equal(["openid", "email", "profile"]);
		expect(google.redirectUri).to.equal("https://api.nexgate.africa/api/v1/auth/oauth/google/callback");
		expect(google.responseMode).to.equal("query");
		const bad = (value: unknown, production = false) => () => parseOAuthProviders(JSON.stringify(value), { publicUrl: "http://x", production });
		expect(bad({ google: { issuer: "http://accounts.google.com", clientId: "id", clientSecret: "s" } }, true)).to.throw(ConfigError, /https/);
		expect(bad({ google: { issuer: "https://a.b", clientId: "id" } })).to.throw(ConfigError, /clientSecret/);
		expect(bad({ Google: { issuer: "https://a.b", clientId: "id", clientSecret: "s" } })).to.throw(ConfigError, /name/);
		expect(bad({ g: { issuer: "https://a.b", clientId: "id", clientSecret: "s", scopes: ["email"] } })).to.throw(ConfigError);
		expect(() => parseOAuthProviders("{not json", { publicUrl: "", production: false })).to.throw(ConfigError, /JSON/);
	});

	it("signs Apple's client secret as a short-lived ES256 JWT", () => {
		const { privateKey, publicKey } = crypto.generateKeyPairSync("ec", { namedCurve: "P-256" });
		const [apple] = parseOAuthProviders(
			JSON.stringify({
				apple: {
					issuer: "https://appleid.apple.com",
					clientId: "africa.nexgate.web",
					apple: { teamId: "TEAM123", keyId: "KEY123", privateKey: privateKey.export({ format: "pem", type: "pkcs8" }).toString() }
				}
			}),
			{ publicUrl: "https://api.nexgate.africa", production: true }
		).values();
		expect(apple.responseMode).to.equal("form_post");
		expect(apple.tokenEndpointAuth).to.equal("client_secret_post");
		const secret = clientSecretFor(apple);
		const claims = jwt.verify(secret, publicKey, { algorithms: ["ES256"] }) as jwt.JwtPayload;
		expect(claims).to.include({ iss: "TEAM123", sub: "africa.nexgate.web", aud: "https://appleid.apple.com" });
		expect(jwt.decode(secret, { complete: true })?.header.kid).to.equal("KEY123");
	});
});

describe("auth rules: language and usernames", () => {
	it("prefers Swahili only when asked for it first", () => {
		expect(languageFrom(undefined, "sw-TZ,sw;q=0.9,en;q=0.8")).to.equal("sw");
		expect(languageFrom(undefined, "en-GB,en;q=0.9,sw;q=0.8")).to.equal("en");
		expect(languageFrom(undefined, "fr,sw;q=0.5,en;q=0.4")).to.equal("sw");
		expect(languageFrom(undefined, "en;q=0.2,sw;q=0.9")).to.equal("sw");
		expect(languageFrom(undefined, "fr")).to.equal("en");
		expect(languageFrom(undefined, undefined)).to.equal("en");
		expect(languageFrom("en", "sw")).to.equal("en");
		expect(languageFrom("sw", "en")).to.equal("sw");
	});

	it("makes usernames from display names and refuses reserved or malformed ones", () => {
		expect(usernameBase("Asha Mwinyi-Juma")).to.equal("asha_mwinyi_juma");
		expect(usernameBase("Zoë Öztürk")).to.equal("zoe_ozturk");
		expect(usernameBase("李")).to.equal("user");
		expect(usernameBase("Admin")).to.equal("user");
		expect(validUsername("asha_92")).to.equal(true);
		expect(validUsername("ab")).to.equal(false);
		expect(validUsername("Asha")).to.equal(false);
		expect(validUsername("support")).to.equal(false);
		expect(validUsername("deleted_abc")).to.equal(false);
	});
});

describe("auth counters (in memory)", () => {
	it("counts fixed windows, claims cooldowns, bumps sliding counters and forgets them", async () => {
		const c = openCounters(null, "unit");
		expect((await c.hit("w", 1000)).count).to.equal(1);
		expect((await c.hit("w", 1000)).count).to.equal(2);
		expect((await c.claim("cd", 1000)).claimed).to.equal(true);
		const again = await c.claim("cd", 1000);
		expect(again.claimed).to.equal(false);
		expect(again.remainingMs).to.be.within(1, 1000);
		expect(await c.bump("f", 50)).to.equal(1);
		expect(await c.bump("f", 50)).to.equal(2);
		await new Promise(r => setTimeout(r, 60));
		expect(await c.bump("f", 50)).to.equal(1);
		await c.set("lock", 1000);
		expect(await c.remaining("lock")).to.be.greaterThan(0);
		await c.del("lock");
		expect(await c.remaining("lock")).to.equal(0);
		await c.close();
	});
});
