/**
 * The one catalogue of durable events between domains.
 *
 * Each entry names who consumes the event (consumer groups, one per service)
 * so the publisher can declare their durable queues before the first publish:
 * an event raised while its consumer's node has never been up still waits for
 * it. Domains add their events here as they land (each issue extends it);
 * `EventDataMap` gives the payload type per event name.
 */
export interface EventDefinition {
	/** What happened, in a sentence; surfaces in docs/events.md. */
	description: string;
	/** Consumer groups (service names) that must receive every occurrence. */
	consumers: readonly string[];
}

export type Language = "en" | "sw";
export type OtpPurpose = "verify" | "login" | "reset";
export type ContactChannel = "sms" | "email";

/** Payload type per event name. Test fixtures extend it by declaration merging. */
export interface EventDataMap {
	"auth.user.registered": { userId: string; username: string; displayName: string; phone: string | null; email: string | null; language: Language };
	"auth.user.verified": { userId: string; channel: ContactChannel };
	/**
	 * A one-time code to deliver. The code travels in clear only inside the platform's own
	 * durable queue to `notifications` (which must never log it); the outbox row is purged
	 * once published.
	 */
	"auth.otp.requested": {
		otpId: string;
		userId: string | null;
		channel: ContactChannel;
		destination: string;
		code: string;
		purpose: OtpPurpose;
		expiresAt: string;
		language: Language;
	};
	"auth.session.created": {
		userId: string;
		sessionId: string;
		deviceId: string;
		deviceName: string | null;
		platform: string | null;
		ip: string | null;
		userAgent: string | null;
		newDevice: boolean;
	};
	"auth.password.changed": { userId: string; via: "change" | "reset" };
	"auth.user.suspended": { userId: string; reason: string | null; by: string };
	"auth.user.reinstated": { userId: string; by: string };
	"auth.user.deleted": { userId: string };
}

export type EventType = keyof EventDataMap & string;
export type EventData<T extends EventType> = EventDataMap[T];

/**
 * Every domain event, by name. Entries land with their domain's issue; the
 * payload types go in EventDataMap above, next to each other.
 */
const EVENTS: Record<string, EventDefinition> = {
	"auth.user.registered": { description: "An account was created (not yet verified).", consumers: ["notifications"] },
	"auth.user.verified": { description: "The account proved it owns its phone or email.", consumers: ["notifications"] },
	"auth.otp.requested": { description: "A one-time code must reach a phone or mailbox now (urgent).", consumers: ["notifications"] },
	"auth.session.created": { description: "A sign-in created a session; `newDevice` when the device was never seen.", consumers: ["notifications"] },
	"auth.password.changed": { description: "The password was changed or reset; other sessions were revoked.", consumers: ["notifications"] },
	"auth.user.suspended": { description: "An admin suspended the account; its sessions were revoked.", consumers: ["notifications"] },
	"auth.user.reinstated": { description: "An admin lifted a suspension.", consumers: ["notifications"] },
	"auth.user.deleted": { description: "The user deleted the account; personal data is anonymised.", consumers: ["notifications"] }
};

const catalogue = new Map<string, EventDefinition>(Object.entries(EVENTS));

/** Adds an event outside the catalogue literal: test fixtures only. */
export function declareEvent(type: string, def: EventDefinition): void {
	const existing = catalogue.get(type);
	if (existing && JSON.stringify(existing) !== JSON.stringify(def))
		throw new Error(`event ${type} is declared twice with different definitions`);
	catalogue.set(type, def);
}

export function eventDefinition(type: string): EventDefinition | undefined {
	return catalogue.get(type);
}

export function allEvents(): ReadonlyMap<string, EventDefinition> {
	return catalogue;
}
