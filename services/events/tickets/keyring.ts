/**
 * Event keys in process memory. Key material never changes for a kid, so
 * decrypted private keys and parsed public keys are cached by kid (bounded,
 * least recently used dropped first); which kid is active is always read from the database
 * (another node may have rotated). The first key of an event is made on
 * demand: one RSA generation per event per process, however many bookings
 * ask at once, and one row per event whichever node inserts first.
 */
import { BoundedCache } from "../../../lib/bounded-cache";
import type { KeyObject } from "node:crypto";
import { decryptPrivateKey, encryptPrivateKey, generateEventKey, publicKeyOf, type GeneratedKey } from "../rules/keys";
import type { VerifyingKey } from "../rules/checkin";
import type { EventsRuntime } from "../runtime";
import { activeKey, insertActiveKey, keyByKid, type KeyRow } from "../store/keys";
import type { Db } from "../../../lib/db/sql";

/** Keys kept per process: events a node serves at once are far fewer; the oldest-used are dropped past it. */
const CACHE_MAX = 5000;

const privateKeys = new BoundedCache<KeyObject>({ max: CACHE_MAX });
const verifyingKeys = new BoundedCache<VerifyingKey>({ max: CACHE_MAX });
const generating = new Map<string, Promise<GeneratedKey>>();

export interface SigningKey {
	kid: string;
	privateKey: KeyObject;
}

function unlock(rt: EventsRuntime, row: KeyRow): SigningKey {
	let privateKey = privateKeys.get(row.kid);
	if (!privateKey) {
		privateKey = decryptPrivateKey(row.private_key_enc, row.kid, rt.cfg.tickets.keyEncryptionKey);
		privateKeys.set(row.kid, privateKey);
	}
	return { kid: row.kid, privateKey };
}

/** Key material for an event's next key, shared by every concurrent caller in this process. */
function material(rt: EventsRuntime, eventId: string): Promise<GeneratedKey> {
	let pending = generating.get(eventId);
	if (!pending) {
		pending = generateEventKey(rt.cfg.tickets.keyBits);
		generating.set(eventId, pending);
		// A failed generation must not stick: the next caller tries again.
		pending.catch(() => generating.delete(eventId));
	}
	return pending;
}

/** Makes `eventId`'s active key if it has none (inside the caller's transaction when `db.t` is set). */
export async function ensureActiveKey(rt: EventsRuntime, db: Db, eventId: string): Promise<KeyRow> {
	const existing = await activeKey(db, eventId);
	if (existing) return existing;
	const pending = material(rt, eventId);
	const key = await pending;
	await insertActiveKey(db, {
		kid: key.kid,
		eventId,
		publicKeyPem: key.publicKeyPem,
		privateKeyEnc: encryptPrivateKey(key.privateKeyPem, key.kid, rt.cfg.tickets.keyEncryptionKey)
	});
	// Spent either way (inserted, or another transaction's key won): a kid is never offered twice.
	if (generating.get(eventId) === pending) generating.delete(eventId);
	const row = await activeKey(db, eventId);
	if (!row) throw new Error(`event ${eventId} has no active key after creating one`);
	return row;
}

export async function signingKey(rt: EventsRuntime, db: Db, eventId: string): Promise<SigningKey> {
	return unlock(rt, await ensureActiveKey(rt, db, eventId));
}

/** The public half of a kid and the event it belongs to; undefined for an unknown kid. */
export async function verifyingKey(rt: EventsRuntime, db: Db, kid: string): Promise<VerifyingKey | undefined> {
	const cached = verifyingKeys.get(kid);
	if (cached) return cached;
	if (!/^[A-Za-z0-9_-]{1,64}$/.test(kid)) return undefined;
	const row = await keyByKid(db, kid);
	if (!row) return undefined;
	const key = { publicKey: publicKeyOf(row.public_key_pem), eventId: row.event_id };
	verifyingKeys.set(kid, key);
	return key;
}
