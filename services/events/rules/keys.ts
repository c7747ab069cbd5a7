/**
 * Per-event signing keys: generation, key ids, and encryption of the private
 * key at rest.
 *
 * Private keys are stored as `v1.<iv>.<tag>.<ciphertext>` (base64url), AES-256-GCM
 * under the configured key-encryption key, with the kid as additional
 * authenticated data: a ciphertext copied onto another key's row does not
 * decrypt. A wrong key-encryption key fails loudly instead of signing with garbage.
 */
import { createCipheriv, createDecipheriv, createPrivateKey, createPublicKey, generateKeyPair, randomBytes, type KeyObject } from "node:crypto";
import { promisify } from "node:util";

const generate = promisify(generateKeyPair);

export const ENCRYPTION_VERSION = "v1";

export interface GeneratedKey {
	kid: string;
	publicKeyPem: string;
	privateKeyPem: string;
}

/** 8 random bytes in base64url: 11 characters, unique enough across every event (2^64). */
export function newKid(): string {
	return randomBytes(8).toString("base64url");
}

export async function generateEventKey(bits: number): Promise<GeneratedKey> {
	const { publicKey, privateKey } = await generate("rsa", {
		modulusLength: bits,
		publicKeyEncoding: { type: "spki", format: "pem" },
		privateKeyEncoding: { type: "pkcs8", format: "pem" }
	});
	return { kid: newKid(), publicKeyPem: publicKey, privateKeyPem: privateKey };
}

/** A 32-byte key from configuration: 64 hex characters or base64/base64url of 32 bytes; null otherwise. */
export function parseEncryptionKey(raw: string): Buffer | null {
	const s = raw.trim();
	if (/^[0-9a-fA-F]{64}$/.test(s)) return Buffer.from(s, "hex");
	if (/^[A-Za-z0-9+/_-]{43}=?$/.test(s)) {
		const b = Buffer.from(s.replace(/\+/g, "-").replace(/\//g, "_").replace(/=$/, ""), "base64url");
		return b.length === 32 ? b : null;
	}
	return null;
}

export function encryptPrivateKey(privateKeyPem: string, kid: string, kek: Buffer): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv("aes-256-gcm", kek, iv);
	cipher.setAAD(Buffer.from(kid, "utf8"));
	const ct = Buffer.concat([cipher.update(privateKeyPem, "utf8"), cipher.final()]);
	return [ENCRYPTION_VERSION, iv, cipher.getAuthTag(), ct].map(p => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

export class KeyDecryptionError extends Error {
	constructor(kid: string) {
		super(`Private key ${kid} cannot be decrypted (wrong EVENTS_KEY_ENCRYPTION_KEY, or a tampered row)`);
		this.name = "KeyDecryptionError";
	}
}

export function decryptPrivateKey(stored: string, kid: string, kek: Buffer): KeyObject {
	const [version, iv, tag, ct] = stored.split(".");
	if (version !== ENCRYPTION_VERSION || !iv || !tag || !ct) throw new KeyDecryptionError(kid);
	try {
		const decipher = createDecipheriv("aes-256-gcm", kek, Buffer.from(iv, "base64url"));
		decipher.setAAD(Buffer.from(kid, "utf8"));
		decipher.setAuthTag(Buffer.from(tag, "base64url"));
		const pem = Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
		return createPrivateKey(pem);
	} catch {
		throw new KeyDecryptionError(kid);
	}
}

export function publicKeyOf(pem: string): KeyObject {
	return createPublicKey(pem);
}

export interface KeyLife {
	status: "active" | "retired";
	/** Latest validUntil (epoch seconds) of a live ticket signed with this key; null when none. */
	lastTicketValidUntil: number | null;
}

/**
 * Which keys a scanner must still know: the active one, and retired ones
 * while a ticket they signed has not expired (rotation never strands a
 * ticket already sold).
 */
export function isPublished(k: KeyLife, nowS: number): boolean {
	return k.status === "active" || (k.lastTicketValidUntil !== null && k.lastTicketValidUntil >= nowS);
}
