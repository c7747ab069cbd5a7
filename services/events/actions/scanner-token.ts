/**
 * Where a scanner device's token travels. The gateway authenticates users
 * only, so scanner routes declare `auth: "none"` (or "optional" where an
 * organizer may call too) and ask for this header with `forwardHeaders`; the
 * events service checks the token itself (tickets/access.scannerFor).
 */
import type { Ctx } from "./context";

export const SCANNER_HEADER = "x-scanner-token";

export function scannerToken(ctx: Ctx<unknown>): string | null {
	return ctx.meta.headers?.[SCANNER_HEADER] ?? null;
}
