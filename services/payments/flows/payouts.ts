/**
 * Payouts (issue 7 §9), two-phase (PROVIDERS.md §4.2 rule 6): the wallet
 * amount is reserved into payouts:in_flight with the payout row, the provider
 * is called after the commit, and only its final answer posts the money out
 * (in_flight → clearing) or returns it (in_flight → wallet). An ambiguous
 * answer keeps it reserved and polled; a payout id is never re-minted for the
 * same debt, so a retry reuses the provider's dedupe key.
 *
 * A reversal (rail `reversal`, M-Pesa refunds of a collection's receipt) is
 * a payout row too: same reservation, same exactly-once finish. Its failure
 * is definite (the receipt was not given back), so the money is voided back
 * to the payer's wallet and, in the same transaction, a B2C refund payout of
 * it is reserved: the refund still reaches the phone, by the other rail.
 */
import type { Transaction } from "sequelize";
import { inTransaction } from "../../../lib/db/transaction";
import { notFound, unprocessable } from "../../../lib/errors";
import { newId } from "../../../lib/ids";
import { newCallbackToken } from "../rules/callback-token";
import { accounts, transfer } from "../rules/ledger";
import { isWholeUnits, type Currency } from "../rules/money";
import { MARKETS, type ProviderName } from "../rules/providers";
import { callbackUrl, dbOf, type PaymentsRuntime } from "../runtime";
import { markProcessed } from "../store/inbox";
import { post } from "../store/ledger";
import { findMethod } from "../store/methods";
import { findPayout, payoutView, type PayoutRail, type PayoutRow } from "../store/payouts";
import { execute, n, select, selectOne } from "../../../lib/db/sql";
import type { PayoutReply } from "../providers/types";

export type PayoutResult = { kind: "paid"; receipt: string | null } | { kind: "failed"; code: string; reason: string };

/** Inside the caller's transaction: the payout row and its reservation. The token is only known here, so it is returned for the dispatch. */
export async function reservePayout(
	rt: PaymentsRuntime,
	t: Transaction,
	p: {
		userId: string;
		amount: number;
		currency: Currency;
		provider: ProviderName;
		phone: string;
		methodId: string | null;
		reason: "withdrawal" | "refund";
		idempotencyKey: string | null;
		/** Default `payout`; a `reversal` names the receipt it gives back. */
		rail?: PayoutRail;
		originalReceipt?: string | null;
	}
): Promise<{ row: PayoutRow; token: string }> {
	if (!isWholeUnits(p.amount, p.currency)) throw unprocessable("Mobile-money rails take whole units", "AMOUNT_NOT_WHOLE_UNITS");
	const { token, hash } = newCallbackToken();
	const [row] = await select<PayoutRow>(
		dbOf(rt, t),
		`INSERT INTO payments.payouts (id, user_id, method_id, amount, currency, provider, phone, reason, rail, original_receipt, status, callback_token_hash, idempotency_key, next_check_at)
		 VALUES (:id, :userId, :methodId, :amount, :currency, :provider, :phone, :reason, :rail, :receipt, 'pending', :hash, :key, now() + make_interval(secs => :firstS)) RETURNING *`,
		{
			id: newId(),
			userId: p.userId,
			methodId: p.methodId,
			amount: p.amount,
			currency: p.currency,
			provider: p.provider,
			phone: p.phone,
			reason: p.reason,
			rail: p.rail ?? "payout",
			receipt: p.originalReceipt ?? null,
			key: p.idempotencyKey,
			hash,
			firstS: rt.cfg.statusPollFirstS
		}
	);
	await post(dbOf(rt, t), {
		externalId: `payout:${row.id}:reserve`,
		kind: row.rail === "reversal" ? "reversal_reserve" : "payout_reserve",
		currency: p.currency,
		legs: transfer(accounts.wallet(p.userId), accounts.payoutsInTransit(), p.amount),
		memo: { payoutId: row.id, reason: p.reason, originalReceipt: row.original_receipt }
	});
	return { row, token };
}

/** A withdrawal of wallet money to one of the user's saved numbers (POST /payments/payouts). */
export async function requestPayout(rt: PaymentsRuntime, userId: string, p: { amount: number; methodId: string; idempotencyKey?: string }) {
	const method = await findMethod(dbOf(rt), p.methodId);
	if (!method || method.user_id !== userId) throw notFound("Payment method not found", "METHOD_NOT_FOUND");
	const currency = MARKETS[method.provider].currency;
	const reserved = await inTransaction(rt.sequelize, async t => {
		if (p.idempotencyKey) {
			await execute(dbOf(rt, t), "SELECT pg_advisory_xact_lock(hashtext(:key))", { key: `payments:payout:${userId}:${p.idempotencyKey}` });
			const existing = await selectOne<PayoutRow>(dbOf(rt, t), "SELECT * FROM payments.payouts WHERE user_id = :userId AND idempotency_key = :key", { userId, key: p.idempotencyKey });
			if (existing) return { row: existing, token: null };
		}
		return reservePayout(rt, t, { userId, amount: p.amount, currency, provider: method.provider, phone: method.phone, methodId: method.id, reason: "withdrawal", idempotencyKey: p.idempotencyKey ?? null });
	});
	if (reserved.token) await dispatchPayout(rt, reserved.row, reserved.token);
	return payoutView((await findPayout(dbOf(rt), reserved.row.id))!);
}

/** Sends a reserved payout (or reversal) to its provider and records the synchronous answer. */
export async function dispatchPayout(rt: PaymentsRuntime, row: PayoutRow, token: string): Promise<void> {
	const adapter = rt.providers[row.provider];
	const url = await callbackUrl(rt, row.provider, row.id, token);
	let reply: PayoutReply;
	if (row.rail === "reversal") {
		// Marked sent before the request: a reversal still pending was never sent and may be sent by the worker; one
		// processing may have reached the provider and is never sent again (see reconcile.ts).
		await execute(dbOf(rt), "UPDATE payments.payouts SET status = 'processing', updated_at = now() WHERE id = :id AND status = 'pending'", { id: row.id });
		// Only rows the escrow flow routed to a reversal get here, and it routes there only when the adapter has one.
		reply = adapter.reverse
			? await adapter.reverse({ id: row.id, receipt: row.original_receipt!, amountMinor: n(row.amount), currency: row.currency, callbackUrl: url })
			: { kind: "rejected", code: "REVERSAL_UNSUPPORTED", reason: `${row.provider} has no reversal` };
	} else
		reply = await adapter.payout({
			payoutId: row.id,
			amountMinor: n(row.amount),
			currency: row.currency,
			phone: row.phone,
			remarks: row.reason === "refund" ? "Nexgate refund" : "Nexgate payout",
			resultUrl: url
		});
	if (reply.kind === "paid") return void (await finishPayout(rt, row.id, { kind: "paid", receipt: reply.receipt }));
	if (reply.kind === "rejected") return void (await finishPayout(rt, row.id, { kind: "failed", code: reply.code, reason: reply.reason }));
	await execute(
		dbOf(rt),
		`UPDATE payments.payouts SET status = CASE WHEN status = 'pending' THEN 'processing' ELSE status END,
		        provider_reference = coalesce(:ref, provider_reference), updated_at = now() WHERE id = :id`,
		{ id: row.id, ref: reply.kind === "accepted" ? reply.providerReference : null }
	);
	if (reply.kind === "ambiguous") rt.logger.warn(`payments: payout ${row.id} got no clear answer from ${row.provider}: ${reply.reason}`);
}

/** Posts or voids the reservation on the provider's final answer, once; a failed reversal is followed by its B2C fallback. */
export async function finishPayout(rt: PaymentsRuntime, payoutId: string, result: PayoutResult, eventId: string | null = null): Promise<"paid" | "failed" | "duplicate"> {
	const { outcome, fallback } = await inTransaction(rt.sequelize, async t => {
		const db = dbOf(rt, t);
		const p = await findPayout(db, payoutId, true);
		let outcome: "paid" | "failed" | "duplicate" = "duplicate";
		let fallback: { row: PayoutRow; token: string } | null = null;
		if (p && (p.status === "pending" || p.status === "processing")) {
			const amount = n(p.amount);
			const base = { payoutId: p.id, userId: p.user_id, amount, currency: p.currency, provider: p.provider, reason: p.reason };
			if (result.kind === "paid") {
				await post(db, {
					externalId: `payout:${p.id}:post`,
					kind: p.rail === "reversal" ? "reversal_post" : "payout_post",
					currency: p.currency,
					legs: transfer(accounts.payoutsInTransit(), accounts.clearing(p.provider), amount),
					memo: { payoutId: p.id, receipt: result.receipt, originalReceipt: p.original_receipt }
				});
				await execute(db, "UPDATE payments.payouts SET status = 'paid', updated_at = now(), finished_at = now() WHERE id = :id", { id: p.id });
				await rt.raiseEvent(t, "payments.payout.paid", { ...base, receipt: result.receipt }, p.user_id);
			} else {
				await post(db, {
					externalId: `payout:${p.id}:void`,
					kind: p.rail === "reversal" ? "reversal_void" : "payout_void",
					currency: p.currency,
					legs: transfer(accounts.payoutsInTransit(), accounts.wallet(p.user_id), amount),
					memo: { payoutId: p.id, code: result.code }
				});
				await execute(db, "UPDATE payments.payouts SET status = 'failed', failure_code = :code, failure_reason = :reason, updated_at = now(), finished_at = now() WHERE id = :id", {
					id: p.id,
					code: result.code,
					reason: result.reason
				});
				if (p.rail === "reversal") {
					// The refund is still owed to the phone: the same money leaves the wallet again, by B2C. No payout.failed:
					// for the payer nothing failed yet (that B2C payout raises its own paid or failed).
					rt.logger.warn(`payments: reversal ${p.id} of ${p.original_receipt} failed (${result.code}); refunding by payout instead`);
					fallback = await reservePayout(rt, t, {
						userId: p.user_id,
						amount,
						currency: p.currency,
						provider: p.provider,
						phone: p.phone,
						methodId: null,
						reason: "refund",
						idempotencyKey: `reversal-fallback:${p.id}`
					});
				} else await rt.raiseEvent(t, "payments.payout.failed", { ...base, code: result.code, message: result.reason || null }, p.user_id);
			}
			outcome = result.kind;
		}
		if (eventId) await markProcessed(db, eventId, outcome);
		return { outcome, fallback };
	});
	// If this node stops here, the fallback stays pending and the reconciliation worker sends it after a minute.
	if (fallback) await dispatchPayout(rt, fallback.row, fallback.token).catch(err => rt.logger.warn(`payments: fallback payout ${fallback!.row.id} not sent yet: ${(err as Error).message}`));
	return outcome;
}
