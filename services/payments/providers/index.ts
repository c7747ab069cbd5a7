/** The adapters by provider name, each pointed at its real host, a configured URL or the simulator. */
import type { PaymentsConfig } from "../config";
import type { ProviderName } from "../rules/providers";
import { darajaAdapter } from "./daraja";
import type { Endpoints } from "./endpoints";
import { selcomAdapter } from "./selcom";
import { temboAdapter } from "./tembo";
import type { ProviderAdapter } from "./types";

export function providerAdapters(cfg: PaymentsConfig, where: Endpoints): Record<ProviderName, ProviderAdapter> {
	return {
		mpesa: darajaAdapter(cfg.daraja, where, cfg.providerTimeoutMs),
		selcom: selcomAdapter(cfg.selcom, where, cfg.providerTimeoutMs),
		tembo: temboAdapter(cfg.tembo, where, cfg.providerTimeoutMs)
	};
}
