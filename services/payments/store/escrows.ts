/** Escrows: one per order or booking, and its view. */
import { remaining, type EscrowStatus } from "../rules/escrow-state";
import type { Currency } from "../rules/money";
import { n, selectOne, type Db } from "../../../lib/db/sql";

export interface EscrowRow {
	id: string;
	purpose_type: "order" | "booking";
	purpose_id: string;
	currency: Currency;
	payer_id: string;
	payee_id: string | null;
	status: EscrowStatus;
	collected: string;
	released: string;
	commission: string;
	refunded: string;
	refund_phone: string | null;
	refund_provider: string | null;
	auto_release_at: Date | null;
	dispute_reason: string | null;
	version: number;
	created_at: Date;
	updated_at: Date;
}

export interface Purpose {
	type: "order" | "booking";
	id: string;
}

export function amountsOf(e: EscrowRow) {
	return { collected: n(e.collected), released: n(e.released), commission: n(e.commission), refunded: n(e.refunded) };
}

export function escrowView(e: EscrowRow) {
	const a = amountsOf(e);
	return {
		id: e.id,
		purpose: { type: e.purpose_type, id: e.purpose_id },
		status: e.status,
		currency: e.currency,
		payerId: e.payer_id,
		payeeId: e.payee_id,
		...a,
		remaining: remaining(a),
		autoReleaseAt: e.auto_release_at ? new Date(e.auto_release_at).toISOString() : null,
		disputeReason: e.dispute_reason,
		updatedAt: new Date(e.updated_at).toISOString()
	};
}

export type EscrowView = ReturnType<typeof escrowView>;

export function findEscrow(db: Db, purpose: Purpose, lock = false): Promise<EscrowRow | null> {
	return selectOne<EscrowRow>(db, `SELECT * FROM payments.escrows WHERE purpose_type = :type AND purpose_id = :id${lock ? " FOR UPDATE" : ""}`, purpose as never);
}
