/**
 * A real OpenID provider for the tests (the `oidc-provider` package, the
 * certified Node implementation), on a local port: discovery, JWKS, the
 * authorization endpoint with PKCE, the token endpoint, signed ID tokens.
 *
 * Its interaction step (login + consent pages) is replaced by an endpoint that
 * signs in whichever account the test queued with `nextSignIn`, so a test can
 * walk the browser's redirects with plain HTTP.
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import http from "node:http";

export interface TestIdentity {
	sub: string;
	email?: string;
	emailVerified?: boolean;
	name?: string;
}

/** A free port, known synchronously (auth reads OAUTH_PROVIDERS when it starts, before any `before` hook). */
export function freePortSync(): number {
	const out = execFileSync(process.execPath, ["-e", "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"]);
	return Number(out.toString());
}

export class TestOpenIdProvider {
	private server: http.Server | null = null;
	private queue: TestIdentity[] = [];
	private readonly accounts = new Map<string, TestIdentity>();

	constructor(readonly port: number, readonly clientId: string, readonly clientSecret: string, readonly redirectUri: string) {}

	get issuer(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	/** The identity the next authorization signs in as. */
	nextSignIn(identity: TestIdentity): void {
		this.accounts.set(identity.sub, identity);
		this.queue.push(identity);
	}

	async start(): Promise<void> {
		// An ES module without type declarations: loaded by name (require(esm) on Node ≥ 20.19), typed below.
		const moduleName = "oidc-provider";
		const { default: Provider } = (await import(moduleName)) as { default: new (issuer: string, cfg: object) => OidcProvider };
		const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
		const accounts = this.accounts;
		const provider = new Provider(this.issuer, {
			clients: [
				{
					client_id: this.clientId,
					client_secret: this.clientSecret,
					redirect_uris: [this.redirectUri],
					grant_types: ["authorization_code"],
					response_types: ["code"],
					token_endpoint_auth_method: "client_secret_basic"
				}
			],
			jwks: { keys: [{ ...privateKey.export({ format: "jwk" }), kid: "test-op-key", use: "sig", alg: "RS256" }] },
			claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
			// Like Google: the ID token itself carries the scope's claims (email), not only /userinfo.
			conformIdTokenClaims: false,
			pkce: { required: () => true },
			ttl: { AuthorizationCode: 60, IdToken: 600, AccessToken: 600, Interaction: 600, Session: 600, Grant: 600 },
			cookies: { keys: [crypto.randomBytes(16).toString("hex")] },
			features: { devInteractions: { enabled: false } },
			interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
			async findAccount(_ctx: unknown, sub: string) {
				const who = accounts.get(sub);
				if (!who) return undefined;
				return {
					accountId: sub,
					async claims() {
						return { sub, email: who.email, email_verified: who.emailVerified ?? false, name: who.name };
					}
				};
			}
		});
		const callback = provider.callback();
		this.server = http.createServer(async (req, res) => {
			const m = /^\/interaction\/([^/?]+)/.exec(req.url ?? "");
			if (!m) return callback(req, res);
			try {
				const details = await provider.interactionDetails(req, res);
				const who = this.queue.shift();
				if (!who) throw new Error("no identity queued for this sign-in");
				const grant = new provider.Grant({ accountId: who.sub, clientId: details.params.client_id });
				grant.addOIDCScope(String(details.params.scope));
				const grantId = await grant.save();
				await provider.interactionFinished(req, res, { login: { accountId: who.sub }, consent: { grantId } }, { mergeWithLastSubmission: false });
			} catch (err) {
				res.statusCode = 500;
				res.end((err as Error).message);
			}
		});
		await new Promise<void>(resolve => this.server!.listen(this.port, "127.0.0.1", resolve));
	}

	async stop(): Promise<void> {
		await new Promise<void>(resolve => (this.server ? this.server.close(() => resolve()) : resolve()));
		this.server?.closeAllConnections();
	}

	/**
	 * What a browser does from the provider URL our /auth/oauth/:provider
	 * redirected to, until the provider redirects back: returns that final
	 * redirect's query (code, state, iss).
	 */
	async authorize(authorizationUrl: string): Promise<URLSearchParams> {
		const jar = new Map<string, string>();
		let url = authorizationUrl;
		for (let hop = 0; hop < 10; hop++) {
			const res = await fetch(url, { redirect: "manual", headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") } });
			for (const c of res.headers.getSetCookie()) {
				const [pair] = c.split(";");
				const eq = pair.indexOf("=");
				jar.set(pair.slice(0, eq), pair.slice(eq + 1));
			}
			const location = res.headers.get("location");
			if (!location) throw new Error(`provider stopped at ${url} with ${res.status}: ${await res.text()}`);
			const next = new URL(location, url);
			if (next.href.startsWith(this.redirectUri)) return next.searchParams;
			url = next.href;
		}
		throw new Error("too many redirects at the provider");
	}
}

interface OidcProvider {
	callback(): (req: http.IncomingMessage, res: http.ServerResponse) => void;
	interactionDetails(req: http.IncomingMessage, res: http.ServerResponse): Promise<{ params: Record<string, unknown> }>;
	interactionFinished(req: http.IncomingMessage, res: http.ServerResponse, result: object, opts: object): Promise<void>;
	Grant: new (o: { accountId: string; clientId: unknown }) => { addOIDCScope(s: string): void; save(): Promise<string> };
}
