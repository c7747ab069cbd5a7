/**
 * Reads the one-time codes auth sends, for tests.
 *
 * The code is read from the durable `auth.otp.requested` event, through a
 * test-only consumer group on the same bus notifications consumes (auth's
 * tables hold only hashes); the event also says which code is wanted
 * (purpose, time), which the simulators' messages do not carry. A code is
 * handed to the test only once a message carrying it reached the SMS or email
 * simulator's inbox (`GET {apiUrl}/sim/sms/messages?to=`), so the path to the
 * person's phone is covered end to end. Tests that need any account at all
 * use test/support/users.ts, which reads the inbox alone.
 */
import type { Service, ServiceBroker } from "moleculer";
import crypto from "node:crypto";
import type { EventEnvelope } from "../../../lib/events/envelope";
import { waitFor } from "../../support/wait";

type OtpData = EventEnvelope<"auth.otp.requested">["data"];

export class OtpInbox {
	private readonly messages: Array<OtpData & { receivedAt: number }> = [];
	private service: Service | null = null;

	private constructor(private readonly broker: ServiceBroker, private readonly simulatorUrl: string) {}

	/** `apiUrl`: the gateway, whose /sim routes serve the simulators' inboxes. */
	static async open(broker: ServiceBroker, apiUrl: string): Promise<OtpInbox> {
		const inbox = new OtpInbox(broker, `${apiUrl}/sim`);
		const name = `otpinbox${crypto.randomBytes(4).toString("hex")}`;
		inbox.service = broker.createService({
			name,
			channels: {
				"auth.otp.requested": {
					group: name,
					async handler(envelope: EventEnvelope<"auth.otp.requested">) {
						inbox.messages.push({ ...envelope.data, receivedAt: Date.now() });
					}
				}
			}
		} as never);
		await broker.waitForServices([name]);
		return inbox;
	}

	/** Every code delivered to this destination so far, oldest first. */
	all(destination: string): OtpData[] {
		return this.messages.filter(m => m.destination === destination);
	}

	/** The newest code for the destination requested after `since` (ms), waiting for it to arrive. */
	async latest(destination: string, opts: { purpose?: OtpData["purpose"]; since?: number } = {}): Promise<OtpData> {
		const event = await waitFor(
			async () =>
				[...this.messages]
					.reverse()
					.find(m => m.destination === destination && (!opts.purpose || m.purpose === opts.purpose) && m.receivedAt >= (opts.since ?? 0)),
			`a code for ${destination}`,
			15_000
		);
		return { ...event, code: await this.delivered(event) };
	}

	/** The event's code, once a message carrying it reached the simulator's inbox for the destination. */
	private async delivered(event: OtpData): Promise<string> {
		const box = event.channel === "sms" ? "sms" : "email";
		return waitFor(
			async () => {
				const res = await fetch(`${this.simulatorUrl}/${box}/messages?to=${encodeURIComponent(event.destination)}`);
				const { items } = (await res.json()) as { items: Array<{ text?: string; subject?: string }> };
				const codes = items.flatMap(m => `${m.subject ?? ""} ${m.text ?? ""}`.match(/(?<!\d)\d{6}(?!\d)/g) ?? []);
				return codes.includes(event.code) ? event.code : null;
			},
			`the ${box} simulator to receive the code sent to ${event.destination}`,
			15_000,
			100
		);
	}

	async close(): Promise<void> {
		if (this.service) await this.broker.destroyService(this.service);
		this.service = null;
	}
}
