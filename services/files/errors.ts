/**
 * The files domain's errors, each with a stable type clients can switch on
 * (docs/files.md "Errors"). Built on lib/errors.ts; 415 has no shared helper.
 */
import { Errors } from "moleculer";
import { conflict, notFound, payloadTooLarge, unprocessable } from "../../lib/errors";
import type { FileKind } from "./rules/limits";

export const fileNotFound = (id: string) => notFound("File not found", "FILE_NOT_FOUND", { id });

export const tooLarge = (kind: FileKind | null, limit: number) =>
	Object.assign(payloadTooLarge(kind ? `A ${kind} may be at most ${limit} bytes` : `An upload here may be at most ${limit} bytes`, { kind, limit }), {
		type: "FILE_TOO_LARGE"
	});

export function unsupportedType(reason: "script_carrier" | "unknown"): InstanceType<typeof Errors.MoleculerClientError> {
	return reason === "script_carrier"
		? new Errors.MoleculerClientError("SVG, HTML and other markup files are not accepted", 415, "SCRIPT_CARRIER_REFUSED")
		: new Errors.MoleculerClientError("The file's content is not a supported image, video, audio or PDF document", 415, "UNSUPPORTED_FILE_TYPE");
}

export const kindNotAllowed = (purpose: string, kind: FileKind) =>
	unprocessable(`A ${purpose} file cannot be a ${kind}`, "FILE_KIND_NOT_ALLOWED", { purpose, kind });

export const quotaExceeded = (quota: number, used: number, requested: number) =>
	unprocessable("Storage quota exceeded", "QUOTA_EXCEEDED", { quota, used, requested });

/** A MediaRejected reason (image pipeline) as the client's error. */
export const mediaRefused = (reason: string, message: string) => unprocessable(message, reason.toUpperCase(), { reason });

export const uploadMissing = (id: string) => conflict("Nothing was uploaded to the upload URL yet", "UPLOAD_MISSING", { id });
export const uploadExpired = (id: string) => conflict("The upload URL has expired; start a new upload", "UPLOAD_EXPIRED", { id });
export const sizeMismatch = (declared: number, received: number) =>
	unprocessable("The uploaded size differs from the declared size", "UPLOAD_SIZE_MISMATCH", { declared, received });

export const fileInUse = (id: string, ref: string) => conflict("The file is attached; the domain using it must release it first", "FILE_IN_USE", { id, ref });

export const notUsable = (fileId: string, why: string) => unprocessable("The file cannot be attached", "FILE_NOT_USABLE", { fileId, why });
