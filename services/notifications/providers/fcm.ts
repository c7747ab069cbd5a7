/**
 * Push through Firebase Cloud Messaging HTTP v1 (PROVIDERS.md §5.3).
 * UNREGISTERED (404), a token FCM calls invalid (400), or a token of another
 * sender (403) mean the device token is dead: the caller forgets it.
 * 429 and 5xx are retried, honouring Retry-After.
 */
import type { NotificationsConfig, ServiceAccount } from "../config";
import { providerBase, type SimulatorEndpoints } from "./endpoints";
import { FcmTokenSource } from "./fcm-auth";
import { networkOutcome, retryAfterMs, type PushSender, type SendOutcome } from "./types";

const NAME = "fcm";

interface FcmError {
	error?: { code?: number; message?: string; status?: string; details?: Array<{ "@type"?: string; errorCode?: string }> };
}

function fcmErrorCode(body: FcmError): string {
	const detail = body.error?.details?.find(d => d["@type"]?.endsWith("google.firebase.fcm.v1.FcmError"));
	return detail?.errorCode ?? body.error?.status ?? "UNKNOWN";
}

export function fcmSender(cfg: NotificationsConfig, endpoints: SimulatorEndpoints): PushSender {
	const tokens = new FcmTokenSource(cfg.worker.sendTimeoutMs);
	const account = async (): Promise<ServiceAccount> => cfg.fcm.serviceAccount ?? (cfg.useSimulators ? endpoints.fcmServiceAccount() : Promise.reject(new Error("FCM_SERVICE_ACCOUNT is not configured")));
	return {
		async send(token, m): Promise<SendOutcome> {
			let res: Response;
			try {
				const sa = await account();
				const base = await providerBase(cfg.fcm.baseUrl, Boolean(cfg.fcm.serviceAccount), cfg.useSimulators, "https://fcm.googleapis.com", { endpoints, path: NAME });
				const accessToken = await tokens.accessToken(sa);
				res = await fetch(`${base}/v1/projects/${encodeURIComponent(sa.projectId)}/messages:send`, {
					method: "POST",
					headers: { Authorization: `Bearer ${accessToken}`, "Content-Type": "application/json" },
					body: JSON.stringify({
						message: {
							token,
							notification: { title: m.title, body: m.body },
							data: m.data,
							android: { priority: m.urgent ? "HIGH" : "NORMAL", ...(m.collapseKey ? { collapse_key: m.collapseKey } : {}) },
							apns: { headers: { "apns-priority": m.urgent ? "10" : "5", ...(m.collapseKey ? { "apns-collapse-id": m.collapseKey.slice(0, 64) } : {}) } }
						}
					}),
					signal: AbortSignal.timeout(cfg.worker.sendTimeoutMs)
				});
			} catch (err) {
				// The simulator's account or address may have changed (gateway restarted): discover again next time.
				endpoints.invalidate();
				tokens.invalidate();
				return networkOutcome(NAME, err);
			}
			const body = (await res.json().catch(() => ({}))) as FcmError & { name?: string };
			if (res.ok) return { kind: "sent", provider: NAME, providerMessageId: body.name ?? null };
			const code = fcmErrorCode(body);
			const error = `${NAME}: ${res.status} ${code}`;
			if (code === "UNREGISTERED" || code === "SENDER_ID_MISMATCH") return { kind: "failed", provider: NAME, error, invalidToken: true };
			if (code === "INVALID_ARGUMENT")
				return { kind: "failed", provider: NAME, error: `${error} ${body.error?.message ?? ""}`.trim(), invalidToken: /registration token/i.test(body.error?.message ?? "") };
			if (res.status === 401) tokens.invalidate();
			return { kind: "retry", provider: NAME, error, retryAfterMs: retryAfterMs(res.headers.get("retry-after")) };
		}
	};
}
