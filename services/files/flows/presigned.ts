/**
 * Direct uploads for large files (video): POST /files/uploads reserves the
 * quota for the declared size and hands out a presigned PUT to u/<id> on the
 * object store; POST /files/:id/complete checks what arrived (size, real
 * type, purpose) and processes it. Refused bytes are removed and the file
 * stays awaiting its upload until the URL expires, so "changes nothing" holds.
 */
import { mediaRefused, sizeMismatch, unsupportedType, uploadExpired, uploadMissing, kindNotAllowed } from "../errors";
import type { FileRow } from "../models/file";
import type { FilesRuntime } from "../runtime";
import { kindOfMime, purposeAccepts, type Purpose } from "../rules/limits";
import { SNIFF_BYTES } from "../rules/sniff";
import { uploadKey } from "../rules/storage-keys";
import { MediaRejected } from "../rules/video-jobs";
import * as files from "../store/files";
import { acceptedType, checkSize, findOwned, ingestImage, ingestPlain, queueVideo, reserve } from "./ingest";

export interface UploadRequest {
	filename: string;
	mime: string;
	size: number;
	purpose: Purpose;
}

export interface UploadTicket {
	fileId: string;
	uploadUrl: string;
	method: "PUT";
	expiresAt: string;
}

export async function startUpload(rt: FilesRuntime, ownerId: string, req: UploadRequest): Promise<UploadTicket> {
	// The declared type only picks the limits to reserve against; complete() decides by content.
	const kind = kindOfMime(req.mime);
	if (!kind) throw unsupportedType(req.mime.toLowerCase().includes("svg") || req.mime.toLowerCase().includes("html") ? "script_carrier" : "unknown");
	if (!purposeAccepts(req.purpose, kind)) throw kindNotAllowed(req.purpose, kind);
	checkSize(rt, kind, req.size);
	const expiresAt = new Date(Date.now() + rt.cfg.uploadUrlTtlSeconds * 1000);
	const fileId = await reserve(rt, {
		ownerId,
		purpose: req.purpose,
		kind,
		mime: req.mime.toLowerCase(),
		size: req.size,
		status: "awaiting_upload",
		filename: req.filename,
		uploadExpiresAt: expiresAt
	});
	const uploadUrl = await rt.store.presignPut(uploadKey(fileId), rt.cfg.uploadUrlTtlSeconds);
	return { fileId, uploadUrl, method: "PUT", expiresAt: expiresAt.toISOString() };
}

/** Refuses what arrived: the object goes, the file keeps waiting for a proper upload. */
async function refuse(rt: FilesRuntime, id: string, err: unknown): Promise<never> {
	await rt.store.remove([uploadKey(id)]).catch(e => rt.warn(`files: could not remove refused upload ${id}`, e));
	throw err;
}

export async function completeUpload(rt: FilesRuntime, ownerId: string, id: string): Promise<FileRow> {
	const row = await findOwned(rt, ownerId, id);
	// Completing twice (a retried request) answers with the file as it is now.
	if (row.status !== "awaiting_upload") return row;
	if (row.uploadExpiresAt && row.uploadExpiresAt.getTime() < Date.now()) throw uploadExpired(id);

	const key = uploadKey(id);
	const size = await rt.store.size(key);
	if (size === null) throw uploadMissing(id);
	if (size !== row.size) return refuse(rt, id, sizeMismatch(row.size, size));
	let type;
	try {
		type = acceptedType(await rt.store.head(key, SNIFF_BYTES), row.purpose as Purpose);
		checkSize(rt, type.kind, size);
	} catch (err) {
		return refuse(rt, id, err);
	}
	const found = { kind: type.kind, mime: type.mime, size };

	if (type.kind === "video") {
		// The status change and the job are one transaction: a crash leaves both or neither.
		await queueVideo(rt, id, db => files.startProcessing(db, id, found));
		return (await files.findFile(rt.db(), id)) as FileRow;
	}
	// Whoever moves the file to processing does the work; a parallel complete just reads the result.
	if (!(await files.startProcessing(rt.db(), id, found))) return (await files.findFile(rt.db(), id)) as FileRow;
	try {
		const done =
			type.kind === "image"
				? await ingestImage(rt, id, await rt.store.read(key, size), type.mime)
				: await ingestPlain(rt, id, type.mime, size, target => rt.store.copy(key, target, type.mime));
		return done ?? ((await files.findFile(rt.db(), id)) as FileRow);
	} catch (err) {
		await files.backToAwaiting(rt.db(), id, row.uploadExpiresAt ?? new Date());
		if (err instanceof MediaRejected) return refuse(rt, id, mediaRefused(err.reason, err.message));
		throw err;
	}
}
