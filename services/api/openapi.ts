/**
 * The OpenAPI 3.1 document, generated from the gateway's live routes and the
 * action definitions behind them: every route a domain declares with `rest:`
 * appears with its path and query parameters, its request body (the action's
 * fastest-validator `params`, converted), who may call it (`auth`), its extra
 * rate limit and its responses. Nothing is written twice, so it cannot drift.
 *
 * Pure: the gateway passes the routes it serves (see api.service.ts).
 */
import type { ActionOpenApi, ActionRateLimit, AuthMode } from "./action-options";
import { paramsToSchema, ruleToSchema, type JsonSchema } from "./fv-json-schema";
import { authModeOf } from "./authenticate";

export interface OperationSource {
	/** HTTP method, or "*" for every method. */
	method: string;
	/** The full path in path-to-regexp syntax, e.g. "/api/v1/commerce/products/:id". */
	fullPath: string;
	actionName: string;
	/** The action definition (params, auth, rateLimit, openapi); null when unknown. */
	action: {
		params?: Record<string, unknown>;
		auth?: unknown;
		rateLimit?: ActionRateLimit;
		openapi?: ActionOpenApi;
		description?: string;
	} | null;
	/** A route-level limit, documented on the operation. */
	routeRateLimit?: ActionRateLimit;
	/** When set, the action's `auth` does not apply (routes without authentication). */
	authOverride?: AuthMode;
	/** A multipart upload route (moleculer-web `type: "multipart"`): fields + one `file` part. */
	multipart?: boolean;
}

export interface OpenApiInfo {
	title: string;
	version: string;
	description?: string;
	serverUrl?: string;
}

export type OpenApiDocument = {
	openapi: "3.1.0";
	info: Record<string, unknown>;
	servers?: { url: string }[];
	paths: Record<string, Record<string, JsonSchema>>;
	components: Record<string, unknown>;
	tags: { name: string }[];
};

const BODY_METHODS = new Set(["post", "put", "patch"]);
const ANY_METHOD = ["get", "post", "put", "patch", "delete"];

/** "/users/:id/follow" → { path: "/users/{id}/follow", params: ["id"] } (path-to-regexp 8 syntax). */
export function toOpenApiPath(fullPath: string): { path: string; params: string[] } {
	const params: string[] = [];
	// Optional groups "{/:x}" have no OpenAPI equivalent: the segment is shown as present.
	const flat = fullPath.replace(/[{}]/g, "");
	const path = flat.replace(/[:*]([A-Za-z_$][A-Za-z0-9_$]*)/g, (_, name: string) => {
		params.push(name);
		return `{${name}}`;
	});
	return { path: path.length > 1 ? path.replace(/\/+$/, "") : path, params };
}

function errorResponse(description: string): JsonSchema {
	return { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
}

const COMPONENTS = {
	securitySchemes: {
		bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "Access token (RS256) from POST /api/v1/auth/login, /verify or /refresh." }
	},
	schemas: {
		Error: {
			type: "object",
			required: ["name", "message", "code", "type"],
			properties: {
				name: { type: "string" },
				message: { type: "string" },
				code: { type: "integer", description: "The HTTP status." },
				type: { type: "string", description: "Stable machine-readable reason, e.g. VALIDATION_ERROR, NOT_FOUND, RATE_LIMITED." },
				data: { description: "Details; for VALIDATION_ERROR a list of { field, type, message }." }
			}
		}
	},
	responses: {
		BadRequest: errorResponse("Validation failed or the body is malformed (VALIDATION_ERROR, INVALID_JSON)."),
		Unauthorized: errorResponse("Missing, invalid or expired access token, or revoked session."),
		Forbidden: errorResponse("The caller may not do this."),
		PayloadTooLarge: errorResponse("The body exceeds the configured limit."),
		TooManyRequests: {
			...errorResponse("Rate limit exceeded; retry after the Retry-After header's seconds."),
			headers: { "Retry-After": { schema: { type: "integer" }, description: "Seconds until the window ends." } }
		},
		InternalError: errorResponse("Unexpected failure; the body carries only the request id."),
		ServiceUnavailable: errorResponse("A service needed for this request is temporarily unavailable.")
	}
};

function security(mode: AuthMode): Record<string, string[]>[] {
	if (mode === "none") return [];
	if (mode === "optional") return [{ bearerAuth: [] }, {}];
	return [{ bearerAuth: [] }];
}

function operation(src: OperationSource, method: string, pathParams: string[], operationId: string): JsonSchema {
	const action = src.action ?? {};
	const meta: ActionOpenApi = action.openapi ?? {};
	const mode = src.authOverride ?? authModeOf(action);
	const params = action.params ?? {};
	const parameters: JsonSchema[] = [];

	for (const name of pathParams) {
		const rule = params[name];
		parameters.push({ name, in: "path", required: true, schema: rule === undefined ? { type: "string" } : ruleToSchema(rule).schema });
	}

	const rest: Record<string, unknown> = {};
	for (const [name, rule] of Object.entries(params)) if (!pathParams.includes(name)) rest[name] = rule;

	let requestBody: JsonSchema | undefined;
	const hasRest = Object.keys(rest).some(k => !k.startsWith("$$"));
	if (src.multipart) {
		// Multipart fields arrive as params; `$`-prefixed ones ($filename, …) are filled by the gateway.
		const fields = paramsToSchema(Object.fromEntries(Object.entries(rest).filter(([k]) => !k.startsWith("$"))));
		const properties = { ...(fields.properties as Record<string, unknown>), file: { type: "string", contentMediaType: "application/octet-stream" } };
		const required = [...((fields.required as string[] | undefined) ?? []), "file"];
		requestBody = { required: true, content: { "multipart/form-data": { schema: { ...fields, properties, required } } } };
	} else if (BODY_METHODS.has(method)) {
		if (hasRest) {
			const schema = paramsToSchema(rest);
			requestBody = {
				required: Array.isArray(schema.required) && schema.required.length > 0,
				content: { "application/json": { schema } }
			};
		}
	} else {
		for (const [name, rule] of Object.entries(rest)) {
			if (name.startsWith("$$")) continue;
			const converted = ruleToSchema(rule);
			if (converted.omit) continue;
			parameters.push({ name, in: "query", required: !converted.optional, schema: converted.schema });
		}
	}

	const status = String(meta.status ?? 200);
	const responses: JsonSchema = {
		[status]: status === "204"
			? { description: "No content" }
			: { description: "Success", content: { "application/json": { schema: meta.response ?? {} } } }
	};
	if (hasRest || pathParams.length || BODY_METHODS.has(method)) responses["400"] = { $ref: "#/components/responses/BadRequest" };
	if (mode !== "none") responses["401"] = { $ref: "#/components/responses/Unauthorized" };
	if (mode === "admin") responses["403"] = { $ref: "#/components/responses/Forbidden" };
	if (BODY_METHODS.has(method)) responses["413"] = { $ref: "#/components/responses/PayloadTooLarge" };
	responses["429"] = { $ref: "#/components/responses/TooManyRequests" };
	responses["500"] = { $ref: "#/components/responses/InternalError" };
	responses["503"] = { $ref: "#/components/responses/ServiceUnavailable" };

	const limits: JsonSchema[] = [];
	if (src.routeRateLimit) limits.push({ scope: "route", ...src.routeRateLimit });
	if (action.rateLimit) limits.push({ scope: "action", window: action.rateLimit.window, limit: action.rateLimit.limit });

	const op: JsonSchema = {
		operationId,
		tags: meta.tags ?? [src.actionName.split(".")[0]],
		summary: meta.summary ?? action.description ?? src.actionName,
		description: meta.description,
		deprecated: meta.deprecated || undefined,
		parameters: parameters.length ? parameters : undefined,
		requestBody,
		responses,
		security: security(mode),
		"x-action": src.actionName,
		"x-auth": mode,
		"x-rate-limits": limits.length ? limits : undefined
	};
	for (const key of Object.keys(op)) if (op[key] === undefined) delete op[key];
	return op;
}

export function buildOpenApiDocument(sources: OperationSource[], info: OpenApiInfo): OpenApiDocument {
	const paths: OpenApiDocument["paths"] = {};
	const tags = new Set<string>();
	const usedIds = new Map<string, number>();
	const sorted = [...sources].sort((a, b) => a.fullPath.localeCompare(b.fullPath) || a.method.localeCompare(b.method));
	for (const src of sorted) {
		const { path, params } = toOpenApiPath(src.fullPath);
		const methods = src.method === "*" ? ANY_METHOD : [src.method.toLowerCase()];
		for (const method of methods) {
			const item = (paths[path] ??= {});
			if (item[method]) continue;
			const n = usedIds.get(src.actionName) ?? 0;
			usedIds.set(src.actionName, n + 1);
			const op = operation(src, method, params, n === 0 ? src.actionName : `${src.actionName}.${n + 1}`);
			(op.tags as string[]).forEach(t => tags.add(t));
			item[method] = op;
		}
	}
	return {
		openapi: "3.1.0",
		info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
		...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
		paths,
		components: COMPONENTS,
		tags: [...tags].sort().map(name => ({ name }))
	};
}
