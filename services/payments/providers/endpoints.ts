/**
 * Where each provider is, and where providers call us back. A configured URL
 * wins; a provider with credentials but no URL is the real host; with
 * neither, and simulators enabled (embedded and test mode), it is the
 * simulator mounted on the gateway's own address (`api.address`), wherever
 * that node runs. The discovered address is cached and dropped on failure,
 * so a restarted gateway is found again.
 */
import type { ServiceBroker } from "moleculer";
import { ProviderUnavailable } from "./types";

export interface Endpoints {
	/** Base URL of a provider's API (real host, configured URL or simulator). */
	base(configured: string | null, hasCredentials: boolean, realUrl: string, simPath: string): Promise<string>;
	/** Base of the URLs providers call back (…/api/v1/payments/callbacks/<provider>). */
	callbackBase(): Promise<string>;
	invalidate(): void;
}

export function endpoints(broker: ServiceBroker, opts: { useSimulators: boolean; callbackBaseUrl: string | null; publicUrl: string }): Endpoints {
	let gateway: Promise<string> | null = null;
	const gatewayUrl = () => {
		if (!gateway) {
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
		},
		invalidate() {
			gateway = null;
		}
	};
}
