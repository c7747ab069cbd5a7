/**
 * An OpenID Connect relying party for one provider: discovery, the
 * authorization URL (code flow, PKCE S256, state, nonce), the code exchange
 * and ID-token validation against the provider's published keys.
 *
 * Network answers are cached: discovery for an hour, keys until an unknown
 * `kid` appears (the provider rotated), refetched at most every 10 s.
 */
import crypto, { type KeyObject } from "node:crypto";
import jwt from "jsonwebtoken";
import { checkIdTokenClaims, type IdTokenClaims, type IdTokenProblem, type VerifiedIdentity } from "../rules/oauth";
import { clientSecretFor, type OAuthProviderConfig } from "./provider-config";

interface DiscoveryDocument {
	issuer: string;
	authorization_endpoint: string;
	token_endpoint: string;
	jwks_uri: string;
}

/** Why a sign-in with the provider failed; `reason` goes to logs, never the token or code. */
export class OAuthError extends Error {
	constructor(readonly reason: "DISCOVERY" | "TOKEN_EXCHANGE" | "NO_ID_TOKEN" | "ID_TOKEN_SIGNATURE" | IdTokenProblem, message: string) {
		super(message);
		this.name = "OAuthError";
	}
}

const ALGORITHMS: jwt.Algorithm[] = ["RS256", "ES256", "PS256"];
const TIMEOUT_MS = 5000;

export class OidcClient {
	private discovered: { doc: DiscoveryDocument; at: number } | null = null;
	private keys: { byKid: Map<string, KeyObject>; at: number } | null = null;

	constructor(readonly config: OAuthProviderConfig, private readonly fetchImpl: typeof fetch = fetch) {}

	async discovery(): Promise<DiscoveryDocument> {
		if (this.discovered && Date.now() - this.discovered.at < 3600_000) return this.discovered.doc;
		const url = `${this.config.issuer}/.well-known/openid-configuration`;
		let doc: DiscoveryDocument;
		try {
			const res = await this.fetchImpl(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
			if (!res.ok) throw new Error(`HTTP ${res.status}`);
			doc = (await res.json()) as DiscoveryDocument;
		} catch (err) {
			throw new OAuthError("DISCOVERY", `${this.config.name}: discovery failed: ${(err as Error).message}`);
		}
		// OpenID Connect Discovery §4.3: the document must name the issuer we asked.
		if (doc.issuer !== this.config.issuer || !doc.authorization_endpoint || !doc.token_endpoint || !doc.jwks_uri)
			throw new OAuthError("DISCOVERY", `${this.config.name}: discovery document does not match issuer ${this.config.issuer}`);
		this.discovered = { doc, at: Date.now() };
		return doc;
	}

	async authorizationUrl(params: { state: string; nonce: string; codeChallenge: string }): Promise<string> {
		const doc = await this.discovery();
		const url = new URL(doc.authorization_endpoint);
		const query: Record<string, string> = {
			response_type: "code",
			client_id: this.config.clientId,
			redirect_uri: this.config.redirectUri,
			scope: this.config.scopes.join(" "),
			state: params.state,
			nonce: params.nonce,
			code_challenge: params.codeChallenge,
			code_challenge_method: "S256"
		};
		if (this.config.responseMode === "form_post") query.response_mode = "form_post";
		for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
		return url.toString();
	}

	/** Code → verified identity. Throws OAuthError. */
	async signIn(code: string, codeVerifier: string, nonce: string): Promise<VerifiedIdentity> {
		const idToken = await this.exchangeCode(code, codeVerifier);
		return this.validateIdToken(idToken, nonce);
	}

	private async exchangeCode(code: string, codeVerifier: string): Promise<string> {
		const doc = await this.discovery();
		const form = new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: this.config.redirectUri, code_verifier: codeVerifier });
		const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", accept: "application/json" };
		const secret = clientSecretFor(this.config);
		if (this.config.tokenEndpointAuth === "client_secret_basic") {
			// RFC 6749 §2.3.1: both parts form-urlencoded before base64.
			const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, "+");
			headers.authorization = `Basic ${Buffer.from(`${enc(this.config.clientId)}:${enc(secret)}`).toString("base64")}`;
		} else {
			form.set("client_id", this.config.clientId);
			form.set("client_secret", secret);
		}
		let body: { id_token?: unknown; error?: unknown };
		let status: number;
		try {
			const res = await this.fetchImpl(doc.token_endpoint, { method: "POST", headers, body: form.toString(), signal: AbortSignal.timeout(TIMEOUT_MS) });
			status = res.status;
			body = (await res.json().catch(() => ({}))) as typeof body;
		} catch (err) {
			throw new OAuthError("TOKEN_EXCHANGE", `${this.config.name}: token endpoint unreachable: ${(err as Error).message}`);
		}
		if (status !== 200) throw new OAuthError("TOKEN_EXCHANGE", `${this.config.name}: token endpoint answered ${status} ${String(body.error ?? "")}`);
		if (typeof body.id_token !== "string") throw new OAuthError("NO_ID_TOKEN", `${this.config.name}: no id_token in the token response`);
		return body.id_token;
	}

	private async validateIdToken(idToken: string, nonce: string): Promise<VerifiedIdentity> {
		const decoded = jwt.decode(idToken, { complete: true });
		const kid = decoded?.header.kid;
		const key = typeof kid === "string" ? await this.key(kid) : null;
		if (!key) throw new OAuthError("ID_TOKEN_SIGNATURE", `${this.config.name}: ID token signed by an unknown key`);
		let claims: IdTokenClaims;
		try {
			// Signature and algorithm here; every claim below, with our own clock skew and error names.
			claims = jwt.verify(idToken, key, { algorithms: ALGORITHMS, ignoreExpiration: true }) as IdTokenClaims;
		} catch (err) {
			throw new OAuthError("ID_TOKEN_SIGNATURE", `${this.config.name}: ID token rejected: ${(err as Error).message}`);
		}
		const verdict = checkIdTokenClaims(claims, { issuer: this.config.issuer, clientId: this.config.clientId, nonce });
		if (!verdict.ok) throw new OAuthError(verdict.problem, `${this.config.name}: ID token ${verdict.problem.toLowerCase()} check failed`);
		return verdict.identity;
	}

	private async key(kid: string): Promise<KeyObject | null> {
		const known = this.keys?.byKid.get(kid);
		if (known) return known;
		if (this.keys && Date.now() - this.keys.at < 10_000) return null;
		const doc = await this.discovery();
		try {
			const res = await this.fetchImpl(doc.jwks_uri, { signal: AbortSignal.timeout(TIMEOUT_MS) });
			const jwks = (await res.json()) as { keys?: Array<Record<string, unknown>> };
			const byKid = new Map<string, KeyObject>();
			for (const jwk of jwks.keys ?? []) {
				if (typeof jwk.kid !== "string" || (jwk.use !== undefined && jwk.use !== "sig")) continue;
				try {
					byKid.set(jwk.kid, crypto.createPublicKey({ key: jwk as crypto.JsonWebKey, format: "jwk" }));
				} catch {
					// A key type we cannot read must not hide the others.
				}
			}
			this.keys = { byKid, at: Date.now() };
		} catch (err) {
			throw new OAuthError("DISCOVERY", `${this.config.name}: JWKS unreachable: ${(err as Error).message}`);
		}
		return this.keys.byKid.get(kid) ?? null;
	}
}
