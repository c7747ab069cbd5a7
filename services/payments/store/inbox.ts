/**
 * The provider-events inbox (PROVIDERS.md §4.2 rule 8): every authenticated
 * callback is stored raw under UNIQUE(provider, event_key) before anything is
 * believed, so a repeat is recognised by the database, not by timing.
 */
import { newId } from "../../../lib/ids";
import { select, type Db } from "../../../lib/db/sql";

export interface ProviderEventRow {
	id: string;
	provider: string;
	event_key: string;
	kind: "collection" | "payout";
	ref_id: string;
	payload: Record<string, unknown>;
	attempts: number;
	received_at: Date;
	processed_at: Date | null;
	outcome: string | null;
}

/** Stores a callback; false when the same provider event is already in the inbox. */
export async function storeEvent(db: Db, e: { provider: string; eventKey: string; kind: "collection" | "payout"; refId: string; payload: unknown }): Promise<boolean> {
	const rows = await select<{ id: string }>(
		db,
		`INSERT INTO payments.provider_events (id, provider, event_key, kind, ref_id, payload) VALUES (:id, :provider, :eventKey, :kind, :refId, :payload)
		 ON CONFLICT (provider, event_key) DO NOTHING RETURNING id`,
		{ id: newId(), provider: e.provider, eventKey: e.eventKey, kind: e.kind, refId: e.refId, payload: JSON.stringify(e.payload) }
	);
	return rows.length > 0;
}

/** Unprocessed events that are due, claimed with a lease that doubles per attempt. */
export function claimDueEvents(db: Db, limit: number, maxAttempts: number, maxBackoffS: number): Promise<ProviderEventRow[]> {
	return select<ProviderEventRow>(
		db,
		`UPDATE payments.provider_events e SET attempts = e.attempts + 1,
		        next_attempt_at = now() + make_interval(secs => LEAST(:maxBackoffS, power(2, LEAST(e.attempts, 20))))
		 WHERE e.id IN (SELECT id FROM payments.provider_events WHERE processed_at IS NULL AND attempts < :maxAttempts AND next_attempt_at <= now()
		                ORDER BY next_attempt_at LIMIT :limit FOR UPDATE SKIP LOCKED)
		 RETURNING e.*`,
		{ limit, maxAttempts, maxBackoffS }
	);
}

export async function markProcessed(db: Db, id: string, outcome: string): Promise<void> {
	await select(db, "UPDATE payments.provider_events SET processed_at = now(), outcome = :outcome WHERE id = :id AND processed_at IS NULL RETURNING id", { id, outcome });
}
