/**
 * Presigned URL timing. Public media is signed as of the start of the current
 * UTC day with the longest validity S3 allows (7 days): the same URL comes back
 * all day (clients and a CDN can cache it) and stays valid at least 6 days
 * after it was handed out. Private media is signed per request, short-lived.
 */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;
const DAY_MS = 24 * 3600 * 1000;

export function publicSigningDate(now: Date): Date {
	return new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
}

/** A safe filename for Content-Disposition: ASCII letters, digits, dot, dash, underscore; never empty. */
export function safeFilename(name: string | null | undefined, fallback: string): string {
	const base = (name ?? "").split(/[\\/]/).pop() ?? "";
	const clean = base.normalize("NFKD").replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "").slice(0, 100);
	return clean || fallback;
}
