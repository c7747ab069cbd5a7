/**
 * The gateway's routes and CORS, from the platform config.
 *
 * - `/api/v1/**`: generated from every action's `rest:` (autoAliases), with
 *   authentication + authorization hooks (api.service.ts) and the v1 limit.
 * - platform: health, OpenAPI, docs and the public JWKS, fixed aliases to the
 *   gateway's own actions, no authentication, the platform limit.
 * - `/sim/**`: the provider simulators (simulators/route.ts), only when
 *   SIMULATORS is on, which the configuration refuses in production.
 *
 * All parse JSON (and urlencoded, for provider callbacks) up to BODY_LIMIT.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ResolvedConfig } from "../../lib/config";
import { simulatorRoute } from "../../simulators/route";
import { badRequest } from "../../lib/errors";
import { bodyParserErrors } from "./errors";
import type { RateLimitStoreFactory } from "./rate-limit-store";
import type { AcceptedCredentials } from "./accepted-credentials";
import { addressKey, bearerHash, callerKey, RATE_LIMITS, scaledLimit } from "./rate-limits";

const CORS_HEADERS = {
	methods: ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"],
	allowedHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"],
	exposedHeaders: ["X-Request-Id", "Retry-After", "Location", "X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset"],
	// Access tokens travel in the Authorization header, never in cookies: no credentialed CORS needed.
	credentials: false,
	maxAge: 600
};

/** CORS_ORIGINS: "*" → any origin; a list → those (others get 403); empty → no CORS headers at all. */
export function corsSettings(cfg: Pick<ResolvedConfig, "corsOrigins">) {
	if (cfg.corsOrigins.length === 0) return undefined;
	return { origin: cfg.corsOrigins.includes("*") ? "*" : [...cfg.corsOrigins], ...CORS_HEADERS };
}

/** Body parsers of every route: size limit from config, and no `__proto__` keys reach params. */
function bodyParsers(limit: number) {
	return {
		json: { limit, strict: true, reviver: (key: string, value: unknown) => (key === "__proto__" ? undefined : value) },
		urlencoded: { limit, extended: false }
	};
}

/** A JSON array or scalar cannot become action params; refuse it as the client's mistake. */
function objectBodiesOnly(req: IncomingMessage & { body?: unknown }, _res: ServerResponse, next: (err?: unknown) => void) {
	if (req.body !== undefined && (typeof req.body !== "object" || req.body === null || Array.isArray(req.body)))
		return next(badRequest("The JSON body must be an object", "BAD_REQUEST"));
	next();
}

/**
 * Who is calling, for domains that record or use it (auth: sessions, lockouts,
 * the language of codes): ctx.meta.ip (the TCP peer, as the rate limits count
 * it), ctx.meta.userAgent, ctx.meta.acceptLanguage; ctx.meta.idempotencyKey
 * (the Idempotency-Key header, null when absent; malformed → 400); and
 * ctx.meta.headers with only the headers the action names in `forwardHeaders`
 * (provider callbacks verifying a signature). Other headers, the caller's
 * Authorization above all, never travel to domain nodes.
 */
function forwardClientInfo(ctx: { meta: Record<string, unknown> }, _route: unknown, req: IncomingMessage & { $action?: { forwardHeaders?: readonly string[] } }): void {
	const meta = ctx.meta;
	meta.ip = req.socket?.remoteAddress ?? null;
	meta.userAgent = headerValue(req, "user-agent", 512);
	meta.acceptLanguage = headerValue(req, "accept-language", 256);
	meta.idempotencyKey = idempotencyKey(req);
	const wanted = req.$action?.forwardHeaders;
	if (wanted?.length) meta.headers = Object.fromEntries(wanted.map(name => [name, headerValue(req, name, HEADER_MAX)]).filter(([, v]) => v !== null));
}

/** Bound on a forwarded header's length: provider signatures are a few hundred bytes. */
const HEADER_MAX = 4096;
/** An Idempotency-Key is an opaque client token (a UUID, usually): printable ASCII, 1–255 characters. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

function idempotencyKey(req: IncomingMessage): string | null {
	const raw = req.headers["idempotency-key"];
	if (raw === undefined) return null;
	const key = Array.isArray(raw) ? raw[0] : raw;
	if (typeof key !== "string" || !IDEMPOTENCY_KEY.test(key.trim()))
		throw badRequest("Idempotency-Key must be 1–255 printable ASCII characters", "IDEMPOTENCY_KEY_INVALID");
	return key.trim();
}

function headerValue(req: IncomingMessage, name: string, max: number): string | null {
	const v = req.headers[name];
	return typeof v === "string" && v ? (v.length > max ? v.slice(0, max) : v) : null;
}

/** Who the rate limits can tell apart beyond an address (services/api/rate-limits.ts "Caller"). */
export interface KnownCallers {
	/** The user of an access token this node verified earlier. */
	knownUser(token: string, hash: string): string | undefined;
	/** Other bearer credentials an action accepted (scanner tokens). */
	credentials: AcceptedCredentials;
}

/**
 * After an action that reads the caller's Authorization itself (`forwardHeaders`) answered with
 * success, its bearer credential is known good: its later requests get their own rate-limit bucket.
 */
function rememberAcceptedCredential(credentials: AcceptedCredentials) {
	return (_ctx: unknown, _route: unknown, req: IncomingMessage & { $action?: { forwardHeaders?: readonly string[] } }, _res: unknown, data: unknown) => {
		if (req.$action?.forwardHeaders?.includes("authorization")) {
			const hash = bearerHash(req);
			if (hash) credentials.remember(hash);
		}
		return data;
	};
}

export function gatewayRoutes(cfg: Pick<ResolvedConfig, "bodyLimitBytes" | "rateLimitScale" | "simulatorsEnabled">, StoreFactory: RateLimitStoreFactory, callers: KnownCallers) {
	const limit = (name: "v1" | "platform", key: (req: IncomingMessage) => string) => ({
		window: RATE_LIMITS[name].window,
		limit: scaledLimit(RATE_LIMITS[name].limit, cfg.rateLimitScale),
		headers: true,
		key,
		StoreFactory
	});
	return [
		{
			name: "v1",
			path: "/api/v1",
			autoAliases: true,
			mappingPolicy: "restrict",
			// The gateway's own actions and internal ones are never REST routes.
			blacklist: [/^api\./, /^\$/],
			authentication: true,
			authorization: true,
			bodyParsers: bodyParsers(cfg.bodyLimitBytes),
			use: [bodyParserErrors, objectBodiesOnly],
			onBeforeCall: forwardClientInfo,
			onAfterCall: rememberAcceptedCredential(callers.credentials),
			rateLimit: limit("v1", req => `v1:${callerKey(req, callers.knownUser, hash => callers.credentials.has(hash))}`)
		},
		{
			name: "platform",
			path: "/",
			mappingPolicy: "restrict",
			aliases: {
				"GET /api/health/live": "api.live",
				"GET /api/health/ready": "api.ready",
				"GET /api/openapi.json": "api.openapi",
				"GET /api/docs": "api.docs",
				"GET /.well-known/jwks.json": "api.jwks"
			},
			bodyParsers: bodyParsers(cfg.bodyLimitBytes),
			use: [bodyParserErrors],
			rateLimit: limit("platform", req => `platform:${addressKey(req.socket?.remoteAddress)}`)
		},
		// No rate limit: the platform's own nodes send every SMS, email and push through here in test mode.
		...(cfg.simulatorsEnabled ? [{ ...simulatorRoute(), bodyParsers: bodyParsers(cfg.bodyLimitBytes), use: [bodyParserErrors] }] : [])
	];
}
