/**
 * Signing in with OpenID Connect against a real provider (oidc-provider)
 * started here: authorization code + PKCE, state and nonce, ID-token
 * validation, account creation and linking, and the refusals.
 */
import { expect } from "chai";
import crypto from "node:crypto";
import jwt from "jsonwebtoken";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { uniqueEmail } from "../../support/users";
import { registerVerified } from "./accounts";
import { client, type Client } from "./client";
import { OtpInbox } from "./otp-inbox";
import { freePortSync, TestOpenIdProvider } from "./oidc-provider";

// Configured before any stack starts: auth reads OAUTH_PROVIDERS once, when it starts (child nodes inherit it).
const op = new TestOpenIdProvider(freePortSync(), "nexgate-test", crypto.randomBytes(16).toString("hex"), "http://app.nexgate.test/api/v1/auth/oauth/testid/callback");
process.env.OAUTH_PROVIDERS = JSON.stringify({
	testid: { issuer: op.issuer, clientId: op.clientId, clientSecret: op.clientSecret, redirectUri: op.redirectUri }
});

describe("auth: OpenID Connect sign-in", function () {
	this.timeout(60_000);
	let stack: Stack;
	let api: Client;
	let inbox: OtpInbox;

	before(async function () {
		await op.start();
		stack = await getStack();
		api = client(stack.apiUrl);
		inbox = await OtpInbox.open(stack.broker, stack.apiUrl);
	});
	after(async () => {
		await inbox?.close();
		await op.stop();
	});

	/** GET /auth/oauth/testid → 302; the provider signs `who` in → back with code and state. */
	async function authorize(who: Parameters<TestOpenIdProvider["nextSignIn"]>[0], query = "?deviceId=phone-1&deviceName=Pixel&platform=android") {
		const start = await api(`/auth/oauth/testid${query}`);
		expect(start.status, start.text).to.equal(302);
		op.nextSignIn(who);
		return { location: new URL(start.headers.location as string), back: await op.authorize(start.headers.location as string) };
	}

	const callback = (params: Record<string, string>) => api(`/auth/oauth/testid/callback?${new URLSearchParams(params)}`);

	it("redirects to the provider with code flow, PKCE S256, state and nonce", async () => {
		const start = await api("/auth/oauth/testid");
		expect(start.status).to.equal(302);
		expect(start.headers["cache-control"]).to.equal("no-store");
		const url = new URL(start.headers.location as string);
		expect(url.origin).to.equal(op.issuer);
		const q = Object.fromEntries(url.searchParams);
		expect(q).to.include({ response_type: "code", client_id: op.clientId, redirect_uri: op.redirectUri, code_challenge_method: "S256" });
		expect(q.scope.split(" ")).to.include.members(["openid", "email"]);
		expect(q.state).to.match(/^[A-Za-z0-9_-]{43}$/);
		expect(q.nonce).to.match(/^[A-Za-z0-9_-]{43}$/);
		expect(q.code_challenge).to.match(/^[A-Za-z0-9_-]{43}$/);
		// State is kept hashed, with the verifier, server-side only.
		expect(await coreQuery(`SELECT 1 FROM auth.oauth_states WHERE state_hash = $1`, [q.state])).to.have.length(0);
		expect(await coreQuery(`SELECT 1 FROM auth.oauth_states WHERE state_hash = encode(sha256($1::bytea), 'hex')`, [q.state])).to.have.length(1);
	});

	it("signs in end to end: a new account with the provider's verified email, then the same account again", async () => {
		const email = uniqueEmail();
		const sub = `sub-${crypto.randomBytes(6).toString("hex")}`;
		const { back } = await authorize({ sub, email, emailVerified: true, name: "Baraka Mollel" });
		expect(back.get("code")).to.be.a("string");
		const res = await callback({ code: back.get("code")!, state: back.get("state")! });
		expect(res.status, res.text).to.equal(200);
		expect(res.json.tokenType).to.equal("Bearer");
		expect(res.json.user.username).to.equal("baraka_mollel");
		const me = await api("/auth/me", { token: res.json.accessToken });
		expect(me.json).to.include({ email, emailVerified: true, hasPassword: false, status: "active", displayName: "Baraka Mollel" });
		const sid = (jwt.decode(res.json.accessToken) as jwt.JwtPayload).sid;
		const [session] = await coreQuery<{ method: string; device_id: string; device_name: string }>(`SELECT method, device_id, device_name FROM auth.sessions WHERE id = $1`, [sid]);
		expect(session).to.deep.equal({ method: "oauth:testid", device_id: "phone-1", device_name: "Pixel" });

		// Second time: the link, not the email, finds the account; Apple-style form_post works too.
		const again = await authorize({ sub, email, emailVerified: true });
		const second = await api("/auth/oauth/testid/callback", { method: "POST", form: { code: again.back.get("code")!, state: again.back.get("state")! } });
		expect(second.status, second.text).to.equal(200);
		expect(second.json.user.id).to.equal(res.json.user.id);
	});

	it("links to an existing account only through an email both sides verified", async () => {
		const owner = await registerVerified(api, inbox, { email: true });
		const linked = await authorize({ sub: `sub-${crypto.randomBytes(6).toString("hex")}`, email: owner.email!, emailVerified: true });
		const res = await callback({ code: linked.back.get("code")!, state: linked.back.get("state")! });
		expect(res.status, res.text).to.equal(200);
		expect(res.json.user.id).to.equal(owner.userId);

		// The provider does not vouch for the email: a separate account, without that email.
		const unverified = await authorize({ sub: `sub-${crypto.randomBytes(6).toString("hex")}`, email: owner.email!, emailVerified: false });
		const other = await callback({ code: unverified.back.get("code")!, state: unverified.back.get("state")! });
		expect(other.status, other.text).to.equal(200);
		expect(other.json.user.id).to.not.equal(owner.userId);
		expect((await api("/auth/me", { token: other.json.accessToken })).json.email).to.equal(null);
	});

	it("refuses a wrong state, and the genuine one still completes", async () => {
		const { back } = await authorize({ sub: `sub-${crypto.randomBytes(6).toString("hex")}`, email: uniqueEmail(), emailVerified: true });
		const forged = await callback({ code: back.get("code")!, state: crypto.randomBytes(32).toString("base64url") });
		expect(forged.status).to.equal(400);
		expect(forged.json.type).to.equal("INVALID_STATE");
		expect((await callback({ code: back.get("code")! })).json.type).to.equal("INVALID_STATE");
		expect((await callback({ code: back.get("code")!, state: back.get("state")! })).status).to.equal(200);
	});

	it("refuses a replayed code: with the used state, and with a fresh state of another sign-in", async () => {
		const { back } = await authorize({ sub: `sub-${crypto.randomBytes(6).toString("hex")}`, email: uniqueEmail(), emailVerified: true });
		const first = await callback({ code: back.get("code")!, state: back.get("state")! });
		expect(first.status).to.equal(200);
		const replay = await callback({ code: back.get("code")!, state: back.get("state")! });
		expect(replay.status).to.equal(400);
		expect(replay.json.type).to.equal("INVALID_STATE");
		// An attacker starts their own sign-in for a valid state and injects the stolen code: the provider refuses it.
		const start = await api("/auth/oauth/testid");
		const freshState = new URL(start.headers.location as string).searchParams.get("state")!;
		const injected = await callback({ code: back.get("code")!, state: freshState });
		expect(injected.status).to.equal(401);
		expect(injected.json.type).to.equal("OAUTH_FAILED");
		expect(injected.text).to.not.include(back.get("code")!);
	});

	it("reports the provider's refusal, and 404 for an unknown provider", async () => {
		const start = await api("/auth/oauth/testid");
		const state = new URL(start.headers.location as string).searchParams.get("state")!;
		const denied = await callback({ error: "access_denied", state });
		expect(denied.status).to.equal(401);
		expect(denied.json).to.include({ type: "OAUTH_DENIED" });
		expect((await api("/auth/oauth/nope")).status).to.equal(404);
		expect((await api("/auth/oauth/nope/callback?code=x&state=y")).json.type).to.equal("PROVIDER_NOT_FOUND");
	});
});
