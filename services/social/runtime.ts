/** What the flows need from the service, passed explicitly so they read as plain functions. */
import type { ServiceBroker } from "moleculer";
import type { Sequelize, Transaction } from "sequelize";
import type { EventData, EventType } from "../../lib/events/catalogue";
import type { SocialConfig } from "./config";
import type { BigAuthors } from "./feeds/big-authors";
import type { FeedStore } from "./feeds/feed-store";
import type { Peers } from "./peers";

export interface SocialRuntime {
	sequelize: Sequelize;
	broker: ServiceBroker;
	cfg: SocialConfig;
	feeds: FeedStore;
	bigAuthors: BigAuthors;
	peers: Peers;
	raiseEvent<T extends EventType>(t: Transaction, type: T, data: EventData<T>, actorId?: string | null): Promise<unknown>;
	logger: { warn(...a: unknown[]): void; info(...a: unknown[]): void; error(...a: unknown[]): void };
}

export const db = (rt: SocialRuntime, t?: Transaction) => ({ sequelize: rt.sequelize, t });
