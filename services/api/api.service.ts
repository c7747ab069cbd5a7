/**
 * `api`: the public edge of Nexgate (DESIGN.md §2, API.md "Platform").
 *
 * REST under /api/v1 is generated from the `rest:` of every domain action
 * (moleculer-web autoAliases), so a domain declares its routes, auth mode and
 * extra rate limit on its own actions (see action-options.ts). The gateway adds
 * what every route needs: access-token authentication with revocation checks,
 * per-action auth modes, rate limits shared across nodes, CORS, body limits,
 * request ids, one error shape, OpenAPI + docs, health, the public JWKS, and
 * the WebSocket endpoint with cross-node delivery.
 *
 * Public interface for other services:
 *   action  api.pushToUser  { userId, frame: { type, data } }      → frame to that user's sockets on every node
 *   action  api.pushToUsers { userIds, frame }                     → same for several users
 *   event   api.ws.deliver  { userIds, frame }  (broadcast)        → what the two actions send; may be broadcast directly
 *   event   api.ws.closeSession { sessionId }   (broadcast)        → close that session's sockets now
 *   action  api.online      { userIds }  → { userIds }             → which of them hold a socket on THIS node (call each api node)
 *   emits   ws.client.frame { userId, sessionId, frame }           → a client frame (e.g. typing), for the owning domain
 *   action  api.address     → { host, port, url }                  → where this node listens (tests, tooling)
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Context, Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import ApiGateway from "moleculer-web";
import type Redis from "ioredis";
import { createAccessTokenVerifier, type AccessTokenVerifier, type Jwks } from "../../lib/auth/access-tokens";
import { openSessionRevocations, type SessionRevocations } from "../../lib/auth/session-revocations";
import { platformConfig, type ResolvedConfig } from "../../lib/config";
import { ErrorType, tooManyRequests, unauthorized } from "../../lib/errors";
import { readiness, registerReadinessCheck } from "../../lib/node/readiness";
import { runWithRequestId } from "../../lib/observability/request-context";
import { acquireRedis, releaseRedis } from "../../lib/redis";
import { AcceptedCredentials } from "./accepted-credentials";
import type { ActionRateLimit, GatewayUser } from "./action-options";
import { authenticateRequest, authenticateToken, authModeOf, authorizeUser, type AuthenticatorDeps } from "./authenticate";
import { renderDocsPage } from "./docs-page";
import { toErrorResponse } from "./errors";
import { buildOpenApiDocument, type OpenApiDocument, type OperationSource } from "./openapi";
import { createRateLimitStoreFactory, retryAfterSeconds, type RateLimitStore, type RateLimitStoreFactory } from "./rate-limit-store";
import { addressKey, bearerFromHeader, bearerHash, RATE_LIMITS, scaledLimit } from "./rate-limits";
import { corsSettings, gatewayRoutes } from "./routes";
import { requestIdFor } from "./request-id";
import { createWsHub, type ServerFrame, type WsHub } from "./websocket";

interface WsSettings {
	path: string;
	pingIntervalMs: number;
	revocationCheckMs: number;
	maxPayloadBytes: number;
}

interface ApiSettings {
	port: number;
	ip: string;
	routes: unknown[];
	ws: WsSettings;
	[key: string]: unknown;
}

/** What moleculer-web keeps on a route / alias and that the gateway reads. */
interface GatewayRoute {
	name?: string;
	path: string;
	authentication?: unknown;
	rateLimit?: { window: number; limit: number; store: RateLimitStore };
}
interface GatewayAlias {
	method: string;
	fullPath: string;
	action: string | null;
	/** moleculer-web's alias type: "call", or "multipart" for upload routes. */
	type?: string;
	route: GatewayRoute;
}
type GatewayRequest = IncomingMessage & {
	$ctx?: Context;
	$route?: GatewayRoute;
	$action?: { name?: string; auth?: unknown; rateLimit?: ActionRateLimit };
	originalUrl?: string;
	body?: unknown;
};

interface ApiLocals {
	cfg: ResolvedConfig;
	redis: Redis | null;
	verifier: AccessTokenVerifier;
	acceptedCredentials: AcceptedCredentials;
	revocations: SessionRevocations;
	authDeps: AuthenticatorDeps;
	StoreFactory: RateLimitStoreFactory;
	actionStores: Map<number, RateLimitStore>;
	wsUpgradeStore: RateLimitStore;
	wsHub: WsHub | null;
	openApiCache: { aliases: unknown; doc: OpenApiDocument } | null;
	// Provided by the moleculer-web mixin.
	server: Server;
	aliases: GatewayAlias[];
	logResponse(req: IncomingMessage, res: ServerResponse, data?: unknown): void;
}

interface ApiMethods {
	authenticate(ctx: Context, route: GatewayRoute, req: GatewayRequest): GatewayUser | null | Promise<GatewayUser | null>;
	authorize(ctx: Context<unknown, { user?: GatewayUser | null }>, route: GatewayRoute, req: GatewayRequest): void | Promise<void>;
	checkActionRateLimit(req: GatewayRequest, user: GatewayUser | null): Promise<void>;
	errorHandler(req: GatewayRequest, res: ServerResponse, err: unknown): void;
	sendApiError(req: GatewayRequest, res: ServerResponse, err: unknown): void;
	openApiDocument(): OpenApiDocument;
	publicUrl(): string;
	closeHttpServer(): Promise<void>;
}

type ApiThis = Service<ApiSettings> & ApiLocals & ApiMethods;

const PUBLIC_JWK_FIELDS = ["kty", "kid", "use", "alg", "n", "e"];

type Connect = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;
const BODY_PARSERS = new Set(["jsonParser", "urlencodedParser"]);

/**
 * moleculer-web puts its body parsers first on each route; on a request without a body (most GETs)
 * they find nothing to do, but only after a few checks and allocations each. The same "no body" test
 * as theirs (type-is hasBody: no Transfer-Encoding, no numeric Content-Length) skips them outright.
 */
function skipBodyParsersWithoutBody(routes: { middlewares?: unknown[] }[]): void {
	for (const route of routes) {
		const mws = route.middlewares;
		if (!Array.isArray(mws)) continue;
		for (let i = 0; i < mws.length; i++) {
			const parser = mws[i] as Connect;
			if (typeof parser !== "function" || !BODY_PARSERS.has(parser.name)) continue;
			const guarded: Connect = (req, res, next) => {
				const h = req.headers;
				if (h["transfer-encoding"] === undefined && isNaN(h["content-length"] as unknown as number)) return next();
				parser(req, res, next);
			};
			mws[i] = guarded;
		}
	}
}

interface RootCallOptions {
	requestID?: string;
	timeout?: number;
	tracking?: boolean;
}

/**
 * moleculer-web runs each HTTP request as a local call of `api.rest`, which then calls the domain
 * action. The broker's per-call middlewares are for the domain call; on the outer one they only add
 * work to every request:
 * - timeout: the domain call has its own (action `timeout` or REQUEST_TIMEOUT_MS, less time already
 *   spent); a second timer on the wrapper would only race it;
 * - tracking: graceful shutdown waits for the domain call (tracked) and for the HTTP request itself
 *   (closeHttpServer lets in-flight requests finish), so the wrapper needs no entry of its own.
 * The circuit breaker is off on `rest` itself (actions below): it would count the domain's failures
 * against the gateway's own local endpoint, which no balancer ever avoids.
 */
const ROOT_CALL_OPTIONS: Readonly<RootCallOptions> = { timeout: 0, tracking: false };

const ApiService: ServiceSchema<ApiSettings, ApiMethods, ApiLocals> & { merged(this: ApiThis, schema: ServiceSchema): void } = {
	name: "api",
	mixins: [ApiGateway],

	settings: {
		port: 3000,
		ip: "0.0.0.0",
		routes: [],
		ws: { path: "/ws", pingIntervalMs: 30_000, revocationCheckMs: 10_000, maxPayloadBytes: 16 * 1024 },
		// Routes and handlers hold functions and internals: never publish them to other nodes.
		$secureSettings: ["routes", "cors", "rootCallOptions", "onError"],
		logRequest: "debug",
		logResponse: "debug",
		logRequestParams: null,
		log4XXResponses: false,
		logRouteRegistration: "debug"
	},

	/**
	 * Settings that depend on the platform config are filled in here: the
	 * mixin's created() builds the routes (and their rate-limit stores) from
	 * them before this service's own created() runs.
	 */
	merged(schema) {
		const svc = this as ApiThis;
		const cfg = platformConfig(this.broker);
		this.acceptedCredentials = new AcceptedCredentials();
		// Redis is acquired in created(); the stores only reach for it when a request arrives.
		this.StoreFactory = createRateLimitStoreFactory({
			get redis() {
				return svc.redis ?? null;
			},
			prefix: `${cfg.namespace}:ratelimit`,
			warn: (message: string, err: unknown) => svc.logger.warn(message, (err as Error)?.message)
		});
		// moleculer-web builds its request/response debug lines (colours, timings) even when debug is
		// off; at a level that drops them, do not ask for them.
		const debugOn = cfg.logLevel === "debug" || cfg.logLevel === "trace";
		const resolved: ApiSettings = {
			...((schema.settings ?? {}) as ApiSettings),
			...(debugOn ? {} : { logRequest: null, logResponse: null }),
			port: cfg.port,
			ip: cfg.host,
			cors: corsSettings(cfg),
			rootCallOptions(options: RootCallOptions, req: IncomingMessage) {
				options.requestID = requestIdFor(req);
				Object.assign(options, ROOT_CALL_OPTIONS);
			},
			onError(this: ApiThis, req: GatewayRequest, res: ServerResponse, err: unknown) {
				this.sendApiError(req, res, err);
			},
			routes: gatewayRoutes(cfg, this.StoreFactory, { knownUser: (token, hash) => svc.verifier?.peek(token, hash)?.userId, credentials: this.acceptedCredentials })
		};
		schema.settings = resolved as ServiceSettingSchema;
	},

	actions: {
		// moleculer-web's route-management actions would be reachable by any service (and listAliases over
		// REST via autoAliases); routes here come from configuration and `rest:` only.
		rest: { circuitBreaker: { enabled: false } },
		listAliases: false,
		addRoute: false,
		removeRoute: false,

		live: {
			handler() {
				return { status: "ok" };
			}
		},

		ready: {
			async handler(this: ApiThis, ctx: Context<unknown, Record<string, unknown>>) {
				const report = await readiness(this.broker);
				ctx.meta.$statusCode = report.ready ? 200 : 503;
				ctx.meta.$responseHeaders = { "Cache-Control": "no-store" };
				// Names and up/down only: error texts (hosts, ports) stay on the node's private health port.
				const checks = Object.fromEntries(Object.entries(report.checks).map(([name, c]) => [name, { ok: c.ok }]));
				return { status: report.ready ? "ok" : "unavailable", checks };
			}
		},

		openapi: {
			handler(this: ApiThis) {
				return this.openApiDocument();
			}
		},

		docs: {
			handler(this: ApiThis, ctx: Context<unknown, Record<string, unknown>>) {
				ctx.meta.$responseType = "text/html; charset=utf-8";
				return renderDocsPage(this.openApiDocument());
			}
		},

		jwks: {
			async handler(this: ApiThis, ctx: Context<unknown, Record<string, unknown>>) {
				const jwks = await ctx.call<Jwks, Record<string, never>>("auth.jwks", {});
				ctx.meta.$responseHeaders = { "Cache-Control": "public, max-age=300" };
				// Only public members leave the platform, whatever auth.jwks returns.
				const keys = (jwks?.keys ?? []).map(k => Object.fromEntries(PUBLIC_JWK_FIELDS.filter(f => k[f] !== undefined).map(f => [f, k[f]])));
				return { keys };
			}
		},

		address: {
			visibility: "public",
			handler(this: ApiThis) {
				const addr = this.server.address() as AddressInfo | null;
				const port = addr?.port ?? this.settings.port;
				const host = this.settings.ip === "0.0.0.0" || this.settings.ip === "::" ? "127.0.0.1" : this.settings.ip;
				return { host, port, url: `http://${host.includes(":") ? `[${host}]` : host}:${port}` };
			}
		},

		pushToUser: {
			visibility: "public",
			params: {
				userId: { type: "string", min: 1 },
				frame: { type: "object", props: { type: { type: "string", min: 1, max: 64 }, data: { type: "any", optional: true } } }
			},
			handler(this: ApiThis, ctx: Context<{ userId: string; frame: ServerFrame }>) {
				// Sockets live on whichever gateway node the client reached: every api node gets the frame
				// and delivers to the sockets it holds.
				ctx.broadcast("api.ws.deliver", { userIds: [ctx.params.userId], frame: ctx.params.frame }, { groups: ["api"] });
				return { sent: true };
			}
		},

		pushToUsers: {
			visibility: "public",
			params: {
				userIds: { type: "array", items: { type: "string", min: 1 }, min: 1, max: 1000 },
				frame: { type: "object", props: { type: { type: "string", min: 1, max: 64 }, data: { type: "any", optional: true } } }
			},
			handler(this: ApiThis, ctx: Context<{ userIds: string[]; frame: ServerFrame }>) {
				ctx.broadcast("api.ws.deliver", { userIds: ctx.params.userIds, frame: ctx.params.frame }, { groups: ["api"] });
				return { sent: true };
			}
		},

		online: {
			visibility: "public",
			params: { userIds: { type: "array", items: { type: "string", min: 1 }, max: 1000 } },
			handler(this: ApiThis, ctx: Context<{ userIds: string[] }>) {
				// This node's sockets only: a caller that needs every node calls each api node by nodeID.
				return { userIds: this.wsHub?.online(ctx.params.userIds) ?? [] };
			}
		}
	},

	events: {
		"api.ws.deliver": {
			params: {
				userIds: { type: "array", items: "string" },
				frame: { type: "object", props: { type: "string", data: { type: "any", optional: true } } }
			},
			handler(this: ApiThis, ctx: Context<{ userIds: string[]; frame: ServerFrame }>) {
				this.wsHub?.deliver(ctx.params.userIds, ctx.params.frame);
			}
		},
		"api.ws.closeSession": {
			params: { sessionId: "string" },
			handler(this: ApiThis, ctx: Context<{ sessionId: string }>) {
				this.wsHub?.closeSession(ctx.params.sessionId);
			}
		}
	},

	methods: {
		/**
		 * moleculer-web's JSON encoding, plus the length: without it the answer goes out chunked, which
		 * costs a multi-buffer write and a terminating chunk per response (the largest single cost of a
		 * small answer on a busy gateway); with it, headers and body leave in one write.
		 */
		encodeResponse(_req, res, data) {
			const body = JSON.stringify(data);
			res.setHeader("Content-Length", Buffer.byteLength(body));
			return body;
		},

		/**
		 * moleculer-web route hook: the caller per the action's `auth` mode → ctx.meta.user. moleculer-web
		 * awaits the hooks, so they may answer synchronously: a known caller costs no promise.
		 */
		authenticate(_ctx, _route, req) {
			const token = bearerFromHeader(req);
			return authenticateRequest(token, authModeOf(req.$action), this.authDeps, token ? bearerHash(req)! : undefined);
		},

		/** moleculer-web route hook, after authenticate: role check, then the action's own rate limit. */
		authorize(ctx, _route, req) {
			const user = ctx.meta.user ?? null;
			authorizeUser(user, authModeOf(req.$action));
			if (req.$action?.rateLimit) return this.checkActionRateLimit(req, user);
		},

		async checkActionRateLimit(req, user) {
			const rl = req.$action?.rateLimit;
			if (!rl || !(rl.window > 0) || !(rl.limit > 0)) return;
			let store = this.actionStores.get(rl.window);
			if (!store) this.actionStores.set(rl.window, (store = new this.StoreFactory(rl.window)));
			const limit = scaledLimit(rl.limit, this.cfg.rateLimitScale);
			const who = user ? `u:${user.userId}` : addressKey(req.socket?.remoteAddress);
			const count = await store.inc(`action:${req.$action?.name}:${who}`);
			if (count > limit) throw tooManyRequests(retryAfterSeconds(store.resetTime), { limit, window: rl.window });
		},

		/** Replaces moleculer-web's handler, which logs 5xx with their stack before sending: sendApiError logs once. */
		errorHandler(req, res, err) {
			this.sendApiError(req, res, err);
		},

		sendApiError(req, res, err) {
			const requestId = req.$ctx?.requestID ?? requestIdFor(req);
			const mapped = toErrorResponse(err, requestId);
			// Errors surface outside the action's async scope: log inside one so the line carries the request id.
			runWithRequestId(requestId, () => {
				if (mapped.internal) this.logger.error(`${req.method} ${req.originalUrl ?? req.url} failed:`, err);
				else if (mapped.status >= 500) this.logger.warn(`${req.method} ${req.originalUrl ?? req.url} → ${mapped.status}:`, (err as Error)?.message);
			});

			if (mapped.status === 429 && !mapped.headers["Retry-After"]) {
				// moleculer-web's route limiter throws without details; its store knows when the window ends.
				const store = req.$route?.rateLimit?.store;
				const retryAfter = retryAfterSeconds(store?.resetTime ?? Date.now() + 1000);
				mapped.headers["Retry-After"] = String(retryAfter);
				mapped.body.data = { retryAfter, limit: req.$route?.rateLimit?.limit, window: req.$route?.rateLimit?.window };
			}
			if (mapped.status === 413 && mapped.body.data === undefined) mapped.body.data = { limit: this.cfg.bodyLimitBytes };

			if (res.headersSent) {
				res.destroy();
				return;
			}
			for (const [name, value] of Object.entries(mapped.headers)) res.setHeader(name, value);
			res.setHeader("X-Request-Id", requestId);
			res.setHeader("Content-Type", "application/json; charset=utf-8");
			res.setHeader("Cache-Control", "no-store");
			res.statusCode = mapped.status;
			res.end(JSON.stringify(mapped.body));
			this.logResponse(req, res);
		},

		/** Rebuilt only when moleculer-web regenerates its alias list (a service joined or left). */
		openApiDocument() {
			if (this.openApiCache?.aliases === this.aliases) return this.openApiCache.doc;
			const actions = new Map(
				this.broker.registry.getActionList({ skipInternal: true }).map(a => [a.name, (a as { action?: unknown }).action])
			);
			const sources: OperationSource[] = this.aliases
				.filter(a => typeof a.action === "string" && a.action)
				.map(a => ({
					method: a.method,
					fullPath: a.fullPath,
					actionName: a.action as string,
					action: (actions.get(a.action as string) as OperationSource["action"]) ?? null,
					routeRateLimit: a.route.rateLimit ? { window: a.route.rateLimit.window, limit: a.route.rateLimit.limit } : undefined,
					authOverride: a.route.authentication ? undefined : "none",
					multipart: a.type === "multipart"
				}));
			const doc = buildOpenApiDocument(sources, {
				title: "Nexgate API",
				version: "1",
				description:
					"Social commerce for East Africa. JSON over HTTPS under /api/v1; errors are { name, message, code, type, data }; " +
					"lists are cursor-paginated { items, nextCursor }. Rate limits per minute (times RATE_LIMIT_SCALE): " +
					`${RATE_LIMITS.v1.limit} per caller on /api/v1, ${RATE_LIMITS.platform.limit} per address on platform routes; ` +
					"some operations add their own (x-rate-limits). Real-time frames: WebSocket GET /ws?token=<access token>.",
				serverUrl: this.publicUrl()
			});
			this.openApiCache = { aliases: this.aliases, doc };
			return doc;
		},

		/** PUBLIC_URL, or (when it names port 0, i.e. PORT=0) this node's actual address. */
		publicUrl() {
			const url = new URL(this.cfg.publicUrl);
			if (url.port !== "0") return this.cfg.publicUrl.replace(/\/+$/, "");
			const addr = this.server.address() as AddressInfo | null;
			if (addr) url.port = String(addr.port);
			return url.origin;
		},

		/** Closes the listener and waits for in-flight requests; idle keep-alive sockets are closed at once. */
		closeHttpServer() {
			const server = this.server;
			if (!server?.listening) return Promise.resolve();
			return new Promise<void>(resolve => {
				const force = setTimeout(() => server.closeAllConnections(), Math.min(this.cfg.shutdownTimeoutMs, 10_000));
				force.unref();
				server.close(() => {
					clearTimeout(force);
					resolve();
				});
				server.closeIdleConnections();
			});
		}
	},

	created() {
		const cfg = platformConfig(this.broker);
		this.cfg = cfg;
		this.redis = cfg.redisUrl ? acquireRedis(cfg.redisUrl) : null;
		this.revocations = openSessionRevocations({ redisUrl: cfg.redisUrl, namespace: cfg.namespace });
		this.verifier = createAccessTokenVerifier({
			fetchJwks: () => this.broker.call<Jwks, Record<string, never>>("auth.jwks", {}, { timeout: 5000 }),
			onKeysRefreshFailed: err => this.logger.warn("Refreshing auth.jwks failed; using the keys already loaded:", (err as Error)?.message)
		});
		this.authDeps = {
			verifier: this.verifier,
			revocations: this.revocations,
			logError: (message, err) => this.logger.error(message, err)
		};
		this.actionStores = new Map();
		skipBodyParsersWithoutBody((this as unknown as { routes?: { middlewares?: unknown[] }[] }).routes ?? []);
		this.wsUpgradeStore = new this.StoreFactory(RATE_LIMITS.wsUpgrade.window);
		this.openApiCache = null;

		if (this.redis) {
			const redis = this.redis;
			registerReadinessCheck(this.broker, "redis", async () => {
				await redis.ping();
			});
		}
		registerReadinessCheck(this.broker, "api.http", async () => {
			if (!this.server?.listening) throw new Error("gateway HTTP server is not listening");
		});

		// The HTTP server exists now (the mixin's created() ran first); upgrades are served from its first connection.
		const ws = this.settings.ws;
		this.wsHub = createWsHub({
			server: this.server,
			path: ws.path,
			pingIntervalMs: ws.pingIntervalMs,
			revocationCheckMs: ws.revocationCheckMs,
			maxPayloadBytes: ws.maxPayloadBytes,
			frameLimit: { window: RATE_LIMITS.wsFrames.window, limit: scaledLimit(RATE_LIMITS.wsFrames.limit, cfg.rateLimitScale) },
			authenticate: async token => {
				if (!token) throw unauthorized("Authentication required", ErrorType.NO_TOKEN);
				return authenticateToken(token, this.authDeps);
			},
			admit: async req => {
				const count = await this.wsUpgradeStore.inc(`ws:${addressKey(req.socket?.remoteAddress)}`);
				const limit = scaledLimit(RATE_LIMITS.wsUpgrade.limit, cfg.rateLimitScale);
				return count > limit ? { retryAfter: retryAfterSeconds(this.wsUpgradeStore.resetTime) } : null;
			},
			isSessionRevoked: sid => this.revocations.isSessionRevoked(sid),
			onClientFrame: (user, frame) => {
				// Best-effort signal (typing…), DESIGN.md §5: plain emit, one handler per listening service.
				this.broker.emit("ws.client.frame", { userId: user.userId, sessionId: user.sessionId, frame });
			},
			requestId: requestIdFor,
			toErrorResponse,
			log: this.logger
		});
	},

	started() {
		// With PORT=0 the OS picked the port: publish the real one.
		const addr = this.server.address() as AddressInfo | null;
		if (addr) this.settings.port = addr.port;
	},

	/** Runs before the mixin's stopped(): sockets first, then the listener, then shared connections. */
	async stopped() {
		await this.wsHub?.close();
		this.wsHub = null;
		await this.closeHttpServer();
		await this.revocations?.close();
		if (this.cfg?.redisUrl && this.redis) {
			this.redis = null;
			await releaseRedis(this.cfg.redisUrl);
		}
	}
};

export default ApiService;
