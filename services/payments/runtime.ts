/**
 * What every payments flow needs, assembled once by the service and passed
 * to the flow functions, so the flows stay plain functions.
 */
import type { Logger } from "moleculer";
import type { Sequelize, Transaction } from "sequelize";
import type { EventData, EventType } from "../../lib/events/catalogue";
import type { PaymentsConfig } from "./config";
import type { Endpoints } from "./providers/endpoints";
import type { ProviderAdapter } from "./providers/types";
import type { ProviderName } from "./rules/providers";
import type { Db } from "../../lib/db/sql";

export interface PaymentsRuntime {
	cfg: PaymentsConfig;
	sequelize: Sequelize;
	providers: Record<ProviderName, ProviderAdapter>;
	endpoints: Endpoints;
	raiseEvent<T extends EventType>(t: Transaction, type: T, data: EventData<T>, actorId?: string | null): Promise<unknown>;
	/** Wakes the reconciliation worker of this node (a callback just arrived, a payout was queued). */
	kick(): void;
	/** Counts an intent reaching a status (nexgate_payments_intents_total), after its transaction committed. */
	countIntent(provider: ProviderName, status: string): void;
	logger: Logger;
}

export function dbOf(rt: Pick<PaymentsRuntime, "sequelize">, t?: Transaction): Db {
	return { sequelize: rt.sequelize, t };
}

/** The callback URL of one intent or payout: the provider's path plus the transaction's secret. */
export async function callbackUrl(rt: PaymentsRuntime, provider: ProviderName, refId: string, token: string): Promise<string> {
	return `${await rt.endpoints.callbackBase()}/api/v1/payments/callbacks/${provider}?ref=${refId}&token=${token}`;
}
