/**
 * The email simulator: a real SMTP server (smtp-server) that accepts any
 * sender and credentials, parses each message (mailparser) and keeps it in
 * the inbox. Plain SMTP without STARTTLS: it listens for the platform's own
 * nodes only.
 */
import { simpleParser, type AddressObject } from "mailparser";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import type { EmailMessage, Inbox } from "./inbox";

export interface SmtpSimulator {
	address(): { host: string; port: number };
	close(): Promise<void>;
}

const addresses = (a: AddressObject | AddressObject[] | undefined): string[] =>
	(Array.isArray(a) ? a : a ? [a] : []).flatMap(x => x.value.map(v => v.address ?? "")).filter(Boolean);

export async function startSmtpSimulator(inbox: Inbox<EmailMessage>, bindHost: string, port: number): Promise<SmtpSimulator> {
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ["STARTTLS"],
		logger: false,
		size: 10 * 1024 * 1024,
		onAuth(auth, _session, callback) {
			callback(null, { user: auth.username ?? "simulator" });
		},
		onData(stream, session, callback) {
			simpleParser(stream)
				.then(mail => {
					const envelopeTo = session.envelope.rcptTo.map(r => r.address.toLowerCase());
					inbox.add({
						id: `${Date.now()}-${Math.random().toString(36).slice(2, 10)}`,
						messageId: mail.messageId ?? null,
						from: addresses(mail.from)[0] ?? (session.envelope.mailFrom ? session.envelope.mailFrom.address : ""),
						to: envelopeTo.length ? envelopeTo : addresses(mail.to).map(a => a.toLowerCase()),
						subject: mail.subject ?? "",
						text: mail.text ?? "",
						html: typeof mail.html === "string" ? mail.html : "",
						receivedAt: new Date().toISOString()
					});
					callback();
				})
				.catch(err => callback(err as Error));
		}
	});
	await new Promise<void>((resolve, reject) => {
		server.once("error", reject);
		server.listen(port, bindHost, () => resolve());
	});
	server.on("error", () => undefined);
	return {
		address() {
			const a = (server as unknown as { server: { address(): AddressInfo } }).server.address();
			return { host: bindHost === "0.0.0.0" || bindHost === "::" ? "127.0.0.1" : bindHost, port: a.port };
		},
		close: () => new Promise<void>(resolve => server.close(() => resolve()))
	};
}
