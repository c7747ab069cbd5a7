/** Ticket type routes (API.md "events"). */
import { addTicketType } from "../flows/ticket-types";
import { CAPACITY_MAX, NAME_MAX, type TicketTypeInput } from "../rules/ticket-type";
import { me, pathId, pick, type ActionGroup, type Ctx, type This } from "./context";

const FIELDS = ["name", "price", "currency", "capacity", "salesStart", "salesEnd", "perOrderLimit", "hidden", "unlockCode", "allowsReentry"];

export const ticketTypeActions: ActionGroup = {
	addTicketType: {
		rest: "POST /:id/ticket-types",
		openapi: { summary: "Add a ticket type to my event: free (price 0) or paid, capacity, sale window, per-order limit, hidden behind an unlock code", status: 201 },
		params: {
			...pathId,
			name: { type: "string", max: NAME_MAX * 2 },
			price: { type: "number", integer: true, min: 0 },
			currency: { type: "string", max: 8 },
			capacity: { type: "number", integer: true, min: 1, max: CAPACITY_MAX },
			salesStart: { type: "string", max: 64, optional: true, nullable: true },
			salesEnd: { type: "string", max: 64, optional: true, nullable: true },
			perOrderLimit: { type: "number", integer: true, min: 1, optional: true },
			hidden: { type: "boolean", optional: true },
			unlockCode: { type: "string", max: 64, optional: true },
			allowsReentry: { type: "boolean", optional: true }
		},
		async handler(this: This, ctx: Ctx<TicketTypeInput & { id: string }>) {
			const view = await addTicketType(this.rt, me(ctx), ctx.params.id.toLowerCase(), pick(ctx.params, FIELDS));
			ctx.meta.$statusCode = 201;
			ctx.meta.$location = `/api/v1/events/${view.eventId}`;
			return view;
		}
	}
};
