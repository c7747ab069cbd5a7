/**
 * The reconciliation worker (issue 7 §7) and the operators' mismatch report.
 * Each pass: process callbacks waiting in the inbox, poll the provider for
 * open intents whose check is due (expiring those past their lifetime),
 * poll or re-send open payouts, and release escrows whose timer ran out.
 * Work is claimed with SKIP LOCKED and a lease, so several nodes share it.
 */
import type { Logger } from "moleculer";
import { PollingLoop } from "../../../lib/polling-loop";
import { newCallbackToken } from "../rules/callback-token";
import { dbOf, type PaymentsRuntime } from "../runtime";
import { claimDueEvents } from "../store/inbox";
import { claimDueIntents, type IntentRow } from "../store/intents";
import { checkInvariants } from "../store/ledger";
import { claimDuePayouts, type PayoutRow } from "../store/payouts";
import { execute, n, select } from "../../../lib/db/sql";
import { processEvent } from "./callbacks";
import { releaseDue } from "./escrow";
import { dispatchPayout, finishPayout } from "./payouts";
import { expireIntent, settleIntent } from "./settle";

const BATCH = 20;

async function checkIntent(rt: PaymentsRuntime, i: IntentRow): Promise<void> {
	if (i.provider_reference) {
		const status = await rt.providers[i.provider].collectionStatus({ id: i.id, providerReference: i.provider_reference, amountMinor: n(i.amount), currency: i.currency });
		if (status.kind === "final") {
			await settleIntent(rt, i.id, status.outcome);
			return;
		}
	}
	if (new Date(i.expires_at).getTime() <= Date.now()) await expireIntent(rt, i.id);
}

async function checkPayout(rt: PaymentsRuntime, p: PayoutRow): Promise<void> {
	// A dispatch in progress owns its callback token: a payout still pending is taken over only after a minute.
	if (p.status === "pending" && Date.now() - new Date(p.created_at).getTime() < 60_000) return;
	const status = await rt.providers[p.provider].payoutStatus({ id: p.id, providerReference: p.provider_reference });
	if (status.kind === "paid" || status.kind === "failed") return void (await finishPayout(rt, p.id, status));
	// A reversal is never sent twice: Daraja dedupes it by nothing we choose, and a second request for a receipt already
	// reversed would fail and trigger the B2C fallback on top of the first (a double refund). It turns processing just
	// before its request, so one still pending was never sent (the node stopped first) and is sent now; one processing
	// waits for its result or for an operator (the report's stuckPayouts), who looks the receipt up in the M-Pesa portal.
	if (p.rail === "reversal" && p.status !== "pending") return;
	// Reserved but never answered (the node stopped before or during the call): ask again under the same payout id, the
	// provider's dedupe key — where the provider does not know it (unknown), or Daraja, which has no status API but
	// answers a repeated OriginatorConversationID as a duplicate instead of paying twice.
	const resend = p.status === "pending" && (status.kind === "unknown" || p.provider === "mpesa" || p.rail === "reversal");
	if (!resend) return;
	const { token, hash } = newCallbackToken();
	await execute(dbOf(rt), "UPDATE payments.payouts SET callback_token_hash = :hash WHERE id = :id AND status = 'pending'", { id: p.id, hash });
	await dispatchPayout(rt, { ...p, callback_token_hash: hash }, token);
}

export class ReconciliationWorker extends PollingLoop {
	constructor(private readonly rt: PaymentsRuntime, private readonly logger: Logger) {
		super(rt.cfg.pollMs);
	}

	protected async pass(): Promise<boolean> {
		const rt = this.rt;
		const db = dbOf(rt);
		const each = async <T>(items: T[], work: (item: T) => Promise<void>, what: string) => {
			await Promise.all(items.map(item => work(item).catch(err => this.logger.warn(`payments: ${what} failed: ${(err as Error).message}`))));
		};
		const events = await claimDueEvents(db, BATCH, rt.cfg.callbackMaxAttempts, rt.cfg.statusPollMaxS);
		await each(events, e => processEvent(rt, e), "processing a callback");
		const intents = await claimDueIntents(db, BATCH, rt.cfg.statusPollFirstS, rt.cfg.statusPollMaxS);
		await each(intents, i => checkIntent(rt, i), "an intent status check");
		const payouts = await claimDuePayouts(db, BATCH, rt.cfg.statusPollFirstS, rt.cfg.statusPollMaxS);
		await each(payouts, p => checkPayout(rt, p), "a payout status check");
		const released = await releaseDue(rt, BATCH);
		return events.length === BATCH || intents.length === BATCH || payouts.length === BATCH || released === BATCH;
	}

	protected passFailed(err: Error): void {
		this.logger.warn(`payments: reconciliation pass failed: ${err.message}`);
	}
}

/** What an operator must look at: flagged intents, callbacks that could not be confirmed, stuck payouts, ledger breaks. */
export async function reconciliationReport(rt: PaymentsRuntime) {
	const db = dbOf(rt);
	const flagged = await select<Record<string, unknown>>(
		db,
		`SELECT id, provider, provider_reference, status, flag, amount, received_amount, currency, failure_code, updated_at FROM payments.payment_intents
		 WHERE flag IS NOT NULL ORDER BY updated_at DESC LIMIT 200`
	);
	const unconfirmed = await select<Record<string, unknown>>(
		db,
		`SELECT id, provider, event_key, kind, ref_id, attempts, received_at FROM payments.provider_events
		 WHERE processed_at IS NULL AND (attempts >= :max OR received_at < now() - interval '10 minutes') ORDER BY received_at LIMIT 200`,
		{ max: rt.cfg.callbackMaxAttempts }
	);
	const overdue = await select<Record<string, unknown>>(
		db,
		`SELECT id, provider, provider_reference, status, expires_at FROM payments.payment_intents
		 WHERE status IN ('pending', 'processing') AND expires_at < now() - interval '1 minute' ORDER BY expires_at LIMIT 200`
	);
	const stuckPayouts = await select<Record<string, unknown>>(
		db,
		`SELECT id, provider, provider_reference, status, amount, currency, created_at FROM payments.payouts
		 WHERE status IN ('pending', 'processing') AND created_at < now() - interval '1 hour' ORDER BY created_at LIMIT 200`
	);
	const ledger = await checkInvariants(db);
	return {
		generatedAt: new Date().toISOString(),
		ok: flagged.length + unconfirmed.length + overdue.length + stuckPayouts.length === 0 && ledger.ok,
		flaggedIntents: flagged,
		unconfirmedCallbacks: unconfirmed,
		overdueIntents: overdue,
		stuckPayouts,
		ledger
	};
}
