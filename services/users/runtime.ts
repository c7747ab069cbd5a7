/** What the flows need from the service, passed explicitly so they read as plain functions. */
import type { Sequelize, Transaction } from "sequelize";
import type { EventData, EventType } from "../../lib/events/catalogue";
import type { Avatars } from "./avatars";

export interface UsersRuntime {
	sequelize: Sequelize;
	avatars: Avatars;
	raiseEvent<T extends EventType>(t: Transaction, type: T, data: EventData<T>, actorId?: string | null): Promise<unknown>;
	/** Clears cached internal reads (cache.ts patterns); call after the change committed. */
	invalidate(patterns: string[]): Promise<void>;
	logger: { warn(...a: unknown[]): void; info(...a: unknown[]): void };
}
