/**
 * Turns anything thrown while handling a request into the public error shape
 * `{ name, message, code, type, data }` with the right HTTP status
 * (DESIGN.md §4, API.md conventions).
 *
 * Rules, in order:
 * - body-parser failures: malformed JSON 400 INVALID_JSON, oversized body 413,
 *   unsupported charset/encoding 415; never a 500 for what the client sent;
 * - moleculer's ValidationError (code 422 in moleculer) is a 400: API.md keeps
 *   422 for business rules;
 * - a missing or unavailable service (also one called by the action) is a 503,
 *   a timeout a 504: the client did nothing wrong and may retry;
 * - any other error with a numeric 4xx code is a client error and is passed on;
 * - everything else is a 500 whose message, type and data are replaced: the
 *   internal message goes to the log, the client gets the request id to quote.
 *
 * Errors from other nodes arrive re-created from their plain fields (an
 * unknown class becomes a plain Error with code/type/data), so this looks at
 * the fields, not at instanceof. A `stack` never reaches the body.
 */
import { Errors } from "moleculer";
import { ErrorType } from "../../lib/errors";

export interface ErrorBody {
	name: string;
	message: string;
	code: number;
	type: string;
	data?: unknown;
}

export interface ErrorResponse {
	status: number;
	body: ErrorBody;
	headers: Record<string, string>;
	/** True when the original error was replaced: log it with its stack. */
	internal: boolean;
}

interface LooseError {
	name?: unknown;
	message?: unknown;
	code?: unknown;
	type?: unknown;
	data?: unknown;
	status?: unknown;
	expose?: unknown;
	limit?: unknown;
}

const DEFAULT_TYPES: Record<number, string> = {
	400: ErrorType.BAD_REQUEST,
	401: ErrorType.UNAUTHORIZED,
	403: ErrorType.FORBIDDEN,
	404: ErrorType.NOT_FOUND,
	405: ErrorType.METHOD_NOT_ALLOWED,
	409: ErrorType.CONFLICT,
	413: ErrorType.PAYLOAD_TOO_LARGE,
	415: ErrorType.UNSUPPORTED_MEDIA_TYPE,
	422: ErrorType.UNPROCESSABLE,
	429: ErrorType.RATE_LIMITED
};

const INVALID_TOKEN_TYPES = new Set<string>([ErrorType.INVALID_TOKEN, ErrorType.TOKEN_EXPIRED, ErrorType.SESSION_REVOKED, "NO_TOKEN"]);

/** JSON-safe copy of error data without stacks or nested Error objects (whose messages may be internal). */
export function sanitizeErrorData(value: unknown, depth = 0): unknown {
	if (value === null || value === undefined) return value;
	if (value instanceof Error) return undefined;
	if (typeof value === "bigint") return value.toString();
	if (typeof value === "function" || typeof value === "symbol") return undefined;
	if (typeof value !== "object") return value;
	if (depth >= 6) return undefined;
	if (Array.isArray(value)) return value.slice(0, 100).map(v => sanitizeErrorData(v, depth + 1));
	if (value instanceof Date) return value.toISOString();
	if (Buffer.isBuffer(value)) return undefined;
	const out: Record<string, unknown> = {};
	for (const [key, v] of Object.entries(value)) {
		if (key === "stack") continue;
		const clean = sanitizeErrorData(v, depth + 1);
		if (clean !== undefined) out[key] = clean;
	}
	return out;
}

/** Validation entries without `actual`: the rejected value may be a password or a huge blob. */
function validationData(data: unknown): unknown {
	if (!Array.isArray(data)) return sanitizeErrorData(data);
	return data.map(entry => {
		if (!entry || typeof entry !== "object") return sanitizeErrorData(entry);
		const { type, field, message, expected } = entry as Record<string, unknown>;
		return sanitizeErrorData({ type, field, message, expected });
	});
}

/** body-parser's error types; moleculer-web re-wraps its errors as MoleculerError(message, status, type). */
const BODY_PARSER_TYPES = new Set([
	"entity.parse.failed",
	"entity.too.large",
	"entity.verify.failed",
	"parameters.too.many",
	"encoding.unsupported",
	"charset.unsupported",
	"request.aborted",
	"request.size.invalid",
	"stream.encoding.set",
	"stream.not.readable"
]);

function isBodyParserError(e: LooseError): boolean {
	return (typeof e.type === "string" && BODY_PARSER_TYPES.has(e.type)) || (typeof e.status === "number" && typeof e.expose === "boolean");
}

function fromBodyParser(e: LooseError): ErrorResponse | null {
	const status = typeof e.status === "number" ? e.status : typeof e.code === "number" ? e.code : 500;
	const make = (code: number, name: string, message: string, type: string, data?: unknown): ErrorResponse => ({
		status: code,
		body: { name, message, code, type, ...(data === undefined ? {} : { data }) },
		headers: {},
		internal: false
	});
	switch (e.type) {
		case "entity.parse.failed":
			return make(400, "BadRequestError", "Malformed JSON in request body", ErrorType.INVALID_JSON);
		case "entity.too.large":
			return make(413, "PayloadTooLargeError", "Request body too large", ErrorType.PAYLOAD_TOO_LARGE, typeof e.limit === "number" ? { limit: e.limit } : undefined);
		case "parameters.too.many":
			return make(413, "PayloadTooLargeError", "Too many parameters", ErrorType.PAYLOAD_TOO_LARGE);
		case "encoding.unsupported":
		case "charset.unsupported":
			return make(415, "UnsupportedMediaTypeError", "Unsupported content encoding or charset", ErrorType.UNSUPPORTED_MEDIA_TYPE);
	}
	if (status >= 400 && status < 500) return make(status, "BadRequestError", "Invalid request body", DEFAULT_TYPES[status] ?? ErrorType.BAD_REQUEST);
	return null;
}

/**
 * Route middleware (error arity) placed after the body parsers: turns a raw
 * body-parser error into the platform's client error before moleculer-web
 * re-wraps it. Its wrapper keeps `err.code || err.status`, so a corrupt gzip
 * body (code "Z_DATA_ERROR") would otherwise lose its 400 and become a 500.
 */
export function bodyParserErrors(err: unknown, _req: unknown, _res: unknown, next: (err?: unknown) => void): void {
	const e: LooseError = err && typeof err === "object" ? (err as LooseError) : {};
	const mapped = isBodyParserError(e) ? fromBodyParser(e) : null;
	if (!mapped) return next(err);
	const clientError = new Errors.MoleculerClientError(mapped.body.message, mapped.status, mapped.body.type, mapped.body.data);
	clientError.name = mapped.body.name;
	next(clientError);
}

/**
 * busboy (multipart upload routes) throws plain Errors for what the client sent:
 * a body that is not multipart/form-data is a 415, a broken form a 400.
 */
const MULTIPART_CONTENT_TYPE = new Set(["Missing Content-Type-header.", "Unsupported Content-Type.", "Multipart: Boundary not found"]);
const MULTIPART_BROKEN = /^(Unexpected end of multipart data|.* terminated early due to unexpected end of multipart data|Malformed part header)$/;

function fromMultipart(e: LooseError): ErrorResponse | null {
	if (typeof e.message !== "string" || typeof e.code === "number") return null;
	if (MULTIPART_CONTENT_TYPE.has(e.message))
		return {
			status: 415,
			body: { name: "UnsupportedMediaTypeError", message: "Send multipart/form-data", code: 415, type: ErrorType.UNSUPPORTED_MEDIA_TYPE },
			headers: {},
			internal: false
		};
	if (MULTIPART_BROKEN.test(e.message))
		return {
			status: 400,
			body: { name: "BadRequestError", message: "Malformed multipart body", code: 400, type: "INVALID_MULTIPART" },
			headers: {},
			internal: false
		};
	return null;
}

function hidden(status: number, requestId: string | undefined): ErrorResponse {
	const [name, message, type] =
		status === 503
			? ["ServiceUnavailableError", "Service temporarily unavailable", ErrorType.SERVICE_UNAVAILABLE]
			: status === 504
			? ["GatewayTimeoutError", "The request took too long", ErrorType.GATEWAY_TIMEOUT]
			: ["InternalServerError", "Internal server error", ErrorType.INTERNAL_ERROR];
	return {
		status,
		body: { name, message, code: status, type, data: requestId ? { requestId } : {} },
		headers: {},
		internal: true
	};
}

export function toErrorResponse(err: unknown, requestId?: string): ErrorResponse {
	const e: LooseError = err && typeof err === "object" ? (err as LooseError) : {};

	if (isBodyParserError(e)) {
		const mapped = fromBodyParser(e);
		if (mapped) return mapped;
		return hidden(500, requestId);
	}

	const name = typeof e.name === "string" ? e.name : "Error";
	const code = typeof e.code === "number" ? e.code : NaN;

	if (name === "ValidationError" && (e.type === ErrorType.VALIDATION_ERROR || code === 422)) {
		return {
			status: 400,
			body: {
				name,
				message: typeof e.message === "string" ? e.message : "Parameters validation error!",
				code: 400,
				type: ErrorType.VALIDATION_ERROR,
				data: validationData(e.data)
			},
			headers: {},
			internal: false
		};
	}

	if (name === "ServiceNotFoundError" || name === "ServiceNotAvailableError" || name === "QueueIsFullError" || name === "RequestRejectedError")
		return { ...hidden(503, requestId), internal: false };
	if (name === "RequestTimeoutError") return { ...hidden(504, requestId), internal: false };

	const multipart = fromMultipart(e);
	if (multipart) return multipart;

	const clientError = code >= 400 && code < 500 && typeof e.message === "string";
	if (!clientError) {
		// moleculer-web's own 503 (no endpoint for a route) says nothing internal, but keep one wording.
		if (code === 503) return { ...hidden(503, requestId), internal: false };
		return hidden(500, requestId);
	}

	const type = typeof e.type === "string" && e.type ? e.type : DEFAULT_TYPES[code] ?? ErrorType.BAD_REQUEST;
	const data = sanitizeErrorData(e.data);
	const headers: Record<string, string> = {};
	if (code === 401) {
		headers["WWW-Authenticate"] = INVALID_TOKEN_TYPES.has(type) && type !== "NO_TOKEN"
			? 'Bearer realm="nexgate", error="invalid_token"'
			: 'Bearer realm="nexgate"';
	}
	if (code === 429) {
		const retryAfter = (data as { retryAfter?: unknown } | undefined)?.retryAfter;
		if (typeof retryAfter === "number" && retryAfter > 0) headers["Retry-After"] = String(Math.ceil(retryAfter));
	}
	return {
		status: code,
		body: {
			name,
			message: e.message as string,
			code,
			type,
			...(data === undefined || data === null ? {} : { data })
		},
		headers,
		internal: false
	};
}
