/** Ticket routes: mine, one with its QR image, transfer, and the revocation list (docs/events.md "Tickets"). */
import { paginationParams } from "../../../lib/pagination";
import { myTickets, getTicket, revocationList, transferTicket } from "../flows/tickets";
import { me, pathId, uuid, type ActionGroup, type Ctx, type This } from "./context";
import { SCANNER_HEADER, scannerToken } from "./scanner-token";

export const ticketActions: ActionGroup = {
	myTickets: {
		rest: "GET /tickets",
		openapi: { summary: "My tickets, newest first (each with its signed code; the QR image is on GET /events/tickets/:id)" },
		params: { ...paginationParams },
		handler(this: This, ctx: Ctx<{ cursor?: string; limit?: number }>) {
			return myTickets(this.rt, me(ctx), ctx.params);
		}
	},

	getTicket: {
		rest: "GET /tickets/:id",
		openapi: { summary: "One of my tickets: { id, status: valid | used | revoked, code (compact RS256 JWS), qr (PNG data URL), … }" },
		params: pathId,
		handler(this: This, ctx: Ctx<{ id: string }>) {
			return getTicket(this.rt, me(ctx), ctx.params.id.toLowerCase());
		}
	},

	transferTicket: {
		rest: "POST /tickets/:id/transfer",
		rateLimit: { window: 60_000, limit: 30 },
		openapi: { summary: "Give a valid ticket to another user: the old code is revoked, the recipient gets a new ticket and code", status: 201 },
		params: { ...pathId, toUserId: uuid },
		async handler(this: This, ctx: Ctx<{ id: string; toUserId: string }>) {
			const ticket = await transferTicket(this.rt, me(ctx), ctx.params.id.toLowerCase(), ctx.params.toUserId.toLowerCase());
			ctx.meta.$statusCode = 201;
			ctx.meta.$location = `/api/v1/events/tickets/${ticket.id}`;
			return ticket;
		}
	},

	revocations: {
		rest: "GET /:id/revocations",
		auth: "none",
		forwardHeaders: [SCANNER_HEADER],
		openapi: { summary: "Scanner (Authorization: Bearer <scanner token>): revoked tickets of the event still in their window, for offline checks; ?since=<asOf of the last download>" },
		params: { ...pathId, since: { type: "string", max: 64, optional: true } },
		handler(this: This, ctx: Ctx<{ id: string; since?: string }>) {
			return revocationList(this.rt, scannerToken(ctx), ctx.params.id.toLowerCase(), ctx.params.since);
		}
	}
};
