/**
 * Provider callbacks (issue 7 §6). Receiving: the per-transaction token in
 * the URL and the provider's own authentication (signature, IP allow-list)
 * are checked, then the raw message goes into the inbox under
 * UNIQUE(provider, event key) and the provider gets its answer at once,
 * duplicates too. Processing (worker): the callback is only a hint until the
 * provider's status API confirms it; then settle/finish book it exactly once.
 */
import { forbidden } from "../../../lib/errors";
import { isUuid } from "../../../lib/ids";
import { tokenMatches } from "../rules/callback-token";
import { fromRailUnits } from "../rules/money";
import type { ProviderName } from "../rules/providers";
import { dbOf, type PaymentsRuntime } from "../runtime";
import type { CallbackHint, InboundCallback } from "../providers/types";
import { markProcessed, storeEvent, type ProviderEventRow } from "../store/inbox";
import { findIntent } from "../store/intents";
import { findPayout } from "../store/payouts";
import { finishPayout } from "./payouts";
import { settleIntent } from "./settle";

export interface ReceiveResult {
	/** The body the provider expects. */
	ack: unknown;
	stored: boolean;
}

export async function receiveCallback(rt: PaymentsRuntime, provider: ProviderName, q: { ref?: unknown; token?: unknown }, cb: InboundCallback): Promise<ReceiveResult> {
	const adapter = rt.providers[provider];
	const refused = (why: string) => {
		rt.logger.warn(`payments: refused a ${provider} callback: ${why}`);
		return forbidden("Callback refused", "CALLBACK_REFUSED");
	};
	const hint = adapter.parseCallback(cb);
	if (!hint) throw refused("not a callback of this provider");
	if (!isUuid(q.ref)) throw refused("no transaction reference");
	const why = adapter.authenticate(cb);
	if (why) throw refused(why);
	const db = dbOf(rt);
	// The reference names an intent or a payout (UUIDv7s never collide); some providers send both kinds in one shape.
	const intent = await findIntent(db, q.ref);
	const owner = intent ?? (await findPayout(db, q.ref));
	if (!owner || owner.provider !== provider || !tokenMatches(q.token, owner.callback_token_hash)) throw refused("unknown transaction or wrong token");
	const kind = intent ? "collection" : "payout";
	const stored = await storeEvent(db, { provider, eventKey: `${kind}:${hint.eventKey}`, kind, refId: q.ref, payload: cb.body });
	if (stored) rt.kick();
	return { ack: adapter.ack(), stored };
}

/** One inbox row: confirm with the provider, then book. Left unprocessed (retried later) while the provider has no final answer. */
export async function processEvent(rt: PaymentsRuntime, e: ProviderEventRow): Promise<void> {
	const adapter = rt.providers[e.provider as ProviderName];
	const hint = adapter?.parseCallback({ body: e.payload, headers: {}, ip: null });
	if (!hint) return markProcessed(dbOf(rt), e.id, "unreadable");
	if (e.kind === "payout") return processPayoutEvent(rt, e, hint);

	const intent = await findIntent(dbOf(rt), e.ref_id);
	if (!intent) return markProcessed(dbOf(rt), e.id, "unknown_intent");
	// A callback can beat the synchronous reply that tells us the provider's reference: wait for it.
	if (!intent.provider_reference) return;
	if (hint.providerReference && hint.providerReference !== intent.provider_reference) return markProcessed(dbOf(rt), e.id, "reference_mismatch");
	const status = await adapter.collectionStatus({ id: intent.id, providerReference: intent.provider_reference, amountMinor: Number(intent.amount), currency: intent.currency });
	if (status.kind !== "final") return;
	let outcome = status.outcome;
	if (outcome.state === "succeeded") {
		// The status APIs rarely say how much: the callback's amount and payer are what the checks compare.
		const claimed = hint.amount === undefined || hint.amount === null ? null : fromRailUnits(hint.amount, intent.currency);
		if (hint.amount !== undefined && hint.amount !== null && claimed === null) return markProcessed(dbOf(rt), e.id, "unreadable_amount");
		outcome = { state: "succeeded", amountMinor: outcome.amountMinor ?? claimed, receipt: outcome.receipt ?? hint.receipt, phone: outcome.phone ?? hint.phone };
	}
	await settleIntent(rt, intent.id, outcome, e.id);
}

async function processPayoutEvent(rt: PaymentsRuntime, e: ProviderEventRow, hint: CallbackHint): Promise<void> {
	const payout = await findPayout(dbOf(rt), e.ref_id);
	if (!payout) return markProcessed(dbOf(rt), e.id, "unknown_payout");
	const adapter = rt.providers[payout.provider];
	// Where the provider has a status API it decides; Daraja B2C has none, so its authenticated result is final.
	const status = await adapter.payoutStatus({ id: payout.id, providerReference: payout.provider_reference ?? hint.providerReference });
	let result: Parameters<typeof finishPayout>[2] | null = null;
	if (status.kind === "paid" || status.kind === "failed") result = status;
	else if (payout.provider === "mpesa") result = hint.claims === "succeeded" ? { kind: "paid", receipt: hint.receipt } : { kind: "failed", code: hint.code ?? "FAILED", reason: hint.reason ?? "" };
	if (!result) return;
	await finishPayout(rt, payout.id, result, e.id);
}

