/**
 * The platform's one error vocabulary.
 *
 * Every domain throws these helpers instead of building MoleculerClientError by
 * hand, so the HTTP status and the `type` string clients switch on stay the same
 * everywhere (DESIGN.md §4). The helpers keep the class MoleculerClientError:
 * moleculer's error regenerator knows that name, so an error thrown on another
 * node arrives as the same class with the same code, type and data.
 *
 * A domain may pass its own, more specific type (e.g. `notFound("Order not found",
 * "ORDER_NOT_FOUND")`); the default types below are the generic fallbacks.
 */
import { Errors } from "moleculer";

export const ErrorType = {
	BAD_REQUEST: "BAD_REQUEST",
	/** Params failed the action's validation schema. */
	VALIDATION_ERROR: "VALIDATION_ERROR",
	/** The request body is not parseable JSON. */
	INVALID_JSON: "INVALID_JSON",
	INVALID_CURSOR: "INVALID_CURSOR",
	UNAUTHORIZED: "UNAUTHORIZED",
	/** No access token on an action that needs one. */
	NO_TOKEN: "NO_TOKEN",
	/** The access token is malformed, forged, signed by an unknown key or has bad claims. */
	INVALID_TOKEN: "INVALID_TOKEN",
	TOKEN_EXPIRED: "TOKEN_EXPIRED",
	/** The token is valid but its session was revoked (logout, refresh-token reuse, admin action). */
	SESSION_REVOKED: "SESSION_REVOKED",
	FORBIDDEN: "FORBIDDEN",
	NOT_FOUND: "NOT_FOUND",
	METHOD_NOT_ALLOWED: "METHOD_NOT_ALLOWED",
	/** The request clashes with the current state (duplicate, wrong state for this transition). */
	CONFLICT: "CONFLICT",
	PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
	UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
	/** Well-formed input that breaks a business rule. */
	UNPROCESSABLE: "UNPROCESSABLE",
	RATE_LIMITED: "RATE_LIMITED",
	INTERNAL_ERROR: "INTERNAL_ERROR",
	SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
	GATEWAY_TIMEOUT: "GATEWAY_TIMEOUT"
} as const;

export type ErrorTypeName = (typeof ErrorType)[keyof typeof ErrorType];

type ClientError = InstanceType<typeof Errors.MoleculerClientError>;

function clientError(status: number, message: string, type: string, data?: unknown): ClientError {
	return new Errors.MoleculerClientError(message, status, type, data);
}

/** 400: the request is malformed (not a business rule: use `unprocessable` for those). */
export function badRequest(message: string, type: string = ErrorType.BAD_REQUEST, data?: unknown): ClientError {
	return clientError(400, message, type, data);
}

/** 401: no credentials, or credentials that do not identify anyone. */
export function unauthorized(message = "Authentication required", type: string = ErrorType.UNAUTHORIZED, data?: unknown): ClientError {
	return clientError(401, message, type, data);
}

/** 403: the caller is known but may not do this. */
export function forbidden(message = "Forbidden", type: string = ErrorType.FORBIDDEN, data?: unknown): ClientError {
	return clientError(403, message, type, data);
}

/** 404: the resource does not exist, or the caller may not know that it exists. */
export function notFound(message = "Not found", type: string = ErrorType.NOT_FOUND, data?: unknown): ClientError {
	return clientError(404, message, type, data);
}

/** 409: the request conflicts with the current state (duplicate, wrong state). */
export function conflict(message: string, type: string = ErrorType.CONFLICT, data?: unknown): ClientError {
	return clientError(409, message, type, data);
}

/** 413: the body is larger than the gateway accepts. */
export function payloadTooLarge(message = "Request body too large", data?: unknown): ClientError {
	return clientError(413, message, ErrorType.PAYLOAD_TOO_LARGE, data);
}

/** 422: well-formed input that a business rule refuses (insufficient stock, sale window closed…). */
export function unprocessable(message: string, type: string = ErrorType.UNPROCESSABLE, data?: unknown): ClientError {
	return clientError(422, message, type, data);
}

/** 429: slow down; `retryAfterSeconds` becomes the Retry-After header at the gateway. */
export function tooManyRequests(retryAfterSeconds: number, data: Record<string, unknown> = {}): ClientError {
	return clientError(429, "Too many requests", ErrorType.RATE_LIMITED, { ...data, retryAfter: retryAfterSeconds });
}
