import { expect } from "chai";
import crypto from "node:crypto";
import { openSessionRevocations, revocationKey } from "../../../lib/auth/session-revocations";
import { authenticateRequest, authModeOf, authorizeUser } from "../../../services/api/authenticate";
import { createAccessTokenVerifier } from "../../../lib/auth/access-tokens";
import { makeSigningKey, signAccessToken } from "../../fixtures/services/auth.service";

/** The error of a rejected promise, or of a call that throws synchronously or rejects. */
async function rejection(p: Promise<unknown> | (() => unknown)): Promise<{ code?: number; type?: string }> {
	try {
		await (typeof p === "function" ? p() : p);
	} catch (err) {
		return err as { code?: number; type?: string };
	}
	throw new Error("expected a rejection");
}

describe("session revocations (in-memory, no Redis)", () => {
	it("shares revocations between stores of the same namespace, not across namespaces", async () => {
		const ns = `unit-${crypto.randomBytes(4).toString("hex")}`;
		const auth = openSessionRevocations({ redisUrl: null, namespace: ns });
		const gateway = openSessionRevocations({ redisUrl: null, namespace: ns });
		const elsewhere = openSessionRevocations({ redisUrl: null, namespace: `${ns}-other` });
		expect(await gateway.isSessionRevoked("s1")).to.equal(false);
		await auth.revokeSession("s1", 60);
		expect(await gateway.isSessionRevoked("s1")).to.equal(true);
		expect(await elsewhere.isSessionRevoked("s1")).to.equal(false);
	});

	it("forgets a revocation after its TTL and refuses a non-positive TTL", async () => {
		const store = openSessionRevocations({ redisUrl: null, namespace: `unit-${crypto.randomBytes(4).toString("hex")}` });
		await store.revokeSession("short", 0.05);
		expect(await store.isSessionRevoked("short")).to.equal(true);
		await new Promise(r => setTimeout(r, 1100));
		expect(await store.isSessionRevoked("short")).to.equal(false);
		await rejection(store.revokeSession("x", 0));
	});

	it("prefixes Redis keys with the namespace", () => {
		expect(revocationKey("nexgate", "abc")).to.equal("nexgate:auth:revoked-session:abc");
	});
});

describe("authentication modes", () => {
	const key = makeSigningKey();
	const ns = `unit-${crypto.randomBytes(4).toString("hex")}`;
	const revocations = openSessionRevocations({ redisUrl: null, namespace: ns });
	const deps = { verifier: createAccessTokenVerifier({ fetchJwks: async () => ({ keys: [key.publicJwk as never] }) }), revocations };

	it("defaults to required and treats unknown modes as required", () => {
		expect(authModeOf({})).to.equal("required");
		expect(authModeOf({ auth: "Optional" })).to.equal("required");
		expect(authModeOf(null)).to.equal("required");
		expect(authModeOf({ auth: "none" })).to.equal("none");
	});

	it("applies each mode to a missing, valid or revoked token", async () => {
		const token = signAccessToken(key, { sub: "u1", sid: "s-live", roles: ["user"] });
		expect(await rejection(() => authenticateRequest(null, "required", deps))).to.include({ code: 401, type: "NO_TOKEN" });
		expect(await authenticateRequest(null, "optional", deps)).to.equal(null);
		expect(await authenticateRequest(token, "none", deps)).to.equal(null);
		expect(await authenticateRequest(token, "optional", deps)).to.deep.equal({ userId: "u1", sessionId: "s-live", roles: ["user"] });
		expect(await rejection(() => authenticateRequest("garbage", "optional", deps))).to.include({ code: 401, type: "INVALID_TOKEN" });

		// Seen before and not revoked: answered at once, without a promise.
		const known = authenticateRequest(token, "required", deps);
		expect(known).to.not.be.instanceOf(Promise);
		expect(known).to.deep.equal({ userId: "u1", sessionId: "s-live", roles: ["user"] });

		// A cached token whose session is then revoked is refused on its very next request.
		await revocations.revokeSession("s-live", 60);
		expect(await rejection(() => authenticateRequest(token, "required", deps))).to.include({ code: 401, type: "SESSION_REVOKED" });
	});

	it("lets only admins through admin actions", () => {
		expect(() => authorizeUser({ userId: "u", sessionId: "s", roles: ["user"] }, "admin")).to.throw().with.property("code", 403);
		expect(() => authorizeUser(null, "admin")).to.throw().with.property("code", 403);
		expect(() => authorizeUser({ userId: "u", sessionId: "s", roles: ["admin"] }, "admin")).to.not.throw();
		expect(() => authorizeUser(null, "optional")).to.not.throw();
	});
});
