/**
 * Reading and deleting one file (GET/DELETE /files/:id), and the internal
 * actions other domains use: claim, release, views (docs/files.md "Internal").
 */
import { inTransaction } from "../../../lib/db/transaction";
import { fileInUse, fileNotFound, notUsable } from "../errors";
import type { FileRow, FileView } from "../models/file";
import type { FilesRuntime } from "../runtime";
import * as files from "../store/files";
import { findOwned, purgeLater } from "./ingest";
import { mayRead, viewOf } from "./views";

/** 404 alike for a missing file and one the viewer may not read: existence is not revealed. */
export async function readFile(rt: FilesRuntime, viewerId: string | null, id: string): Promise<FileView> {
	const row = await files.findFile(rt.db(), id);
	if (!row || row.status === "deleted" || !(await mayRead(rt, row, viewerId))) throw fileNotFound(id);
	return viewOf(rt, row);
}

/** Only the owner deletes, and only what no domain holds; every object under f/<id>/ goes. */
export async function deleteFile(rt: FilesRuntime, ownerId: string, id: string): Promise<void> {
	await findOwned(rt, ownerId, id);
	await inTransaction(rt.db().sequelize, async t => {
		const db = { ...rt.db(), t };
		const row = await files.findFile(db, id, true);
		if (!row || row.ownerId !== ownerId || row.status === "deleted") throw fileNotFound(id);
		if (row.ref) throw fileInUse(id, row.ref);
		await files.markDeleted(db, id);
	});
	await purgeLater(rt, id);
}

export interface ClaimRequest {
	ownerId: string;
	fileIds: string[];
	purpose: string;
	ref: string;
}

/** All or nothing: each file must be the owner's, of that purpose, alive, and free or already on `ref`. */
export async function claimFiles(rt: FilesRuntime, req: ClaimRequest): Promise<FileView[]> {
	const ids = [...new Set(req.fileIds)];
	const rows = await inTransaction(rt.db().sequelize, async t => {
		const db = { ...rt.db(), t };
		const found = new Map((await files.findFiles(db, ids, true)).map(r => [r.id, r]));
		for (const id of ids) {
			const row = found.get(id);
			if (!row || row.ownerId !== req.ownerId) throw notUsable(id, "not_found");
			if (row.purpose !== req.purpose) throw notUsable(id, "wrong_purpose");
			if (row.status === "failed") throw notUsable(id, "failed");
			if (row.status === "awaiting_upload") throw notUsable(id, "not_uploaded");
			if (row.ref && row.ref !== req.ref) throw notUsable(id, "attached_elsewhere");
		}
		await files.attach(db, ids, req.ref);
		return files.findFiles(db, ids);
	});
	const byId = new Map(rows.map(r => [r.id, r]));
	// In the caller's order, duplicates answered once each time they were named.
	return Promise.all(req.fileIds.map(id => viewOf(rt, byId.get(id) as FileRow)));
}

export async function releaseFiles(rt: FilesRuntime, fileIds: string[], ref: string): Promise<{ released: number }> {
	if (!fileIds.length) return { released: 0 };
	return { released: await files.detach(rt.db(), [...new Set(fileIds)], ref) };
}

/**
 * Current views for the ids the viewer may read; others (missing, deleted,
 * private and not allowed) are absent. A domain that cannot answer its access
 * check leaves its files out rather than failing the whole page.
 */
export async function viewFiles(rt: FilesRuntime, ids: string[], viewerId: string | null): Promise<Record<string, FileView>> {
	const rows = await files.findFiles(rt.db(), [...new Set(ids)]);
	const out: Record<string, FileView> = {};
	await Promise.all(
		rows.map(async row => {
			let allowed = false;
			try {
				allowed = await mayRead(rt, row, viewerId);
			} catch (err) {
				rt.warn(`files: access check for ${row.id} failed`, err);
			}
			if (allowed) out[row.id] = await viewOf(rt, row);
		})
	);
	return out;
}
