/**
 * POST /files (multipart): the bytes arrive as ctx.stream on the gateway's
 * own node (files runs beside api, so they never cross RabbitMQ), are held in
 * memory up to FILES_MULTIPART_MAX_MB, and are checked by content before
 * anything is kept.
 */
import type { Readable } from "node:stream";
import { badRequest } from "../../../lib/errors";
import { mediaRefused, tooLarge } from "../errors";
import type { FileRow } from "../models/file";
import type { FilesRuntime } from "../runtime";
import type { Purpose } from "../rules/limits";
import { uploadKey } from "../rules/storage-keys";
import { MediaRejected } from "../rules/video-jobs";
import { findFile } from "../store/files";
import { acceptedType, checkSize, discard, ingestImage, ingestPlain, queueVideo, reserve } from "./ingest";

/**
 * The whole stream, or 413 once it passes `max` (the rest is drained, never
 * kept). Read with listeners rather than an async iterator: leaving an iterator
 * early destroys the gateway's part stream, which then reports an abort of its own.
 */
function readAll(stream: Readable, max: number): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let total = 0;
		stream.on("data", (chunk: Buffer) => {
			total += chunk.length;
			if (total <= max) chunks.push(chunk);
		});
		stream.on("end", () => (total > max ? reject(tooLarge(null, max)) : resolve(Buffer.concat(chunks))));
		stream.on("error", (err: { code?: unknown; name?: string }) => {
			// busboy ends an over-limit part with its own error; a form cut short is the client's mistake.
			if (err.code === 413 || err.name === "PayloadTooLarge") reject(tooLarge(null, max));
			else reject(badRequest("The upload was cut off", "INVALID_MULTIPART"));
		});
	});
}

export async function uploadFromStream(
	rt: FilesRuntime,
	ownerId: string,
	purpose: Purpose,
	stream: Readable | undefined,
	filename: string | null
): Promise<FileRow> {
	if (!stream) throw badRequest("Send the file as multipart/form-data in the field `file`", "FILE_MISSING");
	const bytes = await readAll(stream, rt.cfg.multipartMaxBytes);
	if (bytes.length === 0) throw badRequest("The file is empty", "FILE_EMPTY");
	const type = acceptedType(bytes, purpose);
	checkSize(rt, type.kind, bytes.length);
	const id = await reserve(rt, { ownerId, purpose, kind: type.kind, mime: type.mime, size: bytes.length, status: "processing", filename });
	try {
		let row: FileRow | null;
		if (type.kind === "image") row = await ingestImage(rt, id, bytes, type.mime);
		else if (type.kind === "video") {
			await rt.store.put(uploadKey(id), bytes, type.mime);
			await queueVideo(rt, id);
			row = null;
		} else row = await ingestPlain(rt, id, type.mime, bytes.length, key => rt.store.put(key, bytes, type.mime));
		return row ?? ((await findFile(rt.db(), id)) as FileRow);
	} catch (err) {
		await discard(rt, id).catch(e => rt.warn(`files: could not discard refused upload ${id}`, e));
		if (err instanceof MediaRejected) throw mediaRefused(err.reason, err.message);
		throw err;
	}
}
