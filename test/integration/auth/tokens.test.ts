/**
 * POST /auth/login and /auth/refresh, the access tokens they issue and how
 * the gateway treats missing, forged and expired ones.
 */
import { expect } from "chai";
import jwt from "jsonwebtoken";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { uniquePhone } from "../../support/users";
import { deviceId, expectRevoked, login, type Registered, registerVerified } from "./accounts";
import { client, type Client } from "./client";
import { expiredToken, forgedToken } from "./forge";
import { OtpInbox } from "./otp-inbox";

describe("auth: sign-in, tokens and refresh rotation", function () {
	this.timeout(60_000);
	let stack: Stack;
	let inbox: OtpInbox;
	let api: Client;
	let user: Registered;

	before(async function () {
		stack = await getStack();
		inbox = await OtpInbox.open(stack.broker, stack.apiUrl);
		api = client(stack.apiUrl);
		user = await registerVerified(api, inbox);
	});
	after(() => inbox?.close());

	const refresh = (refreshToken: unknown, via = api) => via("/auth/refresh", { method: "POST", body: { refreshToken } });

	it("signs in with a password: a TokenPair whose access token the gateway accepts", async () => {
		const device = deviceId();
		const res = await login(api, user, device);
		expect(res.status, res.text).to.equal(200);
		expect(res.headers["cache-control"]).to.equal("no-store");
		const decoded = jwt.decode(res.json.accessToken, { complete: true })!;
		expect(decoded.header).to.include({ alg: "RS256" });
		expect(decoded.header.kid).to.be.a("string");
		const claims = decoded.payload as jwt.JwtPayload;
		expect(claims).to.include({ sub: user.userId });
		expect(claims.roles).to.deep.equal(["user"]);
		expect(claims.exp! - claims.iat!).to.equal(900);
		expect(claims.sid).to.be.a("string");
		expect(claims.jti).to.be.a("string");
		expect(res.json.refreshToken).to.match(/^[A-Za-z0-9_-]{43}$/);
		const [stored] = await coreQuery<{ token_hash: string }>(`SELECT token_hash FROM auth.refresh_tokens WHERE session_id = $1`, [claims.sid]);
		expect(stored.token_hash).to.have.length(64);
		expect(stored.token_hash).to.not.equal(res.json.refreshToken);
		const me = await api("/auth/me", { token: res.json.accessToken });
		expect(me.status).to.equal(200);
		expect(me.json.id).to.equal(user.userId);
	});

	it("answers an unknown account and a wrong password the same way, after comparable work", async () => {
		const t0 = Date.now();
		const wrong = await api("/auth/login", { method: "POST", body: { identifier: user.phone, password: "not-my-password-1", device: { id: deviceId() } } });
		const t1 = Date.now();
		const unknown = await api("/auth/login", { method: "POST", body: { identifier: uniquePhone(), password: "not-my-password-1", device: { id: deviceId() } } });
		const t2 = Date.now();
		for (const res of [wrong, unknown]) {
			expect(res.status).to.equal(401);
			expect(res.json.type).to.equal("INVALID_CREDENTIALS");
		}
		expect(unknown.json.message).to.equal(wrong.json.message);
		// Both verified a scrypt hash (the unknown one a dummy): neither answers in a fraction of the other's time.
		expect(t2 - t1).to.be.greaterThan((t1 - t0) / 3);
		expect(t1 - t0).to.be.greaterThan((t2 - t1) / 3);
	});

	it("refuses malformed sign-ins with 400", async () => {
		const cases = [
			{ identifier: user.phone, password: user.password },
			{ identifier: user.phone, password: user.password, device: {} },
			{ identifier: user.phone, device: { id: "d" } },
			{ password: user.password, device: { id: "d" } }
		];
		for (const body of cases) {
			const res = await api("/auth/login", { method: "POST", body });
			expect(res.status, JSON.stringify(body)).to.equal(400);
			expect(res.json.type).to.equal("VALIDATION_ERROR");
		}
		const bad = await api("/auth/login", { method: "POST", body: { identifier: "0222123456", password: "x", device: { id: "d" } } });
		expect(bad.json.type).to.equal("INVALID_IDENTIFIER");
	});

	it("rotates the refresh token on every use; presenting a spent one revokes the session", async () => {
		const first = (await login(api, user)).json;
		const second = await refresh(first.refreshToken);
		expect(second.status, second.text).to.equal(200);
		expect(second.json.refreshToken).to.not.equal(first.refreshToken);
		const sid = (jwt.decode(second.json.accessToken) as jwt.JwtPayload).sid;
		expect((jwt.decode(first.accessToken) as jwt.JwtPayload).sid).to.equal(sid);
		expect((await api("/auth/me", { token: second.json.accessToken })).status).to.equal(200);

		const reused = await refresh(first.refreshToken);
		expect(reused.status).to.equal(401);
		expect(reused.json.type).to.equal("REFRESH_TOKEN_REUSED");
		// The whole family is gone: the newest refresh token and every access token of the session.
		const newest = await refresh(second.json.refreshToken);
		expect(newest.status).to.equal(401);
		expect(newest.json.type).to.equal("SESSION_REVOKED");
		await expectRevoked(api, second.json.accessToken);
		const [session] = await coreQuery<{ revoke_reason: string }>(`SELECT revoke_reason FROM auth.sessions WHERE id = $1`, [sid]);
		expect(session.revoke_reason).to.equal("refresh_token_reuse");
	});

	it("lets exactly one of two parallel refreshes with the same token succeed, and the session ends revoked", async () => {
		for (const parallel of [2, 5]) {
			const pair = (await login(api, user)).json;
			const sid = (jwt.decode(pair.accessToken) as jwt.JwtPayload).sid;
			const results = await Promise.all(Array.from({ length: parallel }, () => refresh(pair.refreshToken, client(stack.apiUrl))));
			const ok = results.filter(r => r.status === 200);
			expect(ok, `${parallel} parallel refreshes`).to.have.length(1);
			for (const r of results.filter(r => r.status !== 200)) {
				expect(r.status).to.equal(401);
				expect(r.json.type).to.equal("REFRESH_TOKEN_REUSED");
			}
			const [session] = await coreQuery<{ revoked_at: Date | null }>(`SELECT revoked_at FROM auth.sessions WHERE id = $1`, [sid]);
			expect(session.revoked_at).to.be.an.instanceOf(Date);
			expect((await refresh(ok[0].json.refreshToken)).status).to.equal(401);
			await expectRevoked(api, ok[0].json.accessToken);
		}
	});

	it("refuses unknown and malformed refresh tokens", async () => {
		const unknown = await refresh("A".repeat(43));
		expect(unknown.status).to.equal(401);
		expect(unknown.json.type).to.equal("INVALID_REFRESH_TOKEN");
		expect((await refresh("not a token")).json.type).to.equal("INVALID_REFRESH_TOKEN");
		expect((await refresh(undefined)).status).to.equal(400);
		expect((await refresh(42)).status).to.equal(400);
	});

	it("answers 401 for a missing, forged or expired access token", async () => {
		const none = await api("/auth/me");
		expect(none.status).to.equal(401);
		expect(none.json.type).to.equal("NO_TOKEN");
		const forged = await api("/auth/me", { token: forgedToken(user.tokens.accessToken) });
		expect(forged.status).to.equal(401);
		expect(forged.json.type).to.equal("INVALID_TOKEN");
		const sid = (jwt.decode(user.tokens.accessToken) as jwt.JwtPayload).sid as string;
		const expired = await api("/auth/me", { token: await expiredToken(stack.config.dataDir, { sub: user.userId, sid }) });
		expect(expired.status).to.equal(401);
		expect(expired.json.type).to.equal("TOKEN_EXPIRED");
		expect(expired.headers["www-authenticate"]).to.match(/invalid_token/);
	});

	it("publishes its RS256 public keys (2048-bit, with kid) and keeps the private key sealed", async () => {
		const res = await fetch(`${stack.apiUrl}/.well-known/jwks.json`);
		const jwks = (await res.json()) as { keys: Array<Record<string, string>> };
		const kid = jwt.decode(user.tokens.accessToken, { complete: true })!.header.kid;
		const key = jwks.keys.find(k => k.kid === kid)!;
		expect(key).to.include({ kty: "RSA", alg: "RS256", use: "sig" });
		expect(Buffer.from(key.n, "base64url").length * 8).to.be.at.least(2048);
		expect(Object.keys(key).sort()).to.deep.equal(["alg", "e", "kid", "kty", "n", "use"]);
		const rows = await coreQuery<{ private_key_sealed: string }>(`SELECT private_key_sealed FROM auth.signing_keys`);
		for (const r of rows) expect(r.private_key_sealed).to.match(/^v1\./).and.not.include("PRIVATE KEY");
	});
});
