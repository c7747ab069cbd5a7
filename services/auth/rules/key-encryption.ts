/**
 * Private signing keys at rest: AES-256-GCM under a key-encryption key (KEK)
 * that never sits in the database (AUTH_KEY_ENCRYPTION_KEY). A database dump
 * alone cannot mint tokens. GCM's tag makes a wrong KEK or a tampered row fail
 * loudly instead of yielding garbage. The kid is bound as associated data, so a
 * ciphertext cannot be moved to another key's row.
 *
 * Format: "v1.<kekId>.<iv>.<tag>.<ciphertext>" (base64url parts). `kekId` is a
 * short fingerprint of the KEK, so a node started with the wrong KEK says so.
 */
import crypto from "node:crypto";

export const KEK_BYTES = 32;

export function kekId(kek: Buffer): string {
	return crypto.createHash("sha256").update(kek).digest("base64url").slice(0, 8);
}

export function encryptPrivateKey(pem: string, kek: Buffer, kid: string): string {
	if (kek.length !== KEK_BYTES) throw new Error("the key-encryption key must be 32 bytes");
	const iv = crypto.randomBytes(12);
	const cipher = crypto.createCipheriv("aes-256-gcm", kek, iv);
	cipher.setAAD(Buffer.from(kid));
	const ciphertext = Buffer.concat([cipher.update(pem, "utf8"), cipher.final()]);
	const b = (x: Buffer) => x.toString("base64url");
	return ["v1", kekId(kek), b(iv), b(cipher.getAuthTag()), b(ciphertext)].join(".");
}

export class KeyDecryptionError extends Error {
	constructor(message: string) {
		super(message);
		this.name = "KeyDecryptionError";
	}
}

export function decryptPrivateKey(sealed: string, kek: Buffer, kid: string): string {
	const [version, id, iv, tag, ciphertext] = sealed.split(".");
	if (version !== "v1" || !ciphertext) throw new KeyDecryptionError(`signing key ${kid}: unknown encryption format`);
	if (id !== kekId(kek))
		throw new KeyDecryptionError(`signing key ${kid} was encrypted with another AUTH_KEY_ENCRYPTION_KEY (fingerprint ${id}, this node has ${kekId(kek)})`);
	try {
		const decipher = crypto.createDecipheriv("aes-256-gcm", kek, Buffer.from(iv, "base64url"));
		decipher.setAAD(Buffer.from(kid));
		decipher.setAuthTag(Buffer.from(tag, "base64url"));
		return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
	} catch {
		throw new KeyDecryptionError(`signing key ${kid} failed authentication: wrong key-encryption key or tampered row`);
	}
}

/** A sub-key for another purpose (the OTP pepper), so one secret is configured, not several. */
export function deriveSubkey(kek: Buffer, purpose: string): Buffer {
	return Buffer.from(crypto.hkdfSync("sha256", kek, Buffer.alloc(0), `nexgate-auth:${purpose}`, 32));
}

/** AUTH_KEY_ENCRYPTION_KEY: base64 (or base64url) of exactly 32 bytes. */
export function parseKek(raw: string): Buffer | null {
	const buf = Buffer.from(raw.trim(), /[-_]/.test(raw) ? "base64url" : "base64");
	return buf.length === KEK_BYTES ? buf : null;
}
