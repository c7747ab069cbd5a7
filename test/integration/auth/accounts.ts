/** Accounts made through the real REST API (register → code → verify), for the auth tests. */
import { expect } from "chai";
import crypto from "node:crypto";
import { uniqueEmail, uniquePhone } from "../../support/users";
import type { Client } from "./client";
import type { OtpInbox } from "./otp-inbox";


export interface TokenPair {
	accessToken: string;
	refreshToken: string;
	tokenType: "Bearer";
	expiresIn: number;
	user: { id: string; username: string; roles: string[] };
}

export interface Registered {
	userId: string;
	phone: string | null;
	email: string | null;
	password: string;
	deviceId: string;
	tokens: TokenPair;
}

export const strongPassword = () => `Kilima-${crypto.randomBytes(6).toString("hex")}`;
export const deviceId = () => `dev-${crypto.randomBytes(6).toString("hex")}`;

export async function registerVerified(
	api: Client,
	inbox: OtpInbox,
	opts: { email?: boolean; displayName?: string; language?: "en" | "sw" } = {}
): Promise<Registered> {
	const phone = opts.email ? null : uniquePhone();
	const email = opts.email ? uniqueEmail() : null;
	const password = strongPassword();
	const reg = await api("/auth/register", {
		method: "POST",
		body: { ...(phone ? { phone } : { email }), password, displayName: opts.displayName ?? "Asha Test", language: opts.language }
	});
	expect(reg.status, reg.text).to.equal(201);
	const otp = await inbox.latest((phone ?? email)!, { purpose: "verify" });
	const device = deviceId();
	const verified = await api("/auth/verify", { method: "POST", body: { identifier: phone ?? email, code: otp.code, device: { id: device, name: "Test phone", platform: "android" } } });
	expect(verified.status, verified.text).to.equal(200);
	return { userId: reg.json.userId, phone, email, password, deviceId: device, tokens: verified.json };
}

export async function login(api: Client, who: { phone: string | null; email: string | null; password: string }, device = deviceId()) {
	return api("/auth/login", { method: "POST", body: { identifier: who.phone ?? who.email, password: who.password, device: { id: device } } });
}

/**
 * Waits (up to 1.5 s) for a token to be refused as revoked. A gateway may
 * reuse a "not revoked" answer for up to 500 ms (lib/auth/session-revocations.ts),
 * so revocation reaches every node within a second, not instantly.
 */
export async function expectRevoked(api: Client, accessToken: string): Promise<void> {
	const deadline = Date.now() + 1500;
	for (;;) {
		const res = await api("/auth/me", { token: accessToken });
		if (res.status === 401) {
			expect(res.json.type).to.equal("SESSION_REVOKED");
			return;
		}
		// Until the revocation reaches this gateway the token still works: 200, or 404 once the account itself is gone.
		expect(res.status).to.be.oneOf([200, 404]);
		if (Date.now() > deadline) throw new Error("the session was not refused within 1.5 s");
		await new Promise(r => setTimeout(r, 100));
	}
}
