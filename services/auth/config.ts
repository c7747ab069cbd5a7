/**
 * The auth domain's own variables (documented in docs/configuration.md, "Auth").
 * Parsed once at service creation; a bad value stops start-up naming the variable.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ConfigError, int, oneOf, str, type Env, type PlatformConfig } from "../../lib/config/env";
import { CURRENT_PARAMS, type ScryptParams } from "./rules/password-hash";
import { parseKek } from "./rules/key-encryption";
import { SUPPORTED_COUNTRIES, type CountryCode } from "./rules/phone";
import { parseOAuthProviders, type OAuthProviderConfig } from "./providers/provider-config";

export interface AuthConfig {
	/** Key-encryption key for the private signing keys, and (by HKDF) the OTP pepper. */
	kek: Buffer;
	/** True when the KEK was generated under DATA_DIR because none was configured (never in production). */
	devKek: boolean;
	/** Country whose local forms (07…) phone numbers are read in. */
	defaultCountry: CountryCode;
	oauthProviders: Map<string, OAuthProviderConfig>;
	/** scrypt parameters new password hashes are made with (stored hashes carry their own). */
	passwordHash: ScryptParams;
}

/** Outside production, an unset KEK is made once and kept under DATA_DIR so restarts can still read the keys. */
function devKek(dataDir: string): Buffer {
	const file = path.join(dataDir, "auth", "dev-key-encryption-key");
	fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
	try {
		fs.writeFileSync(file, crypto.randomBytes(32).toString("base64"), { flag: "wx", mode: 0o600 });
	} catch (err) {
		// Another node of the same machine made it first: use theirs.
		if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
	}
	const kek = parseKek(fs.readFileSync(file, "utf8"));
	if (!kek) throw new ConfigError("AUTH_KEY_ENCRYPTION_KEY", `is unset and ${file} does not hold a valid development key`);
	return kek;
}

export function loadAuthConfig(platform: Pick<PlatformConfig, "nodeEnv" | "dataDir" | "publicUrl">, env: Env = process.env): AuthConfig {
	const rawKek = str(env, "AUTH_KEY_ENCRYPTION_KEY");
	let kek: Buffer;
	let generated = false;
	if (rawKek !== undefined) {
		const parsed = parseKek(rawKek);
		if (!parsed) throw new ConfigError("AUTH_KEY_ENCRYPTION_KEY", "must be 32 bytes in base64 (openssl rand -base64 32)");
		kek = parsed;
	} else if (platform.nodeEnv === "production") {
		throw new ConfigError("AUTH_KEY_ENCRYPTION_KEY", "is required when NODE_ENV=production");
	} else {
		kek = devKek(platform.dataDir);
		generated = true;
	}
	const defaultCountry = oneOf(env, "AUTH_DEFAULT_COUNTRY", SUPPORTED_COUNTRIES, "TZ");
	const oauthProviders = parseOAuthProviders(str(env, "OAUTH_PROVIDERS"), {
		publicUrl: platform.publicUrl,
		production: platform.nodeEnv === "production"
	});
	return { kek, devKek: generated, defaultCountry, oauthProviders, passwordHash: passwordHashParams(platform.nodeEnv, env) };
}

/**
 * scrypt's N for new password hashes. Production never goes below the
 * measured standard (docs/auth.md); the test suite, which registers a
 * thousand throw-away accounts per run, defaults to a cheap N so that hashing
 * does not dominate its time. Sign-in re-hashes any password stored with
 * other parameters, so changing N needs no migration.
 */
function passwordHashParams(nodeEnv: string, env: Env): ScryptParams {
	const N = int(env, "AUTH_PASSWORD_SCRYPT_N", nodeEnv === "test" ? 1024 : CURRENT_PARAMS.N, 1024, 2 ** 20);
	if ((N & (N - 1)) !== 0) throw new ConfigError("AUTH_PASSWORD_SCRYPT_N", "must be a power of two");
	if (nodeEnv === "production" && N < CURRENT_PARAMS.N) throw new ConfigError("AUTH_PASSWORD_SCRYPT_N", `must be at least ${CURRENT_PARAMS.N} in production`);
	return { ...CURRENT_PARAMS, N };
}
