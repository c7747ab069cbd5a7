/**
 * Where each provider is, and where providers call us back. A configured URL
 * wins; a provider with credentials but no URL is the real host; with
 * neither, and simulators enabled (embedded and test mode), it is the
 * simulator mounted on the gateway's own address (`api.address`), wherever
 * that node runs. The discovered address is kept for at most a second (and
 * dropped when asking fails): a restarted gateway listens on a new port, and
 * a restart takes longer than that, so the next call finds it again.
 */
import type { ServiceBroker } from "moleculer";
import { ProviderUnavailable } from "./types";

export interface Endpoints {
	/** Base URL of a provider's API (real host, configured URL or simulator). */
	base(configured: string | null, hasCredentials: boolean, realUrl: string, simPath: string): Promise<string>;
	/** Base of the URLs providers call back (…/api/v1/payments/callbacks/<provider>). */
	callbackBase(): Promise<string>;
}

/** How long a discovered gateway address is trusted (simulator mode only; real providers have fixed URLs). */
const GATEWAY_ADDRESS_TTL_MS = 1000;

export function endpoints(broker: ServiceBroker, opts: { useSimulators: boolean; callbackBaseUrl: string | null; publicUrl: string }): Endpoints {
	let gateway: Promise<string> | null = null;
	let askedAt = 0;
	const gatewayUrl = () => {
		if (!gateway || Date.now() - askedAt > GATEWAY_ADDRESS_TTL_MS) {
			askedAt = Date.now();
			gateway = broker
				.call<{ url: string }, Record<string, never>>("api.address", {}, { timeout: 5000 })
				.then(a => a.url)
				.catch(err => {
					gateway = null;
					throw new ProviderUnavailable("gateway", `simulators not reachable: ${(err as Error).message}`);
				});
		}
		return gateway;
	};
	return {
		async base(configured, hasCredentials, realUrl, simPath) {
			if (configured) return configured.replace(/\/+$/, "");
			if (!hasCredentials && opts.useSimulators) return `${await gatewayUrl()}/sim/${simPath}`;
			return realUrl;
		},
		async callbackBase() {
			if (opts.callbackBaseUrl) return opts.callbackBaseUrl.replace(/\/+$/, "");
			if (opts.useSimulators) return gatewayUrl();
			return opts.publicUrl.replace(/\/+$/, "");
		}
	};
}
