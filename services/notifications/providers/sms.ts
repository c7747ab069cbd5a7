/**
 * SMS through the configured providers in order. The next provider is tried
 * only when the previous one certainly did not take the message (it refused
 * it), never after a timeout: that could send the same SMS twice.
 */
import type { NotificationsConfig } from "../config";
import { africasTalkingSender } from "./africastalking";
import { beemSender } from "./beem";
import type { SimulatorEndpoints } from "./endpoints";
import type { SendOutcome, SmsSender } from "./types";

export function smsSender(cfg: NotificationsConfig, endpoints: SimulatorEndpoints): SmsSender {
	const senders = cfg.smsProviders.map(name => (name === "beem" ? beemSender(cfg, endpoints) : africasTalkingSender(cfg, endpoints)));
	return {
		async send(to, text): Promise<SendOutcome> {
			let outcome: SendOutcome = { kind: "retry", provider: null, error: "no SMS provider" };
			for (const sender of senders) {
				outcome = await sender.send(to, text);
				if (outcome.kind !== "retry" || !outcome.notSent) return outcome;
			}
			return outcome;
		}
	};
}
