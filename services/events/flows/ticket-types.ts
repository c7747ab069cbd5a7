/** Adding ticket types to an event (organizer only, before the event happens). */
import { inTransaction } from "../../../lib/db/transaction";
import { newId } from "../../../lib/ids";
import { EventsError } from "../errors";
import { may } from "../rules/lifecycle";
import { resolveTicketType, type TicketTypeInput } from "../rules/ticket-type";
import type { EventsRuntime } from "../runtime";
import { eventCurrency, insertTicketType } from "../store/ticket-types";
import { ownEvent } from "./events";
import { ticketTypeView } from "./views";

export async function addTicketType(rt: EventsRuntime, organizerId: string, eventId: string, input: TicketTypeInput) {
	return inTransaction(rt.sequelize, async t => {
		// The event row's lock serialises additions, so two first types cannot pick two currencies.
		const e = await ownEvent(rt, organizerId, eventId, t);
		if (!may("addTicketType", e.status)) throw EventsError.eventState(e.status, "given new ticket types");
		const currency = await eventCurrency({ sequelize: rt.sequelize, t }, eventId);
		const fields = resolveTicketType(input, { endsAt: e.ends_at, currency }, rt.cfg.maxTicketsPerBooking);
		if ("field" in fields) throw EventsError.invalid(fields.field, fields.message);
		const row = await insertTicketType({ sequelize: rt.sequelize, t }, newId(), eventId, fields);
		return ticketTypeView(row, e, true);
	});
}
