/** What the flows need from the service, passed explicitly so they read as plain functions. */
import type { ServiceBroker } from "moleculer";
import type { Sequelize, Transaction } from "sequelize";
import type { EventData, EventType } from "../../lib/events/catalogue";
import type { EventsConfig } from "./config";

export interface EventsRuntime {
	sequelize: Sequelize;
	broker: ServiceBroker;
	cfg: EventsConfig;
	raiseEvent<T extends EventType>(t: Transaction, type: T, data: EventData<T>, actorId?: string | null): Promise<unknown>;
	/** One event of `type` per item, written to the outbox in one INSERT (a batch of sales). */
	raiseEvents<T extends EventType>(t: Transaction, type: T, items: ReadonlyArray<{ data: EventData<T>; actorId: string | null }>): Promise<void>;
	/** Wakes the background worker (lifecycle, expiries, refunds, payouts) after a commit gave it work. */
	kickWorker(): void;
	logger: { warn(...a: unknown[]): void; info(...a: unknown[]): void; error(...a: unknown[]): void };
}
