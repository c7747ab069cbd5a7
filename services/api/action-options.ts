/**
 * What a domain action may declare for the gateway, next to its `rest:` route.
 *
 *   list: {
 *     rest: "GET /products",
 *     auth: "optional",                         // who may call it (default "required")
 *     rateLimit: { window: 60_000, limit: 30 }, // an extra, stricter limit for this action
 *     openapi: { summary: "Search products", status: 200, tags: ["commerce"] },
 *     params: { q: "string|optional", ...paginationParams },
 *     handler(ctx) { … }
 *   }
 *
 * Declared here (module augmentation) so that every service file type-checks
 * these properties; they travel with the action definition to gateway nodes.
 */
import "moleculer";

/**
 * - `required` (default): a valid, unrevoked access token; else 401.
 * - `optional`: anonymous calls allowed; a token, when sent, must be valid (401 otherwise)
 *   and then fills ctx.meta.user.
 * - `admin`: like required, and the token's roles must include "admin"; else 403.
 * - `none`: the gateway does not look at credentials at all and ctx.meta.user is null
 *   (provider callbacks that authenticate their own way, public key sets).
 */
export type AuthMode = "required" | "optional" | "admin" | "none";

export const AUTH_MODES: readonly AuthMode[] = ["required", "optional", "admin", "none"];

export interface ActionRateLimit {
	/** Window length in ms. */
	window: number;
	/** Requests per window per caller (user when authenticated, else client address), before RATE_LIMIT_SCALE. */
	limit: number;
}

export interface ActionOpenApi {
	summary?: string;
	description?: string;
	/** Groups operations in the docs; default: the service name. */
	tags?: string[];
	/** Success status; default 200. */
	status?: number;
	/** JSON Schema of the success body. */
	response?: Record<string, unknown>;
	deprecated?: boolean;
}

/** ctx.meta.user on every call that came through the gateway with a valid token. */
export interface GatewayUser {
	userId: string;
	sessionId: string;
	roles: string[];
}

/** What busboy may accept on a multipart route (its `limits`). */
export interface MultipartLimits {
	files?: number;
	fields?: number;
	fieldSize?: number;
	/** Bytes per file part; past it the part's stream ends with a 413. */
	fileSize?: number;
}

/**
 * A multipart upload route (moleculer-web 0.11): the form's fields become
 * params (send them before the file part), the file part's bytes arrive as
 * ctx.stream and its name as params.$filename. The action should run on the
 * gateway's node, or the stream crosses the transporter.
 *
 *   upload: { rest: multipartRest("POST /", { files: 1, fileSize: 25 * 1024 * 1024 }), … }
 */
export function multipartRest(route: string, limits: MultipartLimits): NonNullable<import("moleculer").ActionSchema["rest"]> {
	const [method, path] = route.split(/\s+/);
	return { method, path, type: "multipart", busboyConfig: { limits } } as unknown as NonNullable<import("moleculer").ActionSchema["rest"]>;
}

declare module "moleculer" {
	interface ActionSchema {
		auth?: AuthMode;
		rateLimit?: ActionRateLimit;
		openapi?: ActionOpenApi;
		description?: string;
		/** Request headers (lower-case names) the gateway copies into ctx.meta.headers for this action. */
		forwardHeaders?: readonly string[];
	}
}
