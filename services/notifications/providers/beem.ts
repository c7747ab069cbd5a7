/**
 * Beem Africa SMS (PROVIDERS.md §5.2): JSON POST /v1/send with Basic
 * api_key:secret_key; numbers are digits without "+". Code 100 means submitted.
 */
import type { NotificationsConfig } from "../config";
import { forBeem } from "../rules/phone";
import { providerBase, type SimulatorEndpoints } from "./endpoints";
import { networkOutcome, retryAfterMs, type SendOutcome, type SmsSender } from "./types";

const NAME = "beem";

interface BeemResponse {
	successful?: boolean;
	request_id?: number | string;
	code?: number;
	message?: string;
	valid?: number;
	invalid?: number;
}

export function beemSender(cfg: NotificationsConfig, endpoints: SimulatorEndpoints): SmsSender {
	const b = cfg.beem;
	return {
		async send(to: string, text: string): Promise<SendOutcome> {
			let res: Response;
			try {
				const base = await providerBase(b.baseUrl, Boolean(b.apiKey), cfg.useSimulators, "https://apisms.beem.africa", { endpoints, path: NAME });
				const credentials = Buffer.from(`${b.apiKey ?? "simulator"}:${b.secretKey ?? "simulator"}`).toString("base64");
				res = await fetch(`${base}/v1/send`, {
					method: "POST",
					headers: { Authorization: `Basic ${credentials}`, "Content-Type": "application/json", Accept: "application/json" },
					body: JSON.stringify({
						source_addr: b.senderId,
						encoding: 0,
						schedule_time: "",
						message: text,
						recipients: [{ recipient_id: "1", dest_addr: forBeem(to) }]
					}),
					signal: AbortSignal.timeout(cfg.worker.sendTimeoutMs)
				});
			} catch (err) {
				endpoints.invalidate();
				return networkOutcome(NAME, err);
			}
			const raw = await res.text();
			let body: BeemResponse = {};
			try {
				body = JSON.parse(raw) as BeemResponse;
			} catch {
				// Not JSON: judged by the status alone below.
			}
			if (res.ok && body.code === 100) return { kind: "sent", provider: NAME, providerMessageId: body.request_id !== undefined && body.request_id !== null ? String(body.request_id) : null };
			const error = `${NAME}: HTTP ${res.status} ${body.code ?? ""} ${body.message ?? raw.slice(0, 200)}`.trim();
			if (res.ok && (body.invalid ?? 0) > 0 && (body.valid ?? 0) === 0) return { kind: "failed", provider: NAME, error };
			return { kind: "retry", provider: NAME, error, retryAfterMs: retryAfterMs(res.headers.get("retry-after")), notSent: true };
		}
	};
}
