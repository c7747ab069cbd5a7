import { expect } from "chai";
import crypto from "node:crypto";
import { decryptPrivateKey, deriveSubkey, encryptPrivateKey, kekId, KeyDecryptionError, parseKek } from "../../../services/auth/rules/key-encryption";
import {
	looksLikeRefreshToken,
	newRefreshToken,
	newSessionExpiry,
	refreshTokenHash,
	refreshVerdict,
	SESSION_ABSOLUTE_MS,
	SESSION_IDLE_MS,
	slideIdleExpiry
} from "../../../services/auth/rules/tokens";

describe("auth rules: refresh tokens and session lifetimes", () => {
	it("makes opaque 32-byte tokens stored as SHA-256", () => {
		const token = newRefreshToken();
		expect(Buffer.from(token, "base64url")).to.have.length(32);
		expect(looksLikeRefreshToken(token)).to.equal(true);
		expect(looksLikeRefreshToken("short")).to.equal(false);
		expect(refreshTokenHash(token)).to.equal(crypto.createHash("sha256").update(token).digest("hex"));
		expect(newRefreshToken()).to.not.equal(token);
	});

	it("slides the idle deadline on use but never past the absolute one", () => {
		const t0 = Date.UTC(2026, 0, 1);
		const s = newSessionExpiry(t0);
		expect(s.idleExpiresAt.getTime()).to.equal(t0 + SESSION_IDLE_MS);
		expect(s.absoluteExpiresAt.getTime()).to.equal(t0 + SESSION_ABSOLUTE_MS);
		expect(slideIdleExpiry(s.absoluteExpiresAt, t0 + 10 * 86400_000).getTime()).to.equal(t0 + 40 * 86400_000);
		expect(slideIdleExpiry(s.absoluteExpiresAt, t0 + 80 * 86400_000).getTime()).to.equal(s.absoluteExpiresAt.getTime());
	});

	it("rotates a current token, and treats a spent one as reuse before anything else", () => {
		const now = Date.now();
		const live = { tokenUsedAt: null, sessionRevokedAt: null, idleExpiresAt: new Date(now + 1000), absoluteExpiresAt: new Date(now + 2000), accountStatus: "active" };
		expect(refreshVerdict(live, now)).to.equal("ROTATE");
		expect(refreshVerdict({ ...live, tokenUsedAt: new Date() }, now)).to.equal("REUSED");
		expect(refreshVerdict({ ...live, tokenUsedAt: new Date(), sessionRevokedAt: new Date() }, now)).to.equal("REUSED");
		expect(refreshVerdict({ ...live, sessionRevokedAt: new Date() }, now)).to.equal("SESSION_REVOKED");
		expect(refreshVerdict({ ...live, idleExpiresAt: new Date(now) }, now)).to.equal("SESSION_EXPIRED");
		expect(refreshVerdict({ ...live, absoluteExpiresAt: new Date(now - 1) }, now)).to.equal("SESSION_EXPIRED");
		expect(refreshVerdict({ ...live, accountStatus: "suspended" }, now)).to.equal("ACCOUNT_DISABLED");
	});
});

describe("auth rules: signing keys encrypted at rest (AES-256-GCM)", () => {
	const kek = crypto.randomBytes(32);
	const pem = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();

	it("round-trips a private key and never stores it in clear", () => {
		const sealed = encryptPrivateKey(pem, kek, "kid-1");
		expect(sealed).to.match(/^v1\./);
		expect(sealed).to.not.include("PRIVATE KEY");
		expect(sealed.split(".")[1]).to.equal(kekId(kek));
		expect(decryptPrivateKey(sealed, kek, "kid-1")).to.equal(pem);
		expect(encryptPrivateKey(pem, kek, "kid-1")).to.not.equal(sealed);
	});

	it("refuses another KEK, another key's row, and a tampered ciphertext", () => {
		const sealed = encryptPrivateKey(pem, kek, "kid-1");
		expect(() => decryptPrivateKey(sealed, crypto.randomBytes(32), "kid-1")).to.throw(KeyDecryptionError, /another AUTH_KEY_ENCRYPTION_KEY/);
		expect(() => decryptPrivateKey(sealed, kek, "kid-2")).to.throw(KeyDecryptionError, /failed authentication/);
		const parts = sealed.split(".");
		const ct = Buffer.from(parts[4], "base64url");
		ct[10] ^= 1;
		parts[4] = ct.toString("base64url");
		expect(() => decryptPrivateKey(parts.join("."), kek, "kid-1")).to.throw(KeyDecryptionError);
	});

	it("reads a 32-byte base64 KEK only, and derives independent sub-keys from it", () => {
		expect(parseKek(kek.toString("base64"))).to.deep.equal(kek);
		expect(parseKek(kek.toString("base64url"))).to.deep.equal(kek);
		expect(parseKek(crypto.randomBytes(16).toString("base64"))).to.equal(null);
		const pepper = deriveSubkey(kek, "otp-pepper");
		expect(pepper).to.have.length(32);
		expect(pepper.equals(deriveSubkey(kek, "otp-pepper"))).to.equal(true);
		expect(pepper.equals(deriveSubkey(kek, "other"))).to.equal(false);
		expect(pepper.equals(kek)).to.equal(false);
	});
});
