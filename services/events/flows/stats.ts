/** Organizer stats for one event: sales by ticket type and day, revenue, check-ins over time, no-shows. */
import { buildStats } from "../rules/stats";
import type { EventsRuntime } from "../runtime";
import { entriesOf, refundedOf, salesOf, ticketCounts } from "../store/stats";
import { ticketTypesOf } from "../store/ticket-types";
import { ownEvent } from "./events";

export async function eventStats(rt: EventsRuntime, organizerId: string, eventId: string) {
	const e = await ownEvent(rt, organizerId, eventId);
	const db = { sequelize: rt.sequelize };
	const [types, sales, refunded, checkins, tickets] = await Promise.all([ticketTypesOf(db, [eventId]), salesOf(db, eventId), refundedOf(db, eventId), entriesOf(db, eventId), ticketCounts(db, eventId)]);
	return {
		eventId,
		status: e.status,
		timezone: e.timezone,
		...buildStats({
			timezone: e.timezone,
			currency: types[0]?.currency ?? null,
			types: types.map(t => ({ id: t.id, name: t.name, capacity: t.capacity, sold: t.sold, held: t.held, price: Number(t.price) })),
			sales,
			refunded,
			checkins,
			ticketsIssued: tickets.issued,
			ticketsCheckedIn: tickets.checkedIn,
			eventOver: e.status === "completed"
		})
	};
}
