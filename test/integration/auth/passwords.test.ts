/** Forgot/reset by code, change with the current password, and brute-force lockouts. */
import { expect } from "chai";
import { getStack, type Stack } from "../../support/stack";
import { uniquePhone } from "../../support/users";
import { deviceId, expectRevoked, login, type Registered, registerVerified, strongPassword, type TokenPair } from "./accounts";
import { client, type Client } from "./client";
import { OtpInbox } from "./otp-inbox";

describe("auth: passwords and lockouts", function () {
	this.timeout(90_000);
	let stack: Stack;
	let inbox: OtpInbox;
	let api: Client;

	before(async function () {
		stack = await getStack();
		inbox = await OtpInbox.open(stack.broker, stack.apiUrl);
		api = client(stack.apiUrl);
	});
	after(() => inbox?.close());

	async function resetBy(via: Client, who: Registered, newPassword: string) {
		const since = Date.now();
		const forgot = await via("/auth/password/forgot", { method: "POST", body: { identifier: who.phone } });
		expect(forgot.status, forgot.text).to.equal(202);
		const otp = await inbox.latest(who.phone!, { purpose: "reset", since });
		return via("/auth/password/reset", { method: "POST", body: { identifier: who.phone, code: otp.code, newPassword } });
	}

	it("answers forgot with 202 whether or not the account exists, sending a code only to a real one", async () => {
		const unknown = uniquePhone();
		const res = await api("/auth/password/forgot", { method: "POST", body: { identifier: unknown } });
		expect(res.status).to.equal(202);
		const u = await registerVerified(api, inbox);
		const known = await api("/auth/password/forgot", { method: "POST", body: { identifier: u.phone } });
		expect(known.status).to.equal(202);
		expect(known.text).to.equal(res.text);
		expect((await inbox.latest(u.phone!, { purpose: "reset" })).channel).to.equal("sms");
		expect(inbox.all(unknown)).to.have.length(0);
		expect((await api("/auth/password/forgot", { method: "POST", body: {} })).status).to.equal(400);
	});

	it("resets with the code (204): every session ends, the new password works, the old one does not", async () => {
		const u = await registerVerified(api, inbox);
		const other = (await login(api, u)).json as TokenPair;
		const newPassword = strongPassword();
		const wrongCode = await api("/auth/password/reset", { method: "POST", body: { identifier: u.phone, code: "000000", newPassword } });
		expect(wrongCode.status).to.equal(400);
		expect(wrongCode.json.type).to.equal("INVALID_CODE");

		const res = await resetBy(api, u, newPassword);
		expect(res.status, res.text).to.equal(204);
		for (const t of [u.tokens, other]) await expectRevoked(api, t.accessToken);
		expect((await login(api, u)).status).to.equal(401);
		expect((await login(api, { ...u, password: newPassword })).status).to.equal(200);
	});

	it("refuses a weak new password (400) and keeps the code usable", async () => {
		const u = await registerVerified(api, inbox);
		await api("/auth/password/forgot", { method: "POST", body: { identifier: u.phone } });
		const otp = await inbox.latest(u.phone!, { purpose: "reset" });
		const weak = await api("/auth/password/reset", { method: "POST", body: { identifier: u.phone, code: otp.code, newPassword: "iloveyou" } });
		expect(weak.status).to.equal(400);
		expect(weak.json.type).to.equal("WEAK_PASSWORD");
		expect(weak.json.data.problems).to.include("COMMON");
		const ok = await api("/auth/password/reset", { method: "POST", body: { identifier: u.phone, code: otp.code, newPassword: strongPassword() } });
		expect(ok.status).to.equal(204);
	});

	it("changes the password with the current one (204): other sessions end, this one stays", async () => {
		const u = await registerVerified(api, inbox);
		const other = (await login(api, u)).json as TokenPair;
		const wrong = await api("/auth/password/change", { method: "POST", token: u.tokens.accessToken, body: { currentPassword: "nope-nope-nope", newPassword: strongPassword() } });
		expect(wrong.status).to.equal(403);
		expect(wrong.json.type).to.equal("INVALID_PASSWORD");
		const weak = await api("/auth/password/change", { method: "POST", token: u.tokens.accessToken, body: { currentPassword: u.password, newPassword: "123456789" } });
		expect(weak.status).to.equal(400);
		const missing = await api("/auth/password/change", { method: "POST", token: u.tokens.accessToken, body: { currentPassword: u.password } });
		expect(missing.status).to.equal(400);

		const newPassword = strongPassword();
		const res = await api("/auth/password/change", { method: "POST", token: u.tokens.accessToken, body: { currentPassword: u.password, newPassword } });
		expect(res.status, res.text).to.equal(204);
		expect((await api("/auth/me", { token: u.tokens.accessToken })).status).to.equal(200);
		await expectRevoked(api, other.accessToken);
		expect((await login(api, { ...u, password: newPassword })).status).to.equal(200);
	});

	it("locks an account under brute force (429 + Retry-After), while the owner resets by code and signs in", async () => {
		const victim = await registerVerified(api, inbox);
		const attacker = client(stack.apiUrl);
		const attempt = (password: string, via: Client) =>
			via("/auth/login", { method: "POST", body: { identifier: victim.phone, password, device: { id: deviceId() } } });
		const statuses: number[] = [];
		for (let i = 0; i < 8; i++) statuses.push((await attempt(`guess-${i}-xyz`, attacker)).status);
		expect(statuses.slice(0, 5)).to.deep.equal([401, 401, 401, 401, 401]);
		expect(statuses.slice(5)).to.deep.equal([429, 429, 429]);
		const locked = await attempt(victim.password, attacker);
		expect(locked.status).to.equal(429);
		expect(locked.json.data).to.include({ reason: "TOO_MANY_ATTEMPTS", scope: "account" });
		expect(Number(locked.headers["retry-after"])).to.be.within(1, 30);

		// The owner, from their own phone: the account lock applies to the password, not to the code.
		const owner = client(stack.apiUrl);
		expect((await attempt(victim.password, owner)).status).to.equal(429);
		const newPassword = strongPassword();
		expect((await resetBy(owner, victim, newPassword)).status).to.equal(204);
		const back = await attempt(newPassword, owner);
		expect(back.status, back.text).to.equal(200);
	});

	it("locks an address that fails against many accounts (20 failures)", async () => {
		const sprayer = client(stack.apiUrl);
		for (let i = 0; i < 20; i++) {
			const res = await sprayer("/auth/login", { method: "POST", body: { identifier: uniquePhone(), password: "Summer2024!", device: { id: "d" } } });
			expect(res.status).to.equal(401);
		}
		const u = await registerVerified(api, inbox);
		const blocked = await sprayer("/auth/login", { method: "POST", body: { identifier: u.phone, password: u.password, device: { id: "d" } } });
		expect(blocked.status).to.equal(429);
		expect(blocked.json.data.scope).to.equal("address");
		// Other addresses are unaffected.
		expect((await login(client(stack.apiUrl), u)).status).to.equal(200);
	});
});
