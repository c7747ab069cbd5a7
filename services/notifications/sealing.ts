/**
 * Message bodies that hold a secret (one-time codes) are kept encrypted at
 * rest, AES-256-GCM, so a database dump or a support query never shows a code
 * that still works. The worker opens them only to send; the sealed copy is
 * erased once the delivery is final.
 */
import crypto from "node:crypto";

const VERSION = "v1";

export function seal(key: Buffer, plaintext: string): string {
	const iv = crypto.randomBytes(12);
	const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
	const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
	return `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")}`;
}

/** Throws when the value was not sealed with this key or was altered. */
export function open(key: Buffer, sealed: string): string {
	const [version, payload] = sealed.split(".");
	if (version !== VERSION || !payload) throw new Error("unknown sealed format");
	const raw = Buffer.from(payload, "base64url");
	const decipher = crypto.createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
	decipher.setAuthTag(raw.subarray(12, 28));
	return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}
