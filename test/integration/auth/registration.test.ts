/**
 * POST /auth/register, /auth/verify, /auth/otp through the real REST API.
 */
import { expect } from "chai";
import { coreQuery } from "../../support/db";
import { getStack, type Stack } from "../../support/stack";
import { uniqueEmail, uniquePhone } from "../../support/users";
import { deviceId, strongPassword } from "./accounts";
import { client, type Client } from "./client";
import { OtpInbox } from "./otp-inbox";

describe("auth: registration and verification", function () {
	this.timeout(60_000);
	let stack: Stack;
	let inbox: OtpInbox;
	let api: Client;

	before(async function () {
		stack = await getStack();
		inbox = await OtpInbox.open(stack.broker, stack.apiUrl);
		api = client(stack.apiUrl);
	});
	after(() => inbox?.close());

	const register = (body: Record<string, unknown>, headers?: Record<string, string>, via = api) =>
		via("/auth/register", { method: "POST", body: { password: strongPassword(), displayName: "Neema Test", ...body }, headers });

	it("registers with a phone typed locally: 201, Location, masked destination, a code in the caller's language", async () => {
		const phone = uniquePhone();
		const local = `0${phone.slice(4)}`;
		const res = await register({ phone: local }, { "accept-language": "sw-TZ,sw;q=0.9,en;q=0.5" });
		expect(res.status, res.text).to.equal(201);
		expect(res.headers.location).to.equal(`/api/v1/users/${res.json.userId}`);
		expect(res.json.verification.channel).to.equal("sms");
		expect(res.json.verification.destination).to.equal(`+255•••••${phone.slice(-4)}`);
		expect(Date.parse(res.json.verification.expiresAt) - Date.now()).to.be.within(9 * 60_000, 10 * 60_000);
		expect(res.text).to.not.match(/\b\d{6}\b"/);

		const otp = await inbox.latest(phone, { purpose: "verify" });
		expect(otp).to.include({ channel: "sms", userId: res.json.userId, language: "sw", purpose: "verify" });
		const [registered] = await coreQuery<{ envelope: { data: Record<string, unknown> } }>(
			`SELECT envelope FROM auth.outbox WHERE type = 'auth.user.registered' AND envelope->'data'->>'userId' = $1`,
			[res.json.userId]
		);
		expect(registered.envelope.data).to.include({ phone, language: "sw", displayName: "Neema Test", username: registered.envelope.data.username as string });
		// Only a hash of the code is kept.
		const [row] = await coreQuery<{ code_hash: string }>(`SELECT code_hash FROM auth.otps WHERE id = $1`, [otp.otpId]);
		expect(row.code_hash).to.not.include(otp.code);
	});

	it("gives parallel registrations with the same display name distinct usernames (no 409)", async () => {
		const name = `Zawadi ${Math.random().toString(36).replace(/[^a-z]/g, "").slice(0, 8)}`;
		const from = client(stack.apiUrl); // its own address: the other tests' per-address budgets stay untouched
		const results = await Promise.all(Array.from({ length: 6 }, () => register({ phone: uniquePhone(), displayName: name }, undefined, from)));
		expect(results.map(r => r.status), results.map(r => r.text).join("\n")).to.deep.equal(Array(6).fill(201));
		const rows = await coreQuery<{ username: string }>("SELECT username FROM auth.accounts WHERE id = ANY($1::uuid[])", [results.map(r => r.json.userId)]);
		const base = name.toLowerCase().replace(" ", "_");
		expect(new Set(rows.map(r => r.username)).size).to.equal(6);
		expect(rows.filter(r => r.username === base)).to.have.length(1);
		for (const r of rows) expect(r.username).to.match(new RegExp(`^${base}(_\\d+)?$`));
	});

	it("verifies with the code: 200 TokenPair, account active, the code cannot be used twice", async () => {
		const phone = uniquePhone();
		const username = `neema_${Date.now() % 1e6}`;
		const reg = await register({ phone, username: username.toUpperCase() });
		const login = await api("/auth/login", { method: "POST", body: { identifier: phone, password: "wrong-but-irrelevant", device: { id: deviceId() } } });
		expect(login.status).to.equal(401);
		const otp = await inbox.latest(phone, { purpose: "verify" });
		const res = await api("/auth/verify", { method: "POST", body: { identifier: phone, code: otp.code, device: { id: deviceId(), name: "Tecno", platform: "android" } } });
		expect(res.status, res.text).to.equal(200);
		expect(res.headers["cache-control"]).to.equal("no-store");
		expect(res.json).to.include.keys("accessToken", "refreshToken", "tokenType", "expiresIn", "user");
		expect(res.json.tokenType).to.equal("Bearer");
		expect(res.json.expiresIn).to.equal(900);
		expect(res.json.user).to.deep.equal({ id: reg.json.userId, username, roles: ["user"] });
		const me = await api("/auth/me", { token: res.json.accessToken });
		expect(me.json).to.include({ status: "active", phoneVerified: true, phone });
		const again = await api("/auth/verify", { method: "POST", body: { identifier: phone, code: otp.code } });
		expect(again.status).to.equal(400);
		expect(again.json.type).to.equal("INVALID_CODE");
	});

	it("refuses invalid registrations with 400", async () => {
		const cases: Array<[Record<string, unknown>, string]> = [
			[{ phone: undefined }, "IDENTIFIER_REQUIRED"],
			[{ phone: "0222123456" }, "INVALID_PHONE"],
			[{ phone: "+14155552671" }, "INVALID_PHONE"],
			[{ email: "not-an-email" }, "INVALID_EMAIL"],
			[{ phone: uniquePhone(), password: "password123" }, "WEAK_PASSWORD"],
			[{ phone: uniquePhone(), password: "short" }, "WEAK_PASSWORD"],
			[{ phone: uniquePhone(), username: "Admin" }, "INVALID_USERNAME"],
			[{ phone: uniquePhone(), displayName: "" }, "VALIDATION_ERROR"],
			[{ phone: uniquePhone(), language: "fr" }, "VALIDATION_ERROR"]
		];
		for (const [body, type] of cases) {
			const res = await register(body);
			expect(res.status, `${JSON.stringify(body)} → ${res.text}`).to.equal(400);
			expect(res.json.type).to.equal(type);
		}
		const noPassword = await api("/auth/register", { method: "POST", body: { phone: uniquePhone(), displayName: "X Y" } });
		expect(noPassword.status).to.equal(400);
		expect(noPassword.json.type).to.equal("VALIDATION_ERROR");
		expect(noPassword.text).to.not.include("password123");
	});

	it("answers 409 for a verified identifier, but lets a never-verified registration be replaced", async () => {
		const phone = uniquePhone();
		const email = uniqueEmail();
		const first = await register({ email });
		// Same email, now with a phone (a new destination, so no resend cooldown applies).
		const second = await register({ phone, email }, undefined, client(stack.apiUrl));
		expect(second.status, second.text).to.equal(201);
		expect(second.json.userId).to.not.equal(first.json.userId);
		expect(await coreQuery(`SELECT 1 FROM auth.accounts WHERE id = $1`, [first.json.userId])).to.have.length(0);

		const otp = await inbox.latest(phone, { purpose: "verify" });
		expect(otp.userId).to.equal(second.json.userId);
		expect((await api("/auth/verify", { method: "POST", body: { identifier: phone, code: otp.code } })).status).to.equal(200);
		const third = await register({ phone: uniquePhone(), email }, undefined, client(stack.apiUrl));
		expect(third.status, third.text).to.equal(409);
		expect(third.json.type).to.equal("ACCOUNT_EXISTS");
		// Registering the same destination again within a minute is refused before anything else (no SMS bombing).
		const again = await register({ phone }, undefined, client(stack.apiUrl));
		expect(again.status).to.equal(429);
	});

	it("counts wrong codes: 4 left after one, none after five, and then even the right code fails", async () => {
		const phone = uniquePhone();
		await register({ phone });
		const otp = await inbox.latest(phone, { purpose: "verify" });
		const wrong = otp.code === "000000" ? "111111" : "000000";
		const first = await api("/auth/verify", { method: "POST", body: { identifier: phone, code: wrong } });
		expect(first.status).to.equal(400);
		expect(first.json).to.include({ type: "INVALID_CODE" });
		expect(first.json.data.attemptsLeft).to.equal(4);
		for (let i = 0; i < 4; i++) await api("/auth/verify", { method: "POST", body: { identifier: phone, code: wrong } });
		const right = await api("/auth/verify", { method: "POST", body: { identifier: phone, code: otp.code } });
		expect(right.status).to.equal(400);
		expect(right.json.data.attemptsLeft).to.equal(0);
		const malformed = await api("/auth/verify", { method: "POST", body: { identifier: phone, code: "12ab56" } });
		expect(malformed.status).to.equal(400);
		expect(malformed.json.type).to.equal("VALIDATION_ERROR");
	});

	it("resends a code to another destination at once, but not twice to the same one within the cooldown", async () => {
		const phone = uniquePhone();
		const email = uniqueEmail();
		expect((await register({ phone, email })).status).to.equal(201);
		const cooldown = await api("/auth/otp", { method: "POST", body: { identifier: phone, purpose: "verify" } });
		expect(cooldown.status).to.equal(429);
		expect(Number(cooldown.headers["retry-after"])).to.be.within(1, 60);
		expect(cooldown.json.data).to.include({ reason: "OTP_LIMIT", scope: "destination" });

		const toEmail = await api("/auth/otp", { method: "POST", body: { identifier: email.toUpperCase(), purpose: "verify" } });
		expect(toEmail.status, toEmail.text).to.equal(202);
		const code = await inbox.latest(email, { purpose: "verify" });
		expect(code.channel).to.equal("email");
		const res = await api("/auth/verify", { method: "POST", body: { identifier: email, code: code.code } });
		expect(res.status, res.text).to.equal(200);
		expect((await api("/auth/me", { token: res.json.accessToken })).json).to.include({ emailVerified: true, phoneVerified: false, status: "active" });
	});

	it("answers 202 for an unknown account without sending anything, 400 for a bad identifier or purpose", async () => {
		const phone = uniquePhone();
		const res = await api("/auth/otp", { method: "POST", body: { identifier: phone, purpose: "verify" } });
		expect(res.status).to.equal(202);
		await new Promise(r => setTimeout(r, 500));
		expect(inbox.all(phone)).to.have.length(0);
		expect((await api("/auth/otp", { method: "POST", body: { identifier: "hello", purpose: "verify" } })).json.type).to.equal("INVALID_IDENTIFIER");
		expect((await api("/auth/otp", { method: "POST", body: { identifier: phone, purpose: "other" } })).status).to.equal(400);
	});

	it("limits the codes one address may request (20 an hour)", async () => {
		const from = client(stack.apiUrl);
		let limited: Awaited<ReturnType<Client>> | null = null;
		for (let i = 0; i < 21 && !limited; i++) {
			const res = await from("/auth/otp", { method: "POST", body: { identifier: uniquePhone(), purpose: "reset" } });
			if (res.status === 429) limited = res;
			else expect(res.status).to.equal(202);
		}
		expect(limited, "the 21st request is refused").to.not.equal(null);
		expect(limited!.json.data).to.include({ reason: "OTP_LIMIT", scope: "address" });
		expect(Number(limited!.headers["retry-after"])).to.be.greaterThan(60);
	});
});
