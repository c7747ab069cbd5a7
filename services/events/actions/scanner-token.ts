/**
 * Where a scanner device's token travels: `Authorization: Bearer <token>`
 * (the lead's choice, /work/requests.md 13:55). The gateway authenticates
 * users only, so scanner routes declare `auth: "none"` (the gateway does not
 * read the header) and `forwardHeaders: [SCANNER_HEADER]`; the events service
 * checks the token itself (tickets/access.scannerFor).
 */
import type { Ctx } from "./context";

export const SCANNER_HEADER = "authorization";

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function scannerToken(ctx: Ctx<unknown>): string | null {
	const header = ctx.meta.headers?.[SCANNER_HEADER];
	return header ? (BEARER.exec(header)?.[1] ?? null) : null;
}
