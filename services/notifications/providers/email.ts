/**
 * Email over SMTP with nodemailer (PROVIDERS.md §5.4): SMTP_URL, or the
 * simulator's SMTP port in embedded and test mode. A 5xx reply to a
 * recipient (no such mailbox) is final; anything else is retried.
 */
import nodemailer, { type Transporter } from "nodemailer";
import type { NotificationsConfig } from "../config";
import type { SimulatorEndpoints } from "./endpoints";
import type { EmailSender, SendOutcome } from "./types";

const NAME = "smtp";

export function emailSender(cfg: NotificationsConfig, endpoints: SimulatorEndpoints): EmailSender {
	let transport: { key: string; t: Transporter } | null = null;

	async function transporter(): Promise<Transporter> {
		if (cfg.smtpUrl) {
			transport ??= { key: cfg.smtpUrl, t: nodemailer.createTransport(`${cfg.smtpUrl}${cfg.smtpUrl.includes("?") ? "&" : "?"}pool=true`) };
			return transport.t;
		}
		if (!cfg.useSimulators) throw new Error("SMTP_URL is not configured");
		const { host, port } = await endpoints.smtp();
		const key = `${host}:${port}`;
		if (transport?.key !== key) {
			transport?.t.close();
			// The simulator speaks plain SMTP on the loopback interface: no TLS to negotiate.
			transport = { key, t: nodemailer.createTransport({ host, port, secure: false, ignoreTLS: true, pool: true }) };
		}
		return transport.t;
	}

	return {
		async send(to, mail): Promise<SendOutcome> {
			try {
				const info = await (await transporter()).sendMail({ from: cfg.emailFrom, to, subject: mail.subject, text: mail.text, html: mail.html });
				if ((info.rejected ?? []).length > 0) return { kind: "failed", provider: NAME, error: `${NAME}: recipient rejected` };
				return { kind: "sent", provider: NAME, providerMessageId: info.messageId ?? null };
			} catch (err) {
				const e = err as { responseCode?: number; code?: string; message?: string; name?: string };
				if (e.name === "SimulatorUnavailable") return { kind: "retry", provider: NAME, error: `${NAME}: ${e.message}`, notSent: true, uncounted: true };
				if (e.responseCode && e.responseCode >= 500 && e.code === "EENVELOPE") return { kind: "failed", provider: NAME, error: `${NAME}: ${e.responseCode} recipient refused` };
				endpoints.invalidate();
				if (transport && !cfg.smtpUrl) {
					transport.t.close();
					transport = null;
				}
				return { kind: "retry", provider: NAME, error: `${NAME}: ${e.responseCode ?? e.code ?? e.message ?? "failed"}` };
			}
		},
		close() {
			transport?.t.close();
			transport = null;
		}
	};
}
