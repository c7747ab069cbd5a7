/**
 * The account: security settings (code on new devices), deletion, and the
 * administrator's side (create-admin, suspend, reinstate, key rotation).
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import jwt from "jsonwebtoken";
import { coreQuery } from "../../support/db";
import { CORE_URL, NOTIF_URL } from "../../support/environment";
import { getStack, type Stack } from "../../support/stack";
import { uniqueEmail } from "../../support/users";
import { deviceId, expectRevoked, login, type Registered, registerVerified, strongPassword, type TokenPair } from "./accounts";
import { client, type Client } from "./client";
import { OtpInbox } from "./otp-inbox";

const run = promisify(execFile);
const root = path.resolve(__dirname, "..", "..", "..");

async function createAdmin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	try {
		const { stdout, stderr } = await run(path.join(root, "node_modules/.bin/tsx"), ["bin/create-admin.ts", ...args], {
			cwd: root,
			env: { ...process.env, DATABASE_URL: CORE_URL, NOTIF_DATABASE_URL: NOTIF_URL, NODE_ENV: "test" }
		});
		return { code: 0, stdout, stderr };
	} catch (err) {
		const e = err as { code: number; stdout: string; stderr: string };
		return { code: e.code, stdout: e.stdout, stderr: e.stderr };
	}
}

const outboxEvents = (type: string, userId: string) =>
	coreQuery(`SELECT 1 FROM auth.outbox WHERE type = $1 AND envelope->'data'->>'userId' = $2`, [type, userId]);

describe("auth: account settings, deletion and administration", function () {
	this.timeout(90_000);
	let stack: Stack;
	let inbox: OtpInbox;
	let api: Client;
	let admin: TokenPair;

	before(async function () {
		stack = await getStack();
		inbox = await OtpInbox.open(stack.broker, stack.apiUrl);
		api = client(stack.apiUrl);
	});
	after(() => inbox?.close());

	it("asks for a code when signing in on a new device once the account turns it on", async () => {
		const u = await registerVerified(api, inbox);
		const off = await login(api, u, deviceId());
		expect(off.status).to.equal(200);
		const settings = await api("/auth/me/settings", { method: "PATCH", token: u.tokens.accessToken, body: { otpOnNewDevice: true } });
		expect(settings.status).to.equal(200);
		expect(settings.json.otpOnNewDevice).to.equal(true);
		expect((await api("/auth/me/settings", { method: "PATCH", token: u.tokens.accessToken, body: { otpOnNewDevice: "yes" } })).status).to.equal(400);

		// The device used at registration is known: no challenge.
		expect((await login(api, u, u.deviceId)).status).to.equal(200);
		const since = Date.now();
		const challenge = await api("/auth/login", {
			method: "POST",
			body: { identifier: u.phone, password: u.password, device: { id: "new-tablet", name: "Tablet", platform: "ios" } }
		});
		expect(challenge.status, challenge.text).to.equal(202);
		expect(challenge.json.challenge).to.equal("otp");
		expect(challenge.json.verification).to.include({ channel: "sms" });
		expect(challenge.json).to.not.have.property("accessToken");
		const otp = await inbox.latest(u.phone!, { purpose: "login", since });
		const res = await api("/auth/verify", { method: "POST", body: { identifier: u.phone, code: otp.code } });
		expect(res.status, res.text).to.equal(200);
		const sid = (jwt.decode(res.json.accessToken) as jwt.JwtPayload).sid;
		const [session] = await coreQuery<{ device_id: string; method: string }>(`SELECT device_id, method FROM auth.sessions WHERE id = $1`, [sid]);
		expect(session).to.deep.equal({ device_id: "new-tablet", method: "password+otp" });
		const [created] = await coreQuery<{ envelope: { data: { newDevice: boolean; deviceName: string } } }>(
			`SELECT envelope FROM auth.outbox WHERE type = 'auth.session.created' AND envelope->'data'->>'sessionId' = $1`,
			[sid]
		);
		expect(created.envelope.data).to.include({ newDevice: true, deviceName: "Tablet" });
		// Now known.
		expect((await login(api, u, "new-tablet")).status).to.equal(200);
	});

	it("deletes the account with the password: sessions end, credentials go, personal data is anonymised", async () => {
		const u = await registerVerified(api, inbox, { displayName: "Zawadi Delete" });
		expect((await api("/auth/me", { method: "DELETE", token: u.tokens.accessToken, body: {} })).status).to.equal(403);
		const wrong = await api("/auth/me", { method: "DELETE", token: u.tokens.accessToken, body: { password: "not-it-at-all" } });
		expect(wrong.status).to.equal(403);
		expect(wrong.json.type).to.equal("INVALID_PASSWORD");
		const res = await api("/auth/me", { method: "DELETE", token: u.tokens.accessToken, body: { password: u.password } });
		expect(res.status, res.text).to.equal(204);
		await expectRevoked(api, u.tokens.accessToken);
		expect((await login(api, u)).status).to.equal(401);
		const [row] = await coreQuery<Record<string, unknown>>(`SELECT phone, email, password_hash, display_name, username, status FROM auth.accounts WHERE id = $1`, [u.userId]);
		expect(row).to.include({ phone: null, email: null, password_hash: null, display_name: "Deleted user", status: "deleted" });
		expect(row.username).to.match(/^deleted_/);
		expect(await outboxEvents("auth.user.deleted", u.userId)).to.have.length(1);
		// The phone is free for a new account; nothing else points back to the person.
		expect(await coreQuery(`SELECT 1 FROM auth.accounts WHERE phone = $1`, [u.phone])).to.have.length(0);
		expect(await coreQuery(`SELECT 1 FROM auth.known_devices WHERE account_id = $1`, [u.userId])).to.have.length(0);
		expect(await coreQuery(`SELECT 1 FROM auth.sessions WHERE account_id = $1 AND (ip IS NOT NULL OR user_agent IS NOT NULL)`, [u.userId])).to.have.length(0);
	});

	it("create-admin refuses to run without a password and creates an administrator with one", async () => {
		const email = uniqueEmail();
		const none = await createAdmin(["--email", email]);
		expect(none.code).to.equal(64);
		expect(none.stderr).to.match(/--password is required/);
		const weak = await createAdmin(["--email", email, "--password", "password1"]);
		expect(weak.code).to.equal(64);
		const password = strongPassword();
		const ok = await createAdmin(["--email", email, "--password", password, "--name", "Ops Team"]);
		expect(ok.code, ok.stderr).to.equal(0);
		expect(ok.stdout).to.match(/Created administrator/);
		const res = await login(api, { phone: null, email, password });
		expect(res.status, res.text).to.equal(200);
		expect(res.json.user.roles).to.deep.equal(["user", "admin"]);
		admin = res.json;
	});

	describe("as an administrator", () => {
		let user: Registered;
		before(async () => {
			user = await registerVerified(api, inbox);
		});

		it("suspends an account: its sessions end, it cannot sign in or refresh, events are raised", async () => {
			const res = await api(`/auth/admin/users/${user.userId}/suspend`, { method: "POST", token: admin.accessToken, body: { reason: "fraud report" } });
			expect(res.status, res.text).to.equal(200);
			expect(res.json).to.include({ id: user.userId, status: "suspended" });
			await expectRevoked(api, user.tokens.accessToken);
			const signIn = await login(api, user);
			expect(signIn.status).to.equal(403);
			expect(signIn.json.type).to.equal("ACCOUNT_SUSPENDED");
			expect((await api("/auth/refresh", { method: "POST", body: { refreshToken: user.tokens.refreshToken } })).status).to.equal(401);
			expect(await outboxEvents("auth.user.suspended", user.userId)).to.have.length(1);
		});

		it("reinstates it: signing in works again", async () => {
			const res = await api(`/auth/admin/users/${user.userId}/reinstate`, { method: "POST", token: admin.accessToken });
			expect(res.status).to.equal(200);
			expect(res.json.status).to.equal("active");
			expect((await login(api, user)).status).to.equal(200);
			expect(await outboxEvents("auth.user.reinstated", user.userId)).to.have.length(1);
		});

		it("refuses non-admins (403), anonymous callers (401), bad ids (400), unknown accounts (404), itself (409)", async () => {
			const path = `/auth/admin/users/${user.userId}/suspend`;
			expect((await api(path, { method: "POST", token: user.tokens.accessToken })).status).to.be.oneOf([401, 403]);
			const fresh = (await login(api, user)).json as TokenPair;
			expect((await api(path, { method: "POST", token: fresh.accessToken })).status).to.equal(403);
			expect((await api(path, { method: "POST" })).status).to.equal(401);
			expect((await api("/auth/admin/users/nope/suspend", { method: "POST", token: admin.accessToken })).status).to.equal(400);
			expect((await api("/auth/admin/users/01900000-0000-7000-8000-000000000000/suspend", { method: "POST", token: admin.accessToken })).status).to.equal(404);
			const self = (jwt.decode(admin.accessToken) as jwt.JwtPayload).sub;
			expect((await api(`/auth/admin/users/${self}/suspend`, { method: "POST", token: admin.accessToken })).status).to.equal(409);
			expect((await api("/auth/admin/keys/rotate", { method: "POST", token: fresh.accessToken })).status).to.equal(403);
		});

		it("rotates the signing key: new tokens use the new kid, tokens of the previous key keep working", async () => {
			const before = (await login(api, user)).json as TokenPair;
			const oldKid = jwt.decode(before.accessToken, { complete: true })!.header.kid;
			const res = await api("/auth/admin/keys/rotate", { method: "POST", token: admin.accessToken });
			expect(res.status, res.text).to.equal(200);
			expect(res.json.retired).to.equal(oldKid);
			expect(res.json.kid).to.not.equal(oldKid);
			const jwks = (await (await fetch(`${stack.apiUrl}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
			expect(jwks.keys.map(k => k.kid)).to.include.members([oldKid, res.json.kid]);
			const after = (await login(api, user)).json as TokenPair;
			expect(jwt.decode(after.accessToken, { complete: true })!.header.kid).to.equal(res.json.kid);
			expect((await api("/auth/me", { token: after.accessToken })).status).to.equal(200);
			expect((await api("/auth/me", { token: before.accessToken })).status).to.equal(200);
		});
	});
});
