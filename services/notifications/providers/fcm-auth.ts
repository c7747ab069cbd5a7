/**
 * OAuth2 access tokens for FCM from a service account (PROVIDERS.md §5.3):
 * an RS256 JWT assertion posted to the account's token_uri with the
 * jwt-bearer grant. Tokens live an hour; one is reused until 5 minutes before
 * it expires, and dropped at once when FCM refuses it.
 */
import jwt from "jsonwebtoken";
import type { ServiceAccount } from "../config";

const SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
const EARLY_REFRESH_MS = 5 * 60_000;

export class FcmTokenSource {
	private cached: { token: string; expiresAt: number; account: string } | null = null;
	private pending: Promise<string> | null = null;

	constructor(private readonly timeoutMs: number) {}

	async accessToken(account: ServiceAccount): Promise<string> {
		const key = `${account.clientEmail}|${account.tokenUri}`;
		if (this.cached && this.cached.account === key && this.cached.expiresAt - EARLY_REFRESH_MS > Date.now()) return this.cached.token;
		// Concurrent sends share one token request.
		this.pending ??= this.fetchToken(account, key).finally(() => {
			this.pending = null;
		});
		return this.pending;
	}

	invalidate(): void {
		this.cached = null;
	}

	private async fetchToken(account: ServiceAccount, key: string): Promise<string> {
		const now = Math.floor(Date.now() / 1000);
		const assertion = jwt.sign({ iss: account.clientEmail, scope: SCOPE, aud: account.tokenUri, iat: now, exp: now + 3600 }, account.privateKey, {
			algorithm: "RS256"
		});
		const res = await fetch(account.tokenUri, {
			method: "POST",
			headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
			body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }).toString(),
			signal: AbortSignal.timeout(this.timeoutMs)
		});
		const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number | string; error?: string; error_description?: string };
		if (!res.ok || !body.access_token) throw new Error(`FCM token endpoint: HTTP ${res.status} ${body.error ?? ""} ${body.error_description ?? ""}`.trim());
		this.cached = { token: body.access_token, expiresAt: Date.now() + Number(body.expires_in ?? 3600) * 1000, account: key };
		return body.access_token;
	}
}
