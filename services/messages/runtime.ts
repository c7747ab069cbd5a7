/** What the flows need from the service, passed explicitly so they read as plain functions. */
import type { ServiceBroker } from "moleculer";
import type { Sequelize } from "sequelize";
import type { MessagesConfig } from "./config";
import type { DirectConversations } from "./flows/direct-conversations";

export interface MessagesRuntime {
	sequelize: Sequelize;
	broker: ServiceBroker;
	cfg: MessagesConfig;
	/** What sends need of direct conversations, kept in memory (they never change). */
	directConversations: DirectConversations;
	/** Wakes the outbox relay after a statement wrote an event without raiseEvent (the send); its 1 s poll is the fallback. */
	kickOutbox(): void;
	logger: { warn(...a: unknown[]): void; info(...a: unknown[]): void; debug(...a: unknown[]): void };
}
