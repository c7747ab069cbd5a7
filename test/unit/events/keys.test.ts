import { expect } from "chai";
import { createSign, createVerify } from "node:crypto";
import { decryptPrivateKey, encryptPrivateKey, generateEventKey, isPublished, KeyDecryptionError, newKid, parseEncryptionKey } from "../../../services/events/rules/keys";

const KEK = Buffer.alloc(32, 7);

describe("events rules: signing keys", function () {
	this.timeout(20_000);

	it("generates an RSA pair whose private half, encrypted at rest, still signs for the public half", async () => {
		const key = await generateEventKey(2048);
		expect(key.kid).to.match(/^[A-Za-z0-9_-]{11}$/);
		const stored = encryptPrivateKey(key.privateKeyPem, key.kid, KEK);
		expect(stored).to.match(/^v1\./);
		expect(stored).to.not.include("PRIVATE");
		const priv = decryptPrivateKey(stored, key.kid, KEK);
		const sig = createSign("RSA-SHA256").update("hello").sign(priv);
		expect(createVerify("RSA-SHA256").update("hello").verify(key.publicKeyPem, sig)).to.equal(true);
	});

	it("does not decrypt with another key-encryption key, another kid, or a changed byte", async () => {
		const key = await generateEventKey(2048);
		const stored = encryptPrivateKey(key.privateKeyPem, key.kid, KEK);
		expect(() => decryptPrivateKey(stored, key.kid, Buffer.alloc(32, 8))).to.throw(KeyDecryptionError);
		expect(() => decryptPrivateKey(stored, newKid(), KEK)).to.throw(KeyDecryptionError);
		const parts = stored.split(".");
		parts[3] = (parts[3][0] === "A" ? "B" : "A") + parts[3].slice(1);
		expect(() => decryptPrivateKey(parts.join("."), key.kid, KEK)).to.throw(KeyDecryptionError);
		expect(() => decryptPrivateKey("v0.a.b.c", key.kid, KEK)).to.throw(KeyDecryptionError);
	});

	it("reads a 32-byte key-encryption key as hex or base64, nothing else", () => {
		expect(parseEncryptionKey("00".repeat(32))).to.deep.equal(Buffer.alloc(32));
		expect(parseEncryptionKey(Buffer.alloc(32, 255).toString("base64"))).to.deep.equal(Buffer.alloc(32, 255));
		expect(parseEncryptionKey(Buffer.alloc(32, 251).toString("base64url"))).to.deep.equal(Buffer.alloc(32, 251));
		expect(parseEncryptionKey("00".repeat(31))).to.equal(null);
		expect(parseEncryptionKey("secret")).to.equal(null);
	});

	it("keeps retired keys published while a ticket they signed is still valid", () => {
		expect(isPublished({ status: "active", lastTicketValidUntil: null }, 100)).to.equal(true);
		expect(isPublished({ status: "retired", lastTicketValidUntil: 100 }, 100)).to.equal(true);
		expect(isPublished({ status: "retired", lastTicketValidUntil: 99 }, 100)).to.equal(false);
		expect(isPublished({ status: "retired", lastTicketValidUntil: null }, 100)).to.equal(false);
	});
});
