/**
 * Public keys for offline verification, and rotation. A rotated-out key stays
 * published while any unrevoked ticket it signed is still inside its validity
 * window (rules/keys.isPublished), so rotating never strands a sold ticket.
 */
import { inTransaction } from "../../../lib/db/transaction";
import { EventsError } from "../errors";
import { encryptPrivateKey, generateEventKey, isPublished } from "../rules/keys";
import { ALG } from "../rules/jws";
import type { EventsRuntime } from "../runtime";
import { eventKeys, insertActiveKey, retireActiveKey } from "../store/keys";
import { organizerEvent } from "../tickets/access";
import { eventRef, LIVE_STATUSES } from "../tickets/event-ref";
import { ensureActiveKey } from "../tickets/keyring";

export interface PublicKeys {
	keys: Array<{ kid: string; alg: typeof ALG; publicKeyPem: string }>;
}

async function published(rt: EventsRuntime, eventId: string): Promise<PublicKeys> {
	const nowS = Math.floor(Date.now() / 1000);
	const rows = await eventKeys({ sequelize: rt.sequelize }, eventId);
	return {
		keys: rows
			.filter(k => isPublished({ status: k.status, lastTicketValidUntil: k.last_valid_until === null ? null : Number(k.last_valid_until) }, nowS))
			.map(k => ({ kid: k.kid, alg: ALG, publicKeyPem: k.public_key_pem }))
	};
}

/**
 * Anyone may read the keys of a published event (they only verify); a draft
 * has no tickets to verify and stays hidden (404). The event's first key is
 * made here if no ticket made it yet.
 */
export async function listKeys(rt: EventsRuntime, eventId: string): Promise<PublicKeys> {
	const event = await eventRef({ sequelize: rt.sequelize }, eventId);
	if (!event || event.status === "draft") throw EventsError.eventNotFound();
	if (LIVE_STATUSES.has(event.status)) await ensureActiveKey(rt, { sequelize: rt.sequelize }, eventId);
	return published(rt, eventId);
}

/** A new active key for new tickets; tickets already issued keep their codes and still verify. */
export async function rotateKey(rt: EventsRuntime, userId: string, eventId: string): Promise<PublicKeys> {
	const event = await organizerEvent(rt, userId, eventId);
	if (!LIVE_STATUSES.has(event.status)) throw EventsError.eventState(event.status, "given a new key");
	const key = await generateEventKey(rt.cfg.tickets.keyBits);
	await inTransaction(rt.sequelize, async t => {
		const db = { sequelize: rt.sequelize, t };
		// Lock the event row: two rotations at once serialise instead of one finding no active key to retire.
		await eventRef(db, eventId, "exclusive");
		await retireActiveKey(db, eventId);
		await insertActiveKey(db, { kid: key.kid, eventId, publicKeyPem: key.publicKeyPem, privateKeyEnc: encryptPrivateKey(key.privateKeyPem, key.kid, rt.cfg.tickets.keyEncryptionKey) });
	});
	return published(rt, eventId);
}
