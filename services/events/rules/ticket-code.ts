/**
 * What a ticket code says, in as few bytes as a QR code can carry well.
 *
 * Claims (JWS payload): `t` ticket, `e` event, `y` ticket type — each the 16
 * bytes of the uuid in base64url (22 characters instead of 36) — and the
 * registered JWT claims `nbf` / `exp` (epoch seconds) for the validity window,
 * so that any JWT library that checks nbf/exp enforces the window too.
 * Nothing personal is in the code (a photographed QR code tells nobody who
 * holds it).
 */

export interface TicketClaims {
	ticketId: string;
	eventId: string;
	ticketTypeId: string;
	/** Epoch seconds. */
	validFrom: number;
	/** Epoch seconds. */
	validUntil: number;
}

/** The wire form (short names). */
export interface WireClaims {
	t: string;
	e: string;
	y: string;
	nbf: number;
	exp: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COMPACT_ID = /^[A-Za-z0-9_-]{22}$/;

/** uuid → base64url of its 16 bytes (22 characters). */
export function compactId(uuid: string): string {
	if (!UUID.test(uuid)) throw new TypeError(`not a uuid: ${uuid}`);
	return Buffer.from(uuid.replace(/-/g, ""), "hex").toString("base64url");
}

/** base64url of 16 bytes → lower-case uuid; null for anything else. */
export function expandId(compact: unknown): string | null {
	if (typeof compact !== "string" || !COMPACT_ID.test(compact)) return null;
	const bytes = Buffer.from(compact, "base64url");
	// 22 base64url characters carry 132 bits: the last 4 must be zero, or two spellings would name one id.
	if (bytes.length !== 16 || bytes.toString("base64url") !== compact) return null;
	const h = bytes.toString("hex");
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function toWire(c: TicketClaims): WireClaims {
	return { t: compactId(c.ticketId), e: compactId(c.eventId), y: compactId(c.ticketTypeId), nbf: c.validFrom, exp: c.validUntil };
}

/** A decoded payload → claims, or null when any claim is missing or malformed. */
export function fromWire(raw: unknown): TicketClaims | null {
	if (!raw || typeof raw !== "object" || Array.isArray(raw)) return null;
	const w = raw as Record<string, unknown>;
	const ticketId = expandId(w.t);
	const eventId = expandId(w.e);
	const ticketTypeId = expandId(w.y);
	if (!ticketId || !eventId || !ticketTypeId) return null;
	if (!Number.isSafeInteger(w.nbf) || !Number.isSafeInteger(w.exp) || (w.nbf as number) > (w.exp as number)) return null;
	return { ticketId, eventId, ticketTypeId, validFrom: w.nbf as number, validUntil: w.exp as number };
}

export interface ValidityPolicy {
	/** Seconds before the event starts that doors (and codes) open. */
	opensBeforeStartS: number;
	/** Seconds after the event ends that codes still work (late exits, re-entry). */
	closesAfterEndS: number;
}

/** The window a ticket for an event is valid in, in epoch seconds. */
export function validityWindow(startsAt: Date, endsAt: Date, policy: ValidityPolicy): { validFrom: number; validUntil: number } {
	return {
		validFrom: Math.floor(startsAt.getTime() / 1000) - policy.opensBeforeStartS,
		validUntil: Math.ceil(endsAt.getTime() / 1000) + policy.closesAfterEndS
	};
}

/** Inside [validFrom − leeway, validUntil + leeway]: scanners' clocks drift, so a little leeway each way. */
export function isValidAt(c: Pick<TicketClaims, "validFrom" | "validUntil">, nowS: number, leewayS: number): boolean {
	return nowS >= c.validFrom - leewayS && nowS <= c.validUntil + leewayS;
}
