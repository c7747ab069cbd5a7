/**
 * Africa's Talking SMS (PROVIDERS.md §5.1): form-encoded POST
 * /version1/messaging with the `apiKey` header; 201 with per-recipient status
 * codes. 100 Processed, 101 Sent and 102 Queued are accepted.
 */
import type { NotificationsConfig } from "../config";
import { forAfricasTalking } from "../rules/phone";
import { providerBase, type SimulatorEndpoints } from "./endpoints";
import { networkOutcome, retryAfterMs, type SendOutcome, type SmsSender } from "./types";

const NAME = "africastalking";
const ACCEPTED = new Set([100, 101, 102]);
/** Worth another try: balance can be topped up, gateways recover. */
const TRANSIENT = new Set([405, 500, 501, 502]);

interface AtResponse {
	SMSMessageData?: { Message?: string; Recipients?: Array<{ statusCode: number; status: string; number: string; messageId?: string }> };
}

export function africasTalkingSender(cfg: NotificationsConfig, endpoints: SimulatorEndpoints): SmsSender {
	const at = cfg.africasTalking;
	const real = at.username === "sandbox" ? "https://api.sandbox.africastalking.com" : "https://api.africastalking.com";
	return {
		async send(to: string, text: string): Promise<SendOutcome> {
			let res: Response;
			try {
				const base = await providerBase(at.baseUrl, Boolean(at.apiKey), cfg.useSimulators, real, { endpoints, path: NAME });
				const form = new URLSearchParams({ username: at.username, to: forAfricasTalking(to), message: text, bulkSMSMode: "1" });
				if (at.senderId) form.set("from", at.senderId);
				res = await fetch(`${base}/version1/messaging`, {
					method: "POST",
					headers: { apiKey: at.apiKey ?? "simulator", Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
					body: form.toString(),
					signal: AbortSignal.timeout(cfg.worker.sendTimeoutMs)
				});
			} catch (err) {
				endpoints.invalidate();
				return networkOutcome(NAME, err);
			}
			const raw = await res.text();
			if (res.status !== 200 && res.status !== 201)
				return { kind: "retry", provider: NAME, error: `${NAME}: HTTP ${res.status} ${raw.slice(0, 200)}`, retryAfterMs: retryAfterMs(res.headers.get("retry-after")), notSent: true };
			let body: AtResponse;
			try {
				body = JSON.parse(raw) as AtResponse;
			} catch {
				return { kind: "retry", provider: NAME, error: `${NAME}: unreadable answer` };
			}
			const r = body.SMSMessageData?.Recipients?.[0];
			if (!r) return { kind: "retry", provider: NAME, error: `${NAME}: no recipient status (${body.SMSMessageData?.Message ?? "no message"})`, notSent: true };
			if (ACCEPTED.has(r.statusCode)) return { kind: "sent", provider: NAME, providerMessageId: r.messageId ?? null };
			const error = `${NAME}: ${r.statusCode} ${r.status}`;
			return TRANSIENT.has(r.statusCode) ? { kind: "retry", provider: NAME, error, notSent: true } : { kind: "failed", provider: NAME, error };
		}
	};
}
