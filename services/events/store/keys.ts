/** SQL for event_keys: one active key per event, retired keys kept while their tickets live. */
import { execute, select, type Db } from "../../../lib/db/sql";

export interface KeyRow {
	kid: string;
	event_id: string;
	public_key_pem: string;
	private_key_enc: string;
	status: "active" | "retired";
	created_at: Date;
	retired_at: Date | null;
}

const COLUMNS = "kid, event_id, public_key_pem, private_key_enc, status, created_at, retired_at";

export async function activeKey(db: Db, eventId: string): Promise<KeyRow | null> {
	const [row] = await select<KeyRow>(db, `SELECT ${COLUMNS} FROM events.event_keys WHERE event_id = :eventId AND status = 'active'`, { eventId });
	return row ?? null;
}

export async function keyByKid(db: Db, kid: string): Promise<KeyRow | null> {
	const [row] = await select<KeyRow>(db, `SELECT ${COLUMNS} FROM events.event_keys WHERE kid = :kid`, { kid });
	return row ?? null;
}

/** Inserts an active key unless the event already has one, or this kid is already in (another request won the race): true when inserted. */
export async function insertActiveKey(db: Db, k: { kid: string; eventId: string; publicKeyPem: string; privateKeyEnc: string }): Promise<boolean> {
	const n = await execute(
		db,
		`INSERT INTO events.event_keys (kid, event_id, public_key_pem, private_key_enc, status)
		 VALUES (:kid, :eventId, :publicKeyPem, :privateKeyEnc, 'active')
		 ON CONFLICT DO NOTHING`,
		k
	);
	return n === 1;
}

export async function retireActiveKey(db: Db, eventId: string): Promise<number> {
	return execute(db, "UPDATE events.event_keys SET status = 'retired', retired_at = now() WHERE event_id = :eventId AND status = 'active'", { eventId });
}

export interface PublishedKeyRow {
	kid: string;
	public_key_pem: string;
	status: "active" | "retired";
	created_at: Date;
	/** Latest valid_until (epoch s) of an unrevoked ticket this key signed. */
	last_valid_until: number | null;
}

/** Every key of the event with what rules/keys.isPublished needs; newest first. */
export function eventKeys(db: Db, eventId: string): Promise<PublishedKeyRow[]> {
	return select<PublishedKeyRow>(
		db,
		`SELECT k.kid, k.public_key_pem, k.status, k.created_at,
		        (SELECT extract(epoch FROM max(t.valid_until))::bigint FROM events.tickets t WHERE t.code_kid = k.kid AND t.status <> 'revoked')::float8 AS last_valid_until
		   FROM events.event_keys k WHERE k.event_id = :eventId ORDER BY k.created_at DESC, k.kid`,
		{ eventId }
	);
}
