/** Organizer stats route (API.md "events"). */
import { eventStats } from "../flows/stats";
import { me, pathId, type ActionGroup, type Ctx, type This } from "./context";

export const statsActions: ActionGroup = {
	eventStats: {
		rest: "GET /:id/stats",
		openapi: { summary: "My event's stats: sales by ticket type and day (in the event's time zone), revenue, check-ins per hour, no-shows once it completed" },
		params: pathId,
		handler(this: This, ctx: Ctx<{ id: string }>) {
			return eventStats(this.rt, me(ctx), ctx.params.id.toLowerCase());
		}
	}
};
