/**
 * Sends one claimed delivery and records what happened. Message bodies are
 * never logged (they may hold a one-time code); errors name the delivery, the
 * channel and the provider's answer only.
 */
import type { NotificationsConfig } from "./config";
import { nextRetry } from "./rules/retry";
import { smsAllowance } from "./rules/sms-limit";
import { open } from "./sealing";
import { removeToken } from "./store/devices";
import { markDead, markFailed, markSent, postpone, recentSmsSent, scheduleRetry, type Delivery, type DeliveryContent, type EmailContent, type PushContent, type SmsContent } from "./store/deliveries";
import type { Db } from "../../lib/db/sql";
import type { EmailSender, PushSender, SendOutcome, SmsSender } from "./providers/types";

export interface Senders {
	sms: SmsSender;
	email: EmailSender;
	push: PushSender;
}

type Logger = { warn(...a: unknown[]): void; info(...a: unknown[]): void };

const HOUR_MS = 3600_000;

/** What became of one attempt (counted per channel in nexgate_notifications_deliveries_total). */
export type DispatchOutcome = SendOutcome["kind"] | "postponed" | "dead";

export async function dispatch(db: Db, cfg: NotificationsConfig, senders: Senders, d: Delivery, log: Logger): Promise<DispatchOutcome> {
	const now = new Date();
	if (d.expiresAt && d.expiresAt <= now) {
		await markFailed(db, d.id, "expired before it could be sent");
		return "failed";
	}
	const content = (d.sealed ? JSON.parse(open(cfg.encryptionKey, d.sealed)) : d.content) as DeliveryContent;

	if (d.channel === "sms") {
		const recent = await recentSmsSent(db, d.destination, HOUR_MS, Math.max(1, cfg.smsPerDestinationPerHour));
		const allowance = smsAllowance(recent, now, { limit: cfg.smsPerDestinationPerHour, windowMs: HOUR_MS });
		if (!allowance.allowed) {
			// A code that arrives an hour late is useless; anything else can wait for the window.
			if (d.urgent) await markFailed(db, d.id, "per-destination SMS limit reached");
			else await postpone(db, d.id, allowance.retryAt, "per-destination SMS limit reached");
			return d.urgent ? "failed" : "postponed";
		}
	}

	let outcome: SendOutcome;
	try {
		if (d.channel === "sms") outcome = await senders.sms.send(d.destination, (content as SmsContent).text);
		else if (d.channel === "email") outcome = await senders.email.send(d.destination, content as EmailContent);
		else {
			const p = content as PushContent;
			outcome = await senders.push.send(d.destination, { title: p.title, body: p.body, data: p.data, collapseKey: p.collapseKey, urgent: d.urgent });
		}
	} catch (err) {
		outcome = { kind: "retry", provider: null, error: `unexpected: ${(err as Error).message}` };
	}

	if (outcome.kind === "sent") {
		await markSent(db, d.id, outcome.provider, outcome.providerMessageId);
	} else if (outcome.kind === "failed") {
		await markFailed(db, d.id, outcome.error, outcome.provider);
		if (outcome.invalidToken) await removeToken(db, d.destination);
		log.info(`Delivery ${d.id} (${d.channel}) failed for good: ${outcome.error}`);
	} else if (outcome.uncounted) {
		await postpone(db, d.id, new Date(Date.now() + cfg.retry.baseMs), outcome.error);
		return "postponed";
	} else {
		const decision = nextRetry(d.attempts, cfg.retry, outcome.retryAfterMs);
		if (decision.dead) {
			await markDead(db, d.id, outcome.error, outcome.provider);
			log.warn(`Delivery ${d.id} (${d.channel}) is dead after ${d.attempts} attempts: ${outcome.error}`);
			return "dead";
		} else {
			await scheduleRetry(db, d.id, decision.delayMs, outcome.error, outcome.provider);
		}
	}
	return outcome.kind;
}
