/**
 * Escrow (issue 7 §8): release to the payee minus commission, refunds (full
 * or partial) to the payer's wallet or phone (by reversal of the M-Pesa
 * collection where rules/refund-route.ts allows, else by payout), disputes that freeze the money
 * until an admin releases, refunds or splits it, and the auto-release timer
 * started when the domain reports delivery. Each movement is one transaction
 * with its ledger entry and outbox event; the escrow row is locked first.
 */
import type { Transaction } from "sequelize";
import { inTransaction } from "../../../lib/db/transaction";
import { conflict, notFound, unprocessable } from "../../../lib/errors";
import { newId } from "../../../lib/ids";
import { refusal, remaining, type EscrowAction } from "../rules/escrow-state";
import { accounts, transfer } from "../rules/ledger";
import { splitCommission } from "../rules/money";
import type { ProviderName } from "../rules/providers";
import { dbOf, type PaymentsRuntime } from "../runtime";
import { amountsOf, escrowView, findEscrow, type EscrowRow, type EscrowView, type Purpose } from "../store/escrows";
import { post } from "../store/ledger";
import { execute, n, select } from "../../../lib/db/sql";
import { refundRoute, type RefundRoute } from "../rules/refund-route";
import { fundingCollections } from "../store/allocations";
import { reversedOfReceipt } from "../store/payouts";
import { dispatchPayout, reservePayout } from "./payouts";
import type { PayoutRow } from "../store/payouts";

type Pending = { row: PayoutRow; token: string } | null;

async function locked(rt: PaymentsRuntime, t: Transaction, purpose: Purpose, action: EscrowAction): Promise<EscrowRow> {
	const e = await findEscrow(dbOf(rt, t), purpose, true);
	if (!e) throw notFound("No payment is held for this purpose", "ESCROW_NOT_FOUND");
	const why = refusal(e.status, action);
	if (why) throw conflict(why, "ESCROW_STATE", { status: e.status });
	return e;
}

async function reload(rt: PaymentsRuntime, t: Transaction, id: string): Promise<EscrowRow> {
	return (await select<EscrowRow>(dbOf(rt, t), "SELECT * FROM payments.escrows WHERE id = :id", { id }))[0];
}

/** Moves `gross` (default all that is left) to the payee: commission to platform revenue, the rest to the wallet. */
async function release(rt: PaymentsRuntime, t: Transaction, e: EscrowRow, gross: number, by: "buyer" | "auto" | "admin", payeeId: string | null, finalStatus: "released" | "split") {
	const payee = e.payee_id ?? payeeId;
	if (!payee) throw unprocessable("Nobody to release to: give payeeId", "PAYEE_UNKNOWN");
	if (payee === e.payer_id) throw unprocessable("The payer cannot be the payee", "SELF_PAYMENT");
	const { commission, net } = splitCommission(gross, rt.cfg.commissionBps);
	if (gross > 0)
		await post(dbOf(rt, t), {
			externalId: `release:${e.id}`,
			kind: "escrow_release",
			currency: e.currency,
			legs: [
				{ account: accounts.escrow(e.purpose_type, e.purpose_id), amount: -gross },
				{ account: accounts.wallet(payee), amount: net },
				{ account: accounts.feeRevenue(), amount: commission }
			],
			memo: { escrowId: e.id, by, commissionBps: rt.cfg.commissionBps }
		});
	await execute(
		dbOf(rt, t),
		`UPDATE payments.escrows SET status = :status, payee_id = :payee, released = released + :net, commission = commission + :commission,
		        auto_release_at = NULL, version = version + 1, updated_at = now() WHERE id = :id`,
		{ id: e.id, status: finalStatus, payee, net, commission }
	);
	await rt.raiseEvent(
		t,
		"payments.escrow.released",
		{ escrowId: e.id, purpose: { type: e.purpose_type, id: e.purpose_id }, payerId: e.payer_id, payeeId: payee, currency: e.currency, gross, commission, net, by },
		null
	);
}

/** Gives `amount` back to the payer's wallet and, for "provider", reserves a payout of it to the phone that paid. */
async function refund(rt: PaymentsRuntime, t: Transaction, e: EscrowRow, amount: number, to: "provider" | "wallet", by: "domain" | "admin", key: string): Promise<Pending> {
	const left = remaining(amountsOf(e));
	if (amount <= 0 || amount > left) throw unprocessable(`A refund must be between 1 and ${left}`, "REFUND_EXCEEDS_ESCROW", { remaining: left });
	const posted = await post(dbOf(rt, t), {
		externalId: `refund:${e.id}:${key}`,
		kind: "escrow_refund",
		currency: e.currency,
		legs: transfer(accounts.escrow(e.purpose_type, e.purpose_id), accounts.wallet(e.payer_id), amount),
		memo: { escrowId: e.id, to, by }
	});
	if (!posted.created) return null;
	const after = left - amount;
	await execute(
		dbOf(rt, t),
		`UPDATE payments.escrows SET refunded = refunded + :amount, status = CASE WHEN :after = 0 AND status = 'held' THEN 'refunded' ELSE status END,
		        version = version + 1, updated_at = now() WHERE id = :id`,
		{ id: e.id, amount, after }
	);
	let pending: Pending = null;
	if (to === "provider") {
		if (!e.refund_phone || !e.refund_provider) throw unprocessable("The paying number is unknown: refund to the wallet", "REFUND_ROUTE_UNKNOWN");
		const provider = e.refund_provider as ProviderName;
		const route = await routeRefund(rt, t, e, provider, amount);
		pending = await reservePayout(rt, t, {
			userId: e.payer_id,
			amount,
			currency: e.currency,
			provider,
			phone: e.refund_phone,
			methodId: null,
			reason: "refund",
			idempotencyKey: `refund:${e.id}:${key}`,
			rail: route.rail,
			originalReceipt: route.rail === "reversal" ? route.receipt : null
		});
	}
	await rt.raiseEvent(
		t,
		"payments.escrow.refunded",
		{ escrowId: e.id, purpose: { type: e.purpose_type, id: e.purpose_id }, payerId: e.payer_id, currency: e.currency, amount, remaining: after, to, payoutId: pending?.row.id ?? null, by },
		null
	);
	return pending;
}

/**
 * Reversal of the collection's receipt, or a payout (rules/refund-route.ts). The receipt is locked by name first, so
 * two escrows refunding shares of one collection at once cannot reverse more than it had.
 */
async function routeRefund(rt: PaymentsRuntime, t: Transaction, e: EscrowRow, provider: ProviderName, amount: number): Promise<RefundRoute> {
	const reversible = Boolean(rt.providers[provider].reverse) && provider === "mpesa" && rt.cfg.daraja.reversalEnabled;
	if (!reversible) return { rail: "payout", why: "the provider has no reversal" };
	const db = dbOf(rt, t);
	const collections = (await fundingCollections(db, { type: e.purpose_type, id: e.purpose_id }, provider)).map(c => ({ receipt: c.receipt, amount: n(c.received_amount) }));
	const receipt = collections.length === 1 ? collections[0].receipt : null;
	if (receipt) await execute(db, "SELECT pg_advisory_xact_lock(hashtext(:key))", { key: `payments:reversal:${receipt}` });
	const route = refundRoute({
		reversible,
		partialAllowed: rt.cfg.daraja.reversalPartial,
		collections,
		alreadyReversed: receipt ? await reversedOfReceipt(db, receipt) : 0,
		amount
	});
	if (route.rail === "payout") rt.logger.debug(`payments: refund of escrow ${e.id} goes by payout: ${route.why}`);
	return route;
}

async function afterCommit(rt: PaymentsRuntime, pending: Pending): Promise<void> {
	if (pending) await dispatchPayout(rt, pending.row, pending.token);
}

export async function releaseEscrow(rt: PaymentsRuntime, p: { purpose: Purpose; payeeId?: string; by?: "buyer" | "auto" }): Promise<EscrowView> {
	return inTransaction(rt.sequelize, async t => {
		const e = await locked(rt, t, p.purpose, "release");
		await release(rt, t, e, remaining(amountsOf(e)), p.by ?? "buyer", p.payeeId ?? null, "released");
		return escrowView(await reload(rt, t, e.id));
	});
}

export async function refundEscrow(rt: PaymentsRuntime, p: { purpose: Purpose; amount?: number; to: "provider" | "wallet"; idempotencyKey?: string }): Promise<EscrowView> {
	const { view, pending } = await inTransaction(rt.sequelize, async t => {
		const e = await locked(rt, t, p.purpose, "refund");
		const pending = await refund(rt, t, e, p.amount ?? remaining(amountsOf(e)), p.to, "domain", p.idempotencyKey ?? newId());
		return { view: escrowView(await reload(rt, t, e.id)), pending };
	});
	await afterCommit(rt, pending);
	return view;
}

export async function freezeEscrow(rt: PaymentsRuntime, p: { purpose: Purpose; reason: string }): Promise<EscrowView> {
	return inTransaction(rt.sequelize, async t => {
		const e = await locked(rt, t, p.purpose, "dispute");
		await execute(dbOf(rt, t), "UPDATE payments.escrows SET status = 'disputed', dispute_reason = :reason, auto_release_at = NULL, version = version + 1, updated_at = now() WHERE id = :id", {
			id: e.id,
			reason: p.reason
		});
		return escrowView(await reload(rt, t, e.id));
	});
}

export interface Resolution {
	purpose: Purpose;
	resolution: "release" | "refund" | "split";
	/** For "split": what goes back to the payer; the rest is released. */
	refundAmount?: number;
	to?: "provider" | "wallet";
}

/** An admin ends a dispute: all to the payee, all back to the payer, or split between them. */
export async function resolveDispute(rt: PaymentsRuntime, p: Resolution): Promise<EscrowView> {
	const { view, pending } = await inTransaction(rt.sequelize, async t => {
		const e = await locked(rt, t, p.purpose, "resolve");
		const left = remaining(amountsOf(e));
		const to = p.to ?? "wallet";
		let pending: Pending = null;
		if (p.resolution === "release") await release(rt, t, e, left, "admin", null, "released");
		else if (p.resolution === "refund") {
			pending = await refund(rt, t, e, left, to, "admin", "dispute");
			await execute(dbOf(rt, t), "UPDATE payments.escrows SET status = 'refunded' WHERE id = :id", { id: e.id });
		} else {
			const back = p.refundAmount ?? 0;
			if (back <= 0 || back >= left) throw unprocessable(`A split refunds between 1 and ${left - 1}`, "SPLIT_OUT_OF_RANGE", { remaining: left });
			pending = await refund(rt, t, e, back, to, "admin", "dispute");
			await release(rt, t, await reload(rt, t, e.id), left - back, "admin", null, "split");
		}
		return { view: escrowView(await reload(rt, t, e.id)), pending };
	});
	await afterCommit(rt, pending);
	return view;
}

/** The domain reports delivery: the escrow releases itself after the window unless disputed first. */
export async function markDelivered(rt: PaymentsRuntime, purpose: Purpose): Promise<EscrowView> {
	return inTransaction(rt.sequelize, async t => {
		const e = await locked(rt, t, purpose, "release");
		await execute(dbOf(rt, t), "UPDATE payments.escrows SET auto_release_at = coalesce(auto_release_at, now() + make_interval(hours => :h)), updated_at = now() WHERE id = :id", {
			id: e.id,
			h: rt.cfg.autoReleaseHours
		});
		return escrowView(await reload(rt, t, e.id));
	});
}

/** Escrows whose auto-release time passed (worker); each in its own transaction, skipping ones another node holds. */
export async function releaseDue(rt: PaymentsRuntime, limit: number): Promise<number> {
	const due = await select<{ purpose_type: "order" | "booking"; purpose_id: string }>(
		dbOf(rt),
		"SELECT purpose_type, purpose_id FROM payments.escrows WHERE status = 'held' AND auto_release_at <= now() ORDER BY auto_release_at LIMIT :limit",
		{ limit }
	);
	let done = 0;
	for (const d of due) {
		try {
			await releaseEscrow(rt, { purpose: { type: d.purpose_type, id: d.purpose_id }, by: "auto" });
			done += 1;
		} catch (err) {
			rt.logger.warn(`payments: auto-release of ${d.purpose_type} ${d.purpose_id} failed: ${(err as Error).message}`);
		}
	}
	return done;
}
