/**
 * The resolved platform configuration travels on the broker options, so every
 * service (and every broker a test starts) reads the config it was started with.
 */
import type { ServiceBroker } from "moleculer";
import type { PlatformConfig } from "./env";

export * from "./env";

export interface ResolvedConfig extends PlatformConfig {
	/** Database URLs after embedded defaults have been applied. */
	databaseUrl: string;
	notifDatabaseUrl: string;
}

export function platformConfig(broker: ServiceBroker): ResolvedConfig {
	const cfg = (broker.options as { nexgate?: ResolvedConfig }).nexgate;
	if (!cfg) throw new Error("broker was created without the Nexgate platform configuration");
	return cfg;
}
