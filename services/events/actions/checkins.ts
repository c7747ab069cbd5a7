/**
 * Check-in routes, called by scanner devices with their own bearer token
 * rather than a user token (auth "none": the gateway does not read
 * credentials; the token is checked here). docs/events.md "Check-in".
 */
import { MAX_CODE_LENGTH } from "../rules/jws";
import { checkIn } from "../flows/checkins";
import { syncScans, type OfflineScan } from "../flows/sync";
import { scannerFor } from "../tickets/access";
import { pathId, type ActionGroup, type Ctx, type This } from "./context";
import { SCANNER_HEADER, scannerToken } from "./scanner-token";

const code = { type: "string", min: 1, max: MAX_CODE_LENGTH } as const;
const nonce = { type: "string", min: 1, max: 128 } as const;
/** The configured EVENTS_SYNC_MAX_SCANS is checked in the flow; this only bounds the payload. */
const SCANS_HARD_MAX = 10_000;

export const checkinActions: ActionGroup = {
	checkIn: {
		rest: "POST /:id/check-ins",
		auth: "none",
		forwardHeaders: [SCANNER_HEADER],
		rateLimit: { window: 60_000, limit: 600 },
		openapi: { summary: "Scanner (Authorization: Bearer <scanner token>): check a ticket code in → { result: ok | already_checked_in | invalid_signature | revoked | wrong_event | not_valid_now, ticket?, checkedInAt? }" },
		params: { ...pathId, code, nonce },
		async handler(this: This, ctx: Ctx<{ id: string; code: string; nonce: string }>) {
			const eventId = ctx.params.id.toLowerCase();
			const scanner = await scannerFor(this.rt, scannerToken(ctx), eventId);
			return checkIn(this.rt, scanner, eventId, ctx.params.code, ctx.params.nonce);
		}
	},

	syncCheckIns: {
		rest: "POST /:id/check-ins/sync",
		auth: "none",
		forwardHeaders: [SCANNER_HEADER],
		rateLimit: { window: 60_000, limit: 60 },
		openapi: { summary: "Scanner: upload offline scans → { results (one per scan, in upload order), conflicts (double entries; the earliest scan wins) }" },
		params: {
			...pathId,
			scans: { type: "array", min: 1, max: SCANS_HARD_MAX, items: { type: "object", strict: "remove", props: { code, nonce, scannedAt: { type: "string", min: 1, max: 64 } } } }
		},
		async handler(this: This, ctx: Ctx<{ id: string; scans: OfflineScan[] }>) {
			const eventId = ctx.params.id.toLowerCase();
			const scanner = await scannerFor(this.rt, scannerToken(ctx), eventId);
			return syncScans(this.rt, scanner, eventId, ctx.params.scans);
		}
	}
};
