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
import type { WithChannels } from "../../lib/events/channels";
import type { EventEnvelope } from "../../lib/events/envelope";
import { DbMixin, type DbVars } from "../../mixins/db.mixin";
import { DurableEventsMixin, type DurableEventsMethods } from "../../mixins/durable-events.mixin";
import { bookingActions } from "./actions/bookings";
import { checkinActions } from "./actions/checkins";
import type { Locals, This } from "./actions/context";
import { eventActions } from "./actions/events";
import { keyActions } from "./actions/keys";
import { ratingActions } from "./actions/ratings";
import { scannerActions } from "./actions/scanners";
import { statsActions } from "./actions/stats";
import { ticketTypeActions } from "./actions/ticket-types";
import { ticketActions } from "./actions/tickets";
import { loadEventsConfig } from "./config";
import { EventEntity } from "./models/event.model";
import { EventsWorker } from "./flows/lifecycle";
import { consumePayment } from "./flows/payments-consumer";

/** The service's own `this`: the action groups' plus the worker it runs. */
type Svc = This & { worker: EventsWorker };

const PAYMENT_EVENTS = ["payments.intent.succeeded", "payments.intent.failed", "payments.intent.expired"] as const;

const EventsService: WithChannels<ServiceSchema<ServiceSettingSchema, DurableEventsMethods, Locals & DbVars & { worker: EventsWorker }>> = {
	name: "events",
	mixins: [DbMixin({ database: "core", schema: "events", model: EventEntity }), DurableEventsMixin({ schema: "events" })],
	settings: { rest: "/events" },

	// Durable consumers (group "events"): payments' outcomes confirm or release bookings.
	channels: Object.fromEntries(
		PAYMENT_EVENTS.map(type => [
			type,
			{
				group: "events",
				async handler(this: Svc, envelope: EventEnvelope) {
					const done = await this.handleOnce("events", envelope, t => consumePayment(this.rt, t, envelope));
					// A payment for a booking that lost its seats queued a refund: the worker sends it.
					if (done.result) this.worker.kick();
				}
			}
		])
	),

	actions: {
		// Routes with a fixed first segment (bookings, tickets, organizers) come before /:id.
		...bookingActions,
		...ticketActions,
		...ratingActions,
		...statsActions,
		...ticketTypeActions,
		...eventActions,
		...keyActions,
		...scannerActions,
		...checkinActions
	},

	started(this: Svc) {
		const platform = platformConfig(this.broker);
		const cfg = loadEventsConfig(platform);
		this.rt = {
			sequelize: this.sequelize,
			broker: this.broker,
			cfg,
			raiseEvent: (t, type, data, actorId) => this.raiseEvent(t, type, data, actorId),
			raiseEvents: (t, type, items) => this.raiseEvents(t, type, items),
			kickWorker: () => this.worker.kick(),
			logger: this.logger
		};
		this.worker = new EventsWorker(this.rt);
		this.worker.start();
	},

	async stopped(this: Svc) {
		await this.worker?.stop();
	}
};

export default EventsService;
