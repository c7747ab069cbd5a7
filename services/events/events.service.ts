/**
 * `events`: events (draft → published → happening → completed | cancelled),
 * ticket types, bookings paid through `payments` with escrow per booking,
 * signed tickets, scanners and check-ins, organizer ratings and stats
 * (DESIGN.md §2, API.md "events"; rules, limits and decisions in docs/events.md).
 *
 * Two engineers share this service (docs/events.md): each action group lives
 * in actions/<group>.ts; durable consumers are declared only here.
 */
import type { ServiceSchema, ServiceSettingSchema } from "moleculer";
import "../api/action-options";
import { platformConfig } from "../../lib/config";
import { DbMixin, type DbVars } from "../../mixins/db.mixin";
import { DurableEventsMixin, type DurableEventsMethods } from "../../mixins/durable-events.mixin";
import { bookingActions } from "./actions/bookings";
import type { Locals, This } from "./actions/context";
import { eventActions } from "./actions/events";
import { ratingActions } from "./actions/ratings";
import { statsActions } from "./actions/stats";
import { ticketTypeActions } from "./actions/ticket-types";
import { loadEventsConfig } from "./config";
import { EventEntity } from "./models/event.model";

const EventsService: ServiceSchema<ServiceSettingSchema, DurableEventsMethods, Locals & DbVars> = {
	name: "events",
	mixins: [DbMixin({ database: "core", schema: "events", model: EventEntity }), DurableEventsMixin({ schema: "events" })],
	settings: { rest: "/events" },

	actions: {
		// Routes with a fixed first segment (bookings, tickets, organizers) come before /:id.
		...bookingActions,
		...ratingActions,
		...statsActions,
		...ticketTypeActions,
		...eventActions
		/* TIX adds ...ticketActions, ...keyActions, ...scannerActions, ...checkinActions */
	},

	started(this: This) {
		const platform = platformConfig(this.broker);
		const cfg = loadEventsConfig(platform);
		this.rt = {
			sequelize: this.sequelize,
			broker: this.broker,
			cfg,
			raiseEvent: (t, type, data, actorId) => this.raiseEvent(t, type, data, actorId),
			kickWorker: () => undefined,
			logger: this.logger
		};
	}
};

export default EventsService;
