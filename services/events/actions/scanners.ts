/** Scanner device routes, for the event's organizer (docs/events.md "Check-in"). */
import { listScanners, registerScanner, revokeScannerDevice } from "../flows/scanners";
import { me, pathId, uuid, type ActionGroup, type Ctx, type This } from "./context";

export const scannerActions: ActionGroup = {
	registerScanner: {
		rest: "POST /:id/scanners",
		rateLimit: { window: 60_000, limit: 30 },
		openapi: { summary: "Organizer: register a scanning device → { scannerId, token } (the token is shown once)", status: 201 },
		params: { ...pathId, name: { type: "string", max: 100, optional: true } },
		async handler(this: This, ctx: Ctx<{ id: string; name?: string }>) {
			const scanner = await registerScanner(this.rt, me(ctx), ctx.params.id.toLowerCase(), ctx.params.name);
			ctx.meta.$statusCode = 201;
			ctx.meta.$location = `/api/v1/events/${scanner.eventId}/scanners`;
			return scanner;
		}
	},

	listScanners: {
		rest: "GET /:id/scanners",
		openapi: { summary: "Organizer: the event's scanner devices (no tokens)" },
		params: pathId,
		handler(this: This, ctx: Ctx<{ id: string }>) {
			return listScanners(this.rt, me(ctx), ctx.params.id.toLowerCase());
		}
	},

	revokeScanner: {
		rest: "DELETE /:id/scanners/:scannerId",
		openapi: { summary: "Organizer: revoke a scanner's token (idempotent)" },
		params: { ...pathId, scannerId: uuid },
		handler(this: This, ctx: Ctx<{ id: string; scannerId: string }>) {
			return revokeScannerDevice(this.rt, me(ctx), ctx.params.id.toLowerCase(), ctx.params.scannerId.toLowerCase());
		}
	}
};
