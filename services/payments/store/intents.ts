/** Payment intents: rows, the view clients and domains see, and the queries the flows need. */
import type { IntentStatus } from "../rules/intent-state";
import type { Currency } from "../rules/money";
import { maskPhone, type ProviderName } from "../rules/providers";
import type { Allocation } from "./allocations";
import { n, select, selectOne, type Db } from "../../../lib/db/sql";

export interface IntentRow {
	id: string;
	payer_id: string;
	payee_id: string | null;
	amount: string;
	currency: Currency;
	purpose_type: "order" | "booking";
	purpose_id: string;
	provider: ProviderName;
	phone: string;
	method_id: string | null;
	status: IntentStatus;
	provider_reference: string | null;
	callback_token_hash: string;
	idempotency_key: string;
	request_hash: string;
	failure_code: string | null;
	failure_reason: string | null;
	flag: string | null;
	received_amount: string | null;
	receipt: string | null;
	expires_at: Date;
	next_check_at: Date;
	checks: number;
	created_at: Date;
	updated_at: Date;
	finished_at: Date | null;
}

export interface IntentView {
	id: string;
	status: IntentStatus;
	amount: number;
	currency: Currency;
	provider: ProviderName;
	providerReference: string | null;
	purpose: { type: "order" | "booking"; id: string };
	/** How the amount is split between escrows (one entry unless a checkout spans several orders). */
	allocations: Allocation[];
	payerId: string;
	payeeId: string | null;
	phone: string;
	failure: { code: string; reason: string | null } | null;
	expiresAt: string;
	createdAt: string;
	updatedAt: string;
}

export function intentView(r: IntentRow, allocations: Allocation[]): IntentView {
	return {
		id: r.id,
		status: r.status,
		amount: n(r.amount),
		currency: r.currency,
		provider: r.provider,
		providerReference: r.provider_reference,
		purpose: { type: r.purpose_type, id: r.purpose_id },
		allocations,
		payerId: r.payer_id,
		payeeId: r.payee_id,
		phone: maskPhone(r.phone),
		failure: r.failure_code ? { code: r.failure_code, reason: r.failure_reason } : null,
		expiresAt: new Date(r.expires_at).toISOString(),
		createdAt: new Date(r.created_at).toISOString(),
		updatedAt: new Date(r.updated_at).toISOString()
	};
}

export function findIntent(db: Db, id: string, lock = false): Promise<IntentRow | null> {
	return selectOne<IntentRow>(db, `SELECT * FROM payments.payment_intents WHERE id = :id${lock ? " FOR UPDATE" : ""}`, { id });
}

export function findByKey(db: Db, payerId: string, key: string): Promise<IntentRow | null> {
	return selectOne<IntentRow>(db, "SELECT * FROM payments.payment_intents WHERE payer_id = :payerId AND idempotency_key = :key", { payerId, key });
}

/** Open intents whose status check is due, claimed by pushing their next check out (other nodes skip them). */
export function claimDueIntents(db: Db, limit: number, firstS: number, maxS: number): Promise<IntentRow[]> {
	return select<IntentRow>(
		db,
		`UPDATE payments.payment_intents i SET checks = i.checks + 1,
		        next_check_at = now() + make_interval(secs => LEAST(:maxS, :firstS * power(2, LEAST(i.checks, 20))))
		 WHERE i.id IN (SELECT id FROM payments.payment_intents WHERE status IN ('pending', 'processing') AND next_check_at <= now()
		                ORDER BY next_check_at LIMIT :limit FOR UPDATE SKIP LOCKED)
		 RETURNING i.*`,
		{ limit, firstS, maxS }
	);
}
