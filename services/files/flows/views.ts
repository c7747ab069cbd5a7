/**
 * Files as the API shows them, with URLs signed for the viewer (docs/files.md
 * "URLs"), and the read-access check against the owning domain.
 */
import { readDecision } from "../rules/access";
import { isPrivate } from "../rules/limits";
import { MAX_PRESIGN_SECONDS, publicSigningDate, safeFilename } from "../rules/url-signing";
import { toView, type FileRow, type FileView, type StoredObject } from "../models/file";
import type { FilesRuntime } from "../runtime";

async function signedUrl(rt: FilesRuntime, row: FileRow, obj: StoredObject): Promise<string> {
	const responseHeaders: Record<string, string> = { "response-content-type": obj.mime };
	// A document opens as a download, never inline in the storage origin.
	if (row.kind === "document") responseHeaders["response-content-disposition"] = `attachment; filename="${safeFilename(row.filename, `${row.id}.pdf`)}"`;
	if (isPrivate(row.purpose)) return rt.store.presignGet(obj.key, rt.cfg.privateUrlTtlSeconds, { responseHeaders });
	return rt.store.presignGet(obj.key, MAX_PRESIGN_SECONDS, { responseHeaders, signedAt: publicSigningDate(new Date()) });
}

export async function viewOf(rt: FilesRuntime, row: FileRow): Promise<FileView> {
	const urls = new Map<string, string>();
	if (row.status === "ready") {
		const objects: StoredObject[] = Object.values(row.variants).filter((o): o is StoredObject => !!o);
		if (row.originalKey) objects.push({ key: row.originalKey, mime: row.mime, size: row.size });
		await Promise.all(objects.map(async o => urls.set(o.key, await signedUrl(rt, row, o))));
	}
	return toView(row, obj => urls.get(obj.key) as string);
}

/**
 * May `viewerId` (null: anonymous) read the file? Asks `<domain>.canReadFile`
 * for private files attached to that domain; its errors propagate (a domain
 * that cannot answer is a 503, never a silent yes).
 */
export async function mayRead(rt: FilesRuntime, row: FileRow, viewerId: string | null): Promise<boolean> {
	const decision = readDecision(row, viewerId);
	if (decision.kind !== "ask") return decision.kind === "allow";
	const answer = await rt.call<{ allowed?: unknown } | null>(`${decision.domain}.canReadFile`, { fileId: row.id, userId: viewerId, ref: row.ref });
	return answer?.allowed === true;
}
