/**
 * Compact JWS (RFC 7515) with RS256 only, on node:crypto.
 *
 * Written here rather than through jsonwebtoken because the code must stay
 * short: the header is exactly `{"alg":"RS256","kid":…}` (no `typ`, no `iat`),
 * and verification must never accept another algorithm (`none`, HS256 with the
 * public key as secret) whatever the header says. Any JWT library verifies
 * these codes with the event's public key.
 */
import { createSign, createVerify, type KeyObject } from "node:crypto";

export const ALG = "RS256";

export interface JwsHeader {
	alg: typeof ALG;
	kid: string;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;
/** Longest code accepted for parsing: a 4096-bit signature plus generous header and payload. */
export const MAX_CODE_LENGTH = 2048;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");

export function signCompact(kid: string, payload: object, privateKey: KeyObject): string {
	const input = `${b64({ alg: ALG, kid })}.${b64(payload)}`;
	const signature = createSign("RSA-SHA256").update(input).sign(privateKey).toString("base64url");
	return `${input}.${signature}`;
}

export interface ParsedJws {
	header: JwsHeader;
	payload: unknown;
	/** `header.payload`, the signed bytes. */
	signingInput: string;
	signature: Buffer;
}

function parseJson(segment: string): unknown {
	try {
		return JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
	} catch {
		return undefined;
	}
}

/** Splits and decodes a code without trusting it; null when it is not an RS256 compact JWS with a kid. */
export function parseCompact(code: unknown): ParsedJws | null {
	if (typeof code !== "string" || code.length > MAX_CODE_LENGTH) return null;
	const parts = code.split(".");
	if (parts.length !== 3 || !parts.every(p => SEGMENT.test(p))) return null;
	const header = parseJson(parts[0]) as Partial<JwsHeader> | undefined;
	if (!header || typeof header !== "object" || header.alg !== ALG || typeof header.kid !== "string" || header.kid.length === 0) return null;
	const payload = parseJson(parts[1]);
	if (payload === undefined) return null;
	const signature = Buffer.from(parts[2], "base64url");
	// base64url is not canonical in its last character: re-encode so a code has exactly one spelling.
	if (signature.toString("base64url") !== parts[2]) return null;
	return { header: { alg: ALG, kid: header.kid }, payload, signingInput: `${parts[0]}.${parts[1]}`, signature };
}

export function verifySignature(parsed: ParsedJws, publicKey: KeyObject): boolean {
	try {
		return createVerify("RSA-SHA256").update(parsed.signingInput).verify(publicKey, parsed.signature);
	} catch {
		return false;
	}
}
