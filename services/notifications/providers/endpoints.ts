/**
 * Where each provider is. A configured URL wins; a provider with credentials
 * but no URL is the real one; with neither, and simulators enabled (embedded
 * and test mode), it is the simulator mounted on the gateway's own address
 * (`api.address`), wherever that node runs. Discoveries are cached and
 * dropped on failure, so a restarted gateway is found again.
 */
import type { ServiceBroker } from "moleculer";
import type { ServiceAccount } from "../config";

/**
 * The simulators (or the gateway they hang off) cannot be reached from this
 * node right now: a node that just started has not discovered the gateway
 * yet, or the gateway is restarting. Not the provider failing, so it does not
 * use up the delivery's attempts.
 */
export class SimulatorUnavailable extends Error {
	constructor(cause: unknown) {
		super(`simulators not reachable: ${(cause as Error)?.message ?? cause}`);
		this.name = "SimulatorUnavailable";
	}
}

export interface SimulatorEndpoints {
	/** Base URL of the gateway, e.g. http://127.0.0.1:3000. */
	gatewayUrl(): Promise<string>;
	smtp(): Promise<{ host: string; port: number }>;
	fcmServiceAccount(): Promise<ServiceAccount>;
	/** Forget what was discovered (after a connection failure). */
	invalidate(): void;
}

export function simulatorEndpoints(broker: ServiceBroker): SimulatorEndpoints {
	const cache = new Map<string, Promise<unknown>>();
	const discover = <T>(key: string, action: string): Promise<T> => {
		let p = cache.get(key) as Promise<T> | undefined;
		if (!p) {
			// Asked first so an absent gateway (starting, restarting) is not a warning in the log on every poll.
			const available = (broker.registry as unknown as { actions: { isAvailable(name: string): boolean } }).actions.isAvailable(action);
			const call = available ? broker.call<T, Record<string, never>>(action, {}, { timeout: 5000 }) : Promise.reject(new Error(`${action} is not available`));
			p = call.catch(err => {
				cache.delete(key);
				throw new SimulatorUnavailable(err);
			});
			cache.set(key, p);
		}
		return p;
	};
	return {
		gatewayUrl: async () => (await discover<{ url: string }>("gateway", "api.address")).url,
		smtp: () => discover("smtp", "simulators.smtpAddress"),
		fcmServiceAccount: () => discover("fcm", "simulators.fcmServiceAccount"),
		invalidate: () => cache.clear()
	};
}

/** The base URL for a provider, per the rule above. */
export async function providerBase(
	configured: string | null,
	hasCredentials: boolean,
	useSimulators: boolean,
	realUrl: string,
	sim: { endpoints: SimulatorEndpoints; path: string }
): Promise<string> {
	if (configured) return configured.replace(/\/+$/, "");
	if (!hasCredentials && useSimulators) return `${await sim.endpoints.gatewayUrl()}/sim/${sim.path}`;
	return realUrl;
}
