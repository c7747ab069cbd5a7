/**
 * Booking a collection's final outcome: one transaction locks the intent,
 * checks the transition, posts the ledger and writes the outbox event
 * (PROVIDERS.md §4.2 rules 4, 8, 10, 14). Whatever path brought the outcome
 * (callback, status poll, a synchronous refusal), this is the only place an
 * intent becomes final, so repeats and races end here as no-ops.
 *
 * - success, amount and payer as intended → clearing → escrow:<purpose>
 * - success with another amount or payer → clearing → suspense, intent failed and flagged
 * - success after the intent ended (expired…) → clearing → payer's wallet, flagged
 * - failure/cancel → no money; a failure after a success is ignored and flagged
 */
import type { Transaction } from "sequelize";
import { inTransaction } from "../../../lib/db/transaction";
import { newId } from "../../../lib/ids";
import { refusal } from "../rules/escrow-state";
import { canMove, type CollectionOutcome } from "../rules/intent-state";
import { accounts, fanOut, transfer, type AccountRef } from "../rules/ledger";
import { dbOf, type PaymentsRuntime } from "../runtime";
import { allocationsOf, type Allocation } from "../store/allocations";
import { findEscrow } from "../store/escrows";
import { markProcessed } from "../store/inbox";
import { findIntent, type IntentRow } from "../store/intents";
import { post } from "../store/ledger";
import { execute, n } from "../../../lib/db/sql";

export type SettleResult = "succeeded" | "failed" | "cancelled" | "suspense" | "late" | "duplicate" | "ignored";

function eventBase(i: IntentRow, allocations: Allocation[]) {
	return {
		intentId: i.id,
		payerId: i.payer_id,
		payeeId: i.payee_id,
		purpose: { type: i.purpose_type, id: i.purpose_id },
		allocations: allocations.map(a => ({ purpose: a.purpose, payeeId: a.payeeId, amount: a.amount })),
		amount: n(i.amount),
		currency: i.currency,
		provider: i.provider,
		providerReference: i.provider_reference
	};
}

async function flag(rt: PaymentsRuntime, t: Transaction, id: string, what: string, extra: Record<string, unknown> = {}): Promise<void> {
	const sets = Object.keys(extra).map(k => `${k} = :${k}`);
	await execute(dbOf(rt, t), `UPDATE payments.payment_intents SET flag = :what, updated_at = now()${sets.length ? `, ${sets.join(", ")}` : ""} WHERE id = :id`, { id, what, ...extra });
}

/** Money that arrived: escrow when it matches and the escrow is open, else suspense or the payer's wallet. */
async function bookSuccess(
	rt: PaymentsRuntime,
	t: Transaction,
	i: IntentRow,
	allocations: Allocation[],
	outcome: Extract<CollectionOutcome, { state: "succeeded" }>
): Promise<SettleResult> {
	const db = dbOf(rt, t);
	const amount = outcome.amountMinor ?? n(i.amount);
	const clearing = accounts.clearing(i.provider);
	const externalId = `collect:${i.provider}:${i.id}`;
	const memo = { intentId: i.id, providerReference: i.provider_reference, receipt: outcome.receipt };

	if (i.status === "failed" || i.status === "cancelled" || i.status === "expired") {
		if (i.flag) return "duplicate";
		await post(db, { externalId, kind: "collection_late", currency: i.currency, legs: transfer(clearing, accounts.wallet(i.payer_id), amount), memo });
		await flag(rt, t, i.id, "late_success", { received_amount: amount, receipt: outcome.receipt });
		return "late";
	}
	if (i.status === "succeeded") return "duplicate";

	const payerMismatch = outcome.phone !== null && outcome.phone !== i.phone;
	if (amount !== n(i.amount) || payerMismatch) {
		const code = amount !== n(i.amount) ? "AMOUNT_MISMATCH" : "PAYER_MISMATCH";
		await post(db, { externalId, kind: "collection_suspense", currency: i.currency, legs: transfer(clearing, accounts.suspense(), amount), memo: { ...memo, expected: n(i.amount), code } });
		await execute(
			db,
			`UPDATE payments.payment_intents SET status = 'failed', failure_code = :code, failure_reason = :reason, flag = 'suspense', received_amount = :amount,
			        receipt = :receipt, updated_at = now(), finished_at = now() WHERE id = :id`,
			{ id: i.id, code, reason: `received ${amount} for an intent of ${i.amount}${payerMismatch ? " from another payer" : ""}; held in suspense for review`, amount, receipt: outcome.receipt }
		);
		await rt.raiseEvent(t, "payments.intent.failed", { ...eventBase(i, allocations), status: "failed", code, reason: "The payment did not match and is held for review" }, i.payer_id);
		return "suspense";
	}

	// Each allocation fills its purpose's escrow; one whose escrow already closed goes back to the payer's wallet.
	// Escrows are locked in purpose order, as every other path that locks several does.
	const ordered = [...allocations].sort((a, b) => `${a.purpose.type}:${a.purpose.id}`.localeCompare(`${b.purpose.type}:${b.purpose.id}`));
	const parts: { to: AccountRef; amount: number }[] = [];
	const credited = new Map<Allocation, "escrow" | "wallet">();
	for (const a of ordered) {
		await execute(
			db,
			`INSERT INTO payments.escrows (id, purpose_type, purpose_id, currency, payer_id, payee_id, status, refund_phone, refund_provider)
			 VALUES (:id, :type, :pid, :currency, :payer, :payee, 'held', :phone, :provider) ON CONFLICT (purpose_type, purpose_id) DO NOTHING`,
			{ id: newId(), type: a.purpose.type, pid: a.purpose.id, currency: i.currency, payer: i.payer_id, payee: a.payeeId, phone: i.phone, provider: i.provider }
		);
		const escrow = (await findEscrow(db, a.purpose, true))!;
		const open = refusal(escrow.status, "collect") === null && escrow.currency === i.currency && escrow.payer_id === i.payer_id;
		credited.set(a, open ? "escrow" : "wallet");
		parts.push({ to: open ? accounts.escrow(a.purpose.type, a.purpose.id) : accounts.wallet(i.payer_id), amount: a.amount });
		if (open)
			await execute(
				db,
				`UPDATE payments.escrows SET collected = collected + :amount, payee_id = coalesce(payee_id, :payee), refund_phone = :phone, refund_provider = :provider,
				        version = version + 1, updated_at = now() WHERE id = :id`,
				{ id: escrow.id, amount: a.amount, payee: a.payeeId, phone: i.phone, provider: i.provider }
			);
	}
	const allOpen = [...credited.values()].every(c => c === "escrow");
	const kind = allOpen ? "collection" : [...credited.values()].every(c => c === "wallet") ? "collection_closed_escrow" : "collection_partly_closed";
	await post(db, { externalId, kind, currency: i.currency, legs: fanOut(clearing, parts), memo });
	await execute(
		db,
		`UPDATE payments.payment_intents SET status = 'succeeded', received_amount = :amount, receipt = :receipt, flag = :flag,
		        updated_at = now(), finished_at = now() WHERE id = :id`,
		{ id: i.id, amount, receipt: outcome.receipt, flag: allOpen ? null : "escrow_closed" }
	);
	await rt.raiseEvent(
		t,
		"payments.intent.succeeded",
		{
			...eventBase(i, allocations),
			allocations: allocations.map(a => ({ purpose: a.purpose, payeeId: a.payeeId, amount: a.amount, credited: credited.get(a)! })),
			receipt: outcome.receipt,
			credited: allOpen ? "escrow" : "wallet"
		},
		i.payer_id
	);
	return "succeeded";
}

/** Applies a confirmed outcome to an intent; `eventId` marks the inbox row that brought it as processed in the same transaction. */
/** The status an intent reached through a settle result, for the business counter; none for no-ops. */
const REACHED: Partial<Record<SettleResult, string>> = { succeeded: "succeeded", failed: "failed", suspense: "failed", cancelled: "cancelled" };

export async function settleIntent(rt: PaymentsRuntime, intentId: string, outcome: CollectionOutcome, eventId: string | null = null): Promise<SettleResult> {
	let provider: IntentRow["provider"] | null = null;
	const result = await inTransaction(rt.sequelize, async t => {
		const db = dbOf(rt, t);
		const i = await findIntent(db, intentId, true);
		if (!i) return "ignored";
		provider = i.provider;
		const allocations = await allocationsOf(db, i.id);
		let result: SettleResult;
		if (outcome.state === "succeeded") result = await bookSuccess(rt, t, i, allocations, outcome);
		else if (i.status === "succeeded") {
			if (!i.flag) await flag(rt, t, i.id, "failure_after_success");
			result = "ignored";
		} else if (!canMove(i.status, outcome.state)) result = "duplicate";
		else {
			await execute(
				db,
				`UPDATE payments.payment_intents SET status = :status, failure_code = :code, failure_reason = :reason, updated_at = now(), finished_at = now() WHERE id = :id`,
				{ id: i.id, status: outcome.state, code: outcome.code, reason: outcome.reason }
			);
			await rt.raiseEvent(t, "payments.intent.failed", { ...eventBase(i, allocations), status: outcome.state, code: outcome.code, reason: outcome.reason }, i.payer_id);
			result = outcome.state;
		}
		if (eventId) await markProcessed(db, eventId, result);
		return result;
	});
	const reached = REACHED[result];
	if (reached && provider) rt.countIntent(provider, reached);
	return result;
}

/** Ends an intent that is still open at the end of its lifetime. */
export async function expireIntent(rt: PaymentsRuntime, intentId: string): Promise<boolean> {
	let provider: IntentRow["provider"] | null = null;
	const expired = await inTransaction(rt.sequelize, async t => {
		const db = dbOf(rt, t);
		const i = await findIntent(db, intentId, true);
		if (!i || !canMove(i.status, "expired") || new Date(i.expires_at).getTime() > Date.now()) return false;
		await execute(db, "UPDATE payments.payment_intents SET status = 'expired', failure_code = 'EXPIRED', updated_at = now(), finished_at = now() WHERE id = :id", { id: intentId });
		await rt.raiseEvent(t, "payments.intent.expired", eventBase(i, await allocationsOf(db, i.id)), i.payer_id);
		provider = i.provider;
		return true;
	});
	if (expired && provider) rt.countIntent(provider, "expired");
	return expired;
}

