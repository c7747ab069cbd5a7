/** What the flows need from the service, passed explicitly so they read as plain functions. */
import type { ServiceBroker } from "moleculer";
import type { Sequelize, Transaction } from "sequelize";
import type { EventData, EventType } from "../../lib/events/catalogue";
import type { CommerceConfig } from "./config";
import type { Peers } from "./peers";

export interface CommerceRuntime {
	sequelize: Sequelize;
	broker: ServiceBroker;
	cfg: CommerceConfig;
	peers: Peers;
	raiseEvent<T extends EventType>(t: Transaction, type: T, data: EventData<T>, actorId?: string | null): Promise<unknown>;
	logger: { warn(...a: unknown[]): void; info(...a: unknown[]): void; error(...a: unknown[]): void };
	/** The orders sweeper of this node (flows/completion.ts), started and stopped with the service. */
	ordersSweeper?: { start(): void; stop(): Promise<void> };
}
