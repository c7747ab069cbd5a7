/**
 * Durable domain events for a service that owns a schema:
 *   this.raiseEvent(t, type, data, actorId)  writes to the outbox in `t`
 *   this.raiseEvents(t, type, items)         many of one type in one INSERT (a batch of sales)
 *   this.handleOnce(consumer, envelope, fn)  runs fn once per event id
 * and runs the outbox relay while the service is up.
 */
import type { ServiceSchema } from "moleculer";
import type { Sequelize, Transaction } from "sequelize";
import { platformConfig } from "../lib/config";
import { acquireSequelize, releaseSequelize } from "../lib/db/connections";
import type { DatabaseName } from "../lib/db/migrator";
import type { EventData, EventType } from "../lib/events/catalogue";
import { consumeOnce } from "../lib/events/consume-once";
import { makeEnvelope, type EventEnvelope } from "../lib/events/envelope";
import { OutboxRelay, writeManyToOutbox, writeToOutbox } from "../lib/events/outbox";

export interface DurableEventsMethods {
	raiseEvent<T extends EventType>(t: Transaction, type: T, data: EventData<T>, actorId?: string | null): Promise<EventEnvelope<T>>;
	raiseEvents<T extends EventType>(t: Transaction, type: T, items: ReadonlyArray<{ data: EventData<T>; actorId: string | null }>): Promise<void>;
	handleOnce<R>(consumer: string, envelope: EventEnvelope, work: (t: Transaction) => Promise<R>): Promise<{ processed: boolean; result?: R }>;
}

interface State {
	eventsDb: Sequelize;
	eventsDbUrl: string;
	outboxRelay: OutboxRelay;
}

export function DurableEventsMixin(opts: { database?: DatabaseName; schema: string }): Partial<ServiceSchema> {
	const database = opts.database ?? "core";
	return {
		methods: {
			async raiseEvent(this: State, t: Transaction, type: EventType, data: never, actorId: string | null = null) {
				const envelope = makeEnvelope(type, data, actorId);
				await writeToOutbox(this.eventsDb, opts.schema, t, envelope);
				t.afterCommit(() => this.outboxRelay.kick());
				return envelope;
			},
			async raiseEvents(this: State, t: Transaction, type: EventType, items: ReadonlyArray<{ data: never; actorId: string | null }>) {
				if (items.length === 0) return;
				await writeManyToOutbox(this.eventsDb, opts.schema, t, items.map(i => makeEnvelope(type, i.data, i.actorId)));
				t.afterCommit(() => this.outboxRelay.kick());
			},
			async handleOnce(this: State, consumer: string, envelope: EventEnvelope, work: (t: Transaction) => Promise<unknown>) {
				return consumeOnce(this.eventsDb, opts.schema, consumer, envelope, work);
			}
		},
		created(this: State & { broker: never; logger: never }) {
			const cfg = platformConfig(this.broker);
			this.eventsDbUrl = database === "core" ? cfg.databaseUrl : cfg.notifDatabaseUrl;
			this.eventsDb = acquireSequelize(this.eventsDbUrl);
			this.outboxRelay = new OutboxRelay(this.broker, this.eventsDb, opts.schema, this.logger);
		},
		started(this: State) {
			this.outboxRelay.start();
		},
		async stopped(this: State) {
			await this.outboxRelay.stop();
			await releaseSequelize(this.eventsDbUrl);
		}
	} as unknown as Partial<ServiceSchema>;
}
