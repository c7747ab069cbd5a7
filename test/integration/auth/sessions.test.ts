/** GET/DELETE /auth/sessions, revoke-others and logout: only ever the caller's own sessions. */
import { expect } from "chai";
import jwt from "jsonwebtoken";
import { getStack, type Stack } from "../../support/stack";
import { expectRevoked, login, type Registered, registerVerified, type TokenPair } from "./accounts";
import { client, type Client } from "./client";
import { OtpInbox } from "./otp-inbox";

const sidOf = (t: TokenPair) => (jwt.decode(t.accessToken) as jwt.JwtPayload).sid as string;

describe("auth: sessions and devices", function () {
	this.timeout(60_000);
	let stack: Stack;
	let inbox: OtpInbox;
	let api: Client;
	let alice: Registered;
	let bob: Registered;

	before(async function () {
		stack = await getStack();
		inbox = await OtpInbox.open(stack.broker, stack.apiUrl);
		api = client(stack.apiUrl);
		alice = await registerVerified(api, inbox, { displayName: "Alice Kimaro" });
		bob = await registerVerified(api, inbox, { displayName: "Bob Otieno" });
	});
	after(() => inbox?.close());

	it("lists my live sessions, newest first, with device details, marking the current one", async () => {
		const second = (await api("/auth/login", {
			method: "POST",
			body: { identifier: alice.phone, password: alice.password, device: { id: "laptop-1", name: "Alice's laptop", platform: "web" } },
			headers: { "user-agent": "Mozilla/5.0 test" }
		})).json as TokenPair;
		const res = await api("/auth/sessions", { token: second.accessToken });
		expect(res.status).to.equal(200);
		expect(res.json.nextCursor).to.equal(null);
		const ids = res.json.items.map((s: { id: string }) => s.id);
		expect(ids).to.include.members([sidOf(alice.tokens), sidOf(second)]);
		const current = res.json.items.find((s: { current: boolean }) => s.current);
		expect(current.id).to.equal(sidOf(second));
		expect(current.device).to.deep.equal({ id: "laptop-1", name: "Alice's laptop", platform: "web" });
		expect(current.userAgent).to.equal("Mozilla/5.0 test");
		expect(current.ip).to.match(/^127\.10\./);
		expect(current.method).to.equal("password");
		expect(res.json.items.filter((s: { current: boolean }) => s.current)).to.have.length(1);
		// Bob sees none of Alice's sessions.
		const bobs = await api("/auth/sessions", { token: bob.tokens.accessToken });
		expect(bobs.json.items.map((s: { id: string }) => s.id)).to.not.include.members([sidOf(second)]);

		const page = await api("/auth/sessions?limit=1", { token: second.accessToken });
		expect(page.json.items).to.have.length(1);
		expect(page.json.nextCursor).to.be.a("string");
		const next = await api(`/auth/sessions?limit=1&cursor=${page.json.nextCursor}`, { token: second.accessToken });
		expect(next.json.items[0].id).to.not.equal(page.json.items[0].id);
	});

	it("ends one of my other sessions (204); its tokens stop working; someone else's session is 404", async () => {
		const other = (await login(api, alice)).json as TokenPair;
		const foreign = await api(`/auth/sessions/${sidOf(other)}`, { method: "DELETE", token: bob.tokens.accessToken });
		expect(foreign.status).to.equal(404);
		expect(foreign.json.type).to.equal("SESSION_NOT_FOUND");
		expect((await api("/auth/me", { token: other.accessToken })).status).to.equal(200);

		const res = await api(`/auth/sessions/${sidOf(other)}`, { method: "DELETE", token: alice.tokens.accessToken });
		expect(res.status).to.equal(204);
		await expectRevoked(api, other.accessToken);
		expect((await api("/auth/refresh", { method: "POST", body: { refreshToken: other.refreshToken } })).json.type).to.equal("SESSION_REVOKED");
		expect((await api("/auth/me", { token: alice.tokens.accessToken })).status).to.equal(200);
	});

	it("refuses bad ids (400), unknown ids (404) and anonymous callers (401)", async () => {
		expect((await api("/auth/sessions/not-a-uuid", { method: "DELETE", token: alice.tokens.accessToken })).status).to.equal(400);
		expect((await api("/auth/sessions/01900000-0000-7000-8000-000000000000", { method: "DELETE", token: alice.tokens.accessToken })).status).to.equal(404);
		for (const [path, method] of [
			["/auth/sessions", "GET"],
			[`/auth/sessions/${sidOf(alice.tokens)}`, "DELETE"],
			["/auth/sessions/revoke-others", "POST"],
			["/auth/logout", "POST"],
			["/auth/me", "GET"],
			["/auth/me/settings", "PATCH"],
			["/auth/me", "DELETE"],
			["/auth/password/change", "POST"]
		]) {
			const res = await api(path, { method });
			expect(res.status, `${method} ${path}`).to.equal(401);
		}
		expect((await api("/auth/sessions?limit=0", { token: alice.tokens.accessToken })).status).to.equal(400);
	});

	it("ends every other session at once and keeps the current one", async () => {
		const u = await registerVerified(api, inbox);
		const others = [(await login(api, u)).json as TokenPair, (await login(api, u)).json as TokenPair];
		const res = await api("/auth/sessions/revoke-others", { method: "POST", token: u.tokens.accessToken });
		expect(res.status).to.equal(200);
		expect(res.json).to.deep.equal({ revoked: 2 });
		for (const t of others) await expectRevoked(api, t.accessToken);
		expect((await api("/auth/me", { token: u.tokens.accessToken })).status).to.equal(200);
		const list = await api("/auth/sessions", { token: u.tokens.accessToken });
		expect(list.json.items.map((s: { id: string }) => s.id)).to.deep.equal([sidOf(u.tokens)]);
	});

	it("signs out (204): the current session ends, its refresh token too", async () => {
		const pair = (await login(api, bob)).json as TokenPair;
		const res = await api("/auth/logout", { method: "POST", token: pair.accessToken });
		expect(res.status).to.equal(204);
		expect(res.text).to.equal("");
		await expectRevoked(api, pair.accessToken);
		expect((await api("/auth/refresh", { method: "POST", body: { refreshToken: pair.refreshToken } })).status).to.equal(401);
		expect((await api("/auth/logout", { method: "POST", token: pair.accessToken })).status).to.equal(401);
	});
});
