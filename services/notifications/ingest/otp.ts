/**
 * One-time codes (auth.otp.requested): straight to the destination the event
 * names, by SMS or email, at once (urgent: no quiet hours, no grouping, no
 * preferences). Not an in-app notification: the code must not sit in a list.
 * The stored copy shows the code masked; the real message is sealed
 * (sealing.ts) until the delivery is final.
 */
import type { EventEnvelope } from "../../../lib/events/envelope";
import type { NotificationsConfig } from "../config";
import { maskCode, otpMinutes, otpTemplateId } from "../rules/otp";
import { isE164 } from "../rules/phone";
import { render, type RenderedMessage } from "../rules/render";
import { seal } from "../sealing";
import { queueDelivery, type DeliveryContent } from "../store/deliveries";
import type { Db } from "../../../lib/db/sql";
import { template } from "../templates";

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function queueOtp(db: Db, cfg: NotificationsConfig, envelope: EventEnvelope<"auth.otp.requested">): Promise<void> {
	const d = envelope.data;
	const id = otpTemplateId(d.purpose);
	const minutes = String(otpMinutes(d.expiresAt, envelope.occurredAt));
	const contentOf = (m: RenderedMessage): DeliveryContent => (d.channel === "sms" ? { text: m.sms } : m.email);
	const real = contentOf(render(template(id), d.language, { code: d.code, minutes }));
	const masked = contentOf(render(template(id), d.language, { code: maskCode(d.code), minutes }));
	const valid = d.channel === "sms" ? isE164(d.destination) : EMAIL.test(d.destination);
	await queueDelivery(db, {
		eventId: envelope.id,
		userId: d.userId,
		channel: d.channel,
		destination: d.destination,
		template: id,
		content: masked,
		sealed: valid ? seal(cfg.encryptionKey, JSON.stringify(real)) : null,
		urgent: true,
		nextAttemptAt: new Date(),
		expiresAt: new Date(d.expiresAt),
		// Kept as a record that the code could not go out; auth validated the destination, so this is a bug upstream.
		...(valid ? {} : { status: "failed", lastError: "invalid destination" })
	});
}
