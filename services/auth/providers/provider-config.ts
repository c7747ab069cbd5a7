/**
 * OAUTH_PROVIDERS: the OpenID Connect providers people may sign in with, as
 * JSON keyed by the name used in the routes (/auth/oauth/<name>). Examples for
 * Google and Apple are in docs/auth.md.
 *
 *   { "google": { "issuer": "https://accounts.google.com", "clientId": "…", "clientSecret": "…" },
 *     "apple":  { "issuer": "https://appleid.apple.com", "clientId": "africa.nexgate.web",
 *                 "apple": { "teamId": "…", "keyId": "…", "privateKey": "-----BEGIN PRIVATE KEY-----…" } } }
 *
 * Endpoints come from the issuer's discovery document, so a provider is its
 * issuer plus credentials.
 */
import jwt from "jsonwebtoken";
import { ConfigError } from "../../../lib/config/env";

export interface AppleClientKey {
	teamId: string;
	keyId: string;
	/** PKCS#8 PEM of the ES256 key made in the Apple developer account. */
	privateKey: string;
}

export interface OAuthProviderConfig {
	name: string;
	issuer: string;
	clientId: string;
	clientSecret: string | null;
	apple: AppleClientKey | null;
	scopes: string[];
	redirectUri: string;
	/** Apple posts the result back (form_post) when name or email is asked for. */
	responseMode: "query" | "form_post";
	tokenEndpointAuth: "client_secret_basic" | "client_secret_post";
}

const NAME = /^[a-z][a-z0-9-]{1,30}$/;

function fail(reason: string): never {
	throw new ConfigError("OAUTH_PROVIDERS", reason);
}

function text(value: unknown, what: string): string {
	if (typeof value !== "string" || !value.trim()) fail(`${what} must be a non-empty string`);
	return value.trim();
}

function httpUrl(value: unknown, what: string, production: boolean): string {
	const raw = text(value, what);
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		fail(`${what} must be a URL`);
	}
	// Plain http only for local test providers: tokens and codes must not cross a network in clear.
	if (url.protocol !== "https:" && (production || url.protocol !== "http:")) fail(`${what} must use https`);
	return raw.replace(/\/+$/, "");
}

export function parseOAuthProviders(raw: string | undefined, opts: { publicUrl: string; production: boolean }): Map<string, OAuthProviderConfig> {
	const providers = new Map<string, OAuthProviderConfig>();
	if (raw === undefined) return providers;
	let parsed: unknown;
	try {
		parsed = JSON.parse(raw);
	} catch {
		fail("must be a JSON object");
	}
	if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) fail("must be a JSON object keyed by provider name");
	for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
		if (!NAME.test(name)) fail(`provider name "${name}" must be lowercase letters, digits or "-"`);
		if (!value || typeof value !== "object") fail(`${name} must be an object`);
		const p = value as Record<string, unknown>;
		const apple = p.apple
			? {
					teamId: text((p.apple as Record<string, unknown>).teamId, `${name}.apple.teamId`),
					keyId: text((p.apple as Record<string, unknown>).keyId, `${name}.apple.keyId`),
					privateKey: text((p.apple as Record<string, unknown>).privateKey, `${name}.apple.privateKey`).replace(/\\n/g, "\n")
			  }
			: null;
		const clientSecret = p.clientSecret === undefined ? null : text(p.clientSecret, `${name}.clientSecret`);
		if (!clientSecret && !apple) fail(`${name} needs clientSecret (or apple key settings)`);
		const scopes = p.scopes === undefined ? ["openid", "email", "profile"] : p.scopes;
		if (!Array.isArray(scopes) || !scopes.every(s => typeof s === "string") || !scopes.includes("openid"))
			fail(`${name}.scopes must be a list of strings including "openid"`);
		const responseMode = p.responseMode ?? (apple ? "form_post" : "query");
		if (responseMode !== "query" && responseMode !== "form_post") fail(`${name}.responseMode must be "query" or "form_post"`);
		const tokenEndpointAuth = apple ? "client_secret_post" : (p.tokenEndpointAuth ?? "client_secret_basic");
		if (tokenEndpointAuth !== "client_secret_basic" && tokenEndpointAuth !== "client_secret_post")
			fail(`${name}.tokenEndpointAuth must be "client_secret_basic" or "client_secret_post"`);
		providers.set(name, {
			name,
			issuer: httpUrl(p.issuer, `${name}.issuer`, opts.production),
			clientId: text(p.clientId, `${name}.clientId`),
			clientSecret,
			apple,
			scopes: scopes as string[],
			redirectUri:
				p.redirectUri === undefined
					? `${opts.publicUrl.replace(/\/+$/, "")}/api/v1/auth/oauth/${name}/callback`
					: httpUrl(p.redirectUri, `${name}.redirectUri`, opts.production),
			responseMode,
			tokenEndpointAuth
		});
	}
	return providers;
}

/**
 * The client secret sent to the token endpoint. Apple has no static secret: it
 * is a short-lived ES256 JWT signed with the developer key.
 */
export function clientSecretFor(p: OAuthProviderConfig, now = Date.now()): string {
	if (!p.apple) return p.clientSecret as string;
	const iat = Math.floor(now / 1000);
	return jwt.sign({ iss: p.apple.teamId, iat, exp: iat + 300, aud: "https://appleid.apple.com", sub: p.clientId }, p.apple.privateKey, {
		algorithm: "ES256",
		keyid: p.apple.keyId
	});
}
