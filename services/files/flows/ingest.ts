/**
 * The steps every upload path shares once the bytes are known: check the real
 * type against the purpose and the limits, reserve quota with the row, turn
 * the content into stored objects, and finish the file (ready or failed) with
 * its event in the same transaction.
 */
import { inTransaction } from "../../../lib/db/transaction";
import { newId } from "../../../lib/ids";
import { fileNotFound, kindNotAllowed, quotaExceeded, tooLarge, unsupportedType } from "../errors";
import { processImage } from "../media/image";
import type { FileRow } from "../models/file";
import type { FilesRuntime } from "../runtime";
import { purposeAccepts, type FileKind, type Purpose } from "../rules/limits";
import { sniff, type Sniffed } from "../rules/sniff";
import { extensionOf, filePrefix, objectKey, uploadKey } from "../rules/storage-keys";
import * as files from "../store/files";
import * as jobs from "../store/jobs";
import type { Db } from "../../../lib/db/sql";

/** The real type of these first bytes, if this purpose takes it; else the client's error. */
export function acceptedType(head: Buffer, purpose: Purpose): Sniffed {
	const found = sniff(head);
	if (!found.ok) throw unsupportedType(found.reason);
	if (!purposeAccepts(purpose, found.type.kind)) throw kindNotAllowed(purpose, found.type.kind);
	return found.type;
}

export function checkSize(rt: FilesRuntime, kind: FileKind, size: number): void {
	if (size > rt.cfg.maxBytes[kind]) throw tooLarge(kind, rt.cfg.maxBytes[kind]);
}

/** Inserts the row under the owner's quota lock: the quota holds whatever runs in parallel. */
export async function reserve(rt: FilesRuntime, f: Omit<files.NewFile, "id">): Promise<string> {
	const id = newId();
	await inTransaction(rt.db().sequelize, async t => {
		const db = { ...rt.db(), t };
		const used = await files.lockedUsage(db, f.ownerId);
		if (used + f.size > rt.cfg.quotaBytes) throw quotaExceeded(rt.cfg.quotaBytes, used, f.size);
		await files.insertFile(db, { ...f, id });
	});
	return id;
}

export async function findOwned(rt: FilesRuntime, ownerId: string, id: string): Promise<FileRow> {
	const row = await files.findFile(rt.db(), id);
	if (!row || row.ownerId !== ownerId || row.status === "deleted") throw fileNotFound(id);
	return row;
}

const payload = (row: FileRow) => ({ fileId: row.id, ownerId: row.ownerId, purpose: row.purpose, kind: row.kind, ref: row.ref });

/**
 * processing → ready with its event. When the file was deleted meanwhile, the new objects go too.
 * A video worker that lost its job (another holds it now), or a file no longer processing,
 * changes nothing and removes nothing.
 */
export async function finishReady(rt: FilesRuntime, id: string, result: files.ReadyResult, job?: { worker: string }): Promise<FileRow | null> {
	const outcome = await inTransaction(rt.db().sequelize, async t => {
		const db = { ...rt.db(), t };
		const current = await files.findFile(db, id, true);
		if (job && !(await jobs.holdIfOwned(db, id, job.worker))) return { kind: "lost" as const };
		if (job) await jobs.finish(db, id, "done");
		if (!current || current.status === "deleted") return { kind: "gone" as const };
		if (!(await files.markReady(db, id, result))) return { kind: "lost" as const };
		const ready = (await files.findFile(db, id)) as FileRow;
		await rt.raiseEvent(t, "files.file.ready", payload(ready), ready.ownerId);
		return { kind: "ready" as const, row: ready };
	});
	if (outcome.kind === "lost") return null;
	if (outcome.kind === "gone") {
		await purgeLater(rt, id);
		return null;
	}
	await rt.store.remove([uploadKey(id)]).catch(err => rt.warn(`files: could not remove the upload of ${id}`, err));
	return outcome.row;
}

/** processing → failed with its reason and event; the bytes are removed, the row stays for the client to see. */
export async function finishFailed(rt: FilesRuntime, id: string, reason: string, job?: { worker: string }): Promise<void> {
	const failed = await inTransaction(rt.db().sequelize, async t => {
		const db = { ...rt.db(), t };
		const current = await files.findFile(db, id, true);
		if (!current) return false;
		if (job && !(await jobs.holdIfOwned(db, id, job.worker))) return false;
		if (job) await jobs.finish(db, id, "failed", reason);
		if (!(await files.markFailed(db, id, reason))) return false;
		await rt.raiseEvent(t, "files.file.failed", { ...payload(current), reason }, current.ownerId);
		return true;
	});
	if (failed) await rt.store.removeAll(filePrefix(id), [uploadKey(id)]).catch(err => rt.warn(`files: could not remove the objects of failed ${id}`, err));
}

/** A deleted file's objects: removed now if possible, else by the sweeper (purged_at stays null). */
export async function purgeLater(rt: FilesRuntime, id: string): Promise<boolean> {
	try {
		await rt.store.removeAll(filePrefix(id), [uploadKey(id)]);
		await files.markPurged(rt.db(), id);
		return true;
	} catch (err) {
		rt.warn(`files: objects of ${id} stay for the sweeper`, err);
		return false;
	}
}

/** An upload refused after its row was reserved: nothing of it is kept. */
export async function discard(rt: FilesRuntime, id: string): Promise<void> {
	await rt.store.removeAll(filePrefix(id), [uploadKey(id)]);
	await files.forget(rt.db(), id);
}

/** Image bytes → cleaned original + WebP variants in storage → ready. */
export async function ingestImage(rt: FilesRuntime, id: string, bytes: Buffer, mime: string): Promise<FileRow | null> {
	const img = await processImage(bytes, mime, rt.cfg.imageMaxPixels);
	const originalKey = objectKey(id, `original.${extensionOf(img.original.mime)}`);
	const put = [rt.store.put(originalKey, img.original.buffer, img.original.mime)];
	const variants: files.ReadyResult["variants"] = {};
	for (const [name, v] of Object.entries(img.variants) as [keyof typeof img.variants, (typeof img.variants)[keyof typeof img.variants]][]) {
		const key = objectKey(id, `${name}.webp`);
		put.push(rt.store.put(key, v.buffer, v.mime));
		variants[name] = { key, mime: v.mime, size: v.buffer.length, width: v.width, height: v.height };
	}
	await Promise.all(put);
	return finishReady(rt, id, {
		originalKey,
		mime: img.original.mime,
		size: img.original.buffer.length,
		width: img.width,
		height: img.height,
		durationMs: null,
		blurhash: img.blurhash,
		variants
	});
}

/** Audio and documents are kept as uploaded, under their detected type. */
export async function ingestPlain(rt: FilesRuntime, id: string, mime: string, size: number, store: (key: string) => Promise<void>): Promise<FileRow | null> {
	const originalKey = objectKey(id, `original.${extensionOf(mime)}`);
	await store(originalKey);
	return finishReady(rt, id, { originalKey, mime, size, width: null, height: null, durationMs: null, blurhash: null, variants: {} });
}

/** The raw video sits at u/<id>; the job (same transaction as the status) turns it into an MP4. */
export async function queueVideo(rt: FilesRuntime, id: string, beforeQueue?: (db: Db) => Promise<boolean>): Promise<boolean> {
	const queued = await inTransaction(rt.db().sequelize, async t => {
		const db = { ...rt.db(), t };
		if (beforeQueue && !(await beforeQueue(db))) return false;
		await jobs.enqueue(db, id);
		return true;
	});
	if (queued) rt.kickVideo();
	return queued;
}
