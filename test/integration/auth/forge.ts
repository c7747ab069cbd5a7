/**
 * Tokens the real auth would never issue, for the 401 cases: one signed by a
 * key that is not published (forged), and one signed by the real current key
 * but already expired. The real key is read the way an operator with the
 * database and the KEK could: the sealed row, opened with the development KEK
 * the test nodes generated under DATA_DIR.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import jwt from "jsonwebtoken";
import { decryptPrivateKey, parseKek } from "../../../services/auth/rules/key-encryption";
import { coreQuery } from "../../support/db";

export async function expiredToken(dataDir: string, claims: { sub: string; sid: string; roles?: string[] }): Promise<string> {
	const kek = parseKek(fs.readFileSync(path.join(dataDir, "auth", "dev-key-encryption-key"), "utf8"))!;
	const [row] = await coreQuery<{ kid: string; private_key_sealed: string }>(`SELECT kid, private_key_sealed FROM auth.signing_keys WHERE retired_at IS NULL`);
	const now = Math.floor(Date.now() / 1000);
	return jwt.sign({ ...claims, roles: claims.roles ?? ["user"], jti: crypto.randomUUID(), iat: now - 3600, exp: now - 1800 }, decryptPrivateKey(row.private_key_sealed, kek, row.kid), {
		algorithm: "RS256",
		keyid: row.kid
	});
}

/** Same header (the real kid) and claims as a valid token, signed with a stranger's key. */
export function forgedToken(validToken: string): string {
	const decoded = jwt.decode(validToken, { complete: true })!;
	const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
	const payload = decoded.payload as jwt.JwtPayload;
	return jwt.sign({ ...payload, roles: ["user", "admin"] }, privateKey, { algorithm: "RS256", keyid: decoded.header.kid });
}
