/**
 * Creating a payment intent (issue 7 §3), called by commerce and events:
 * validate, store it under the payer's idempotency key (the same key returns
 * the same intent; the same key with other parameters is a 409), then ask
 * the provider to prompt the payer. The provider call happens after the
 * commit, so a crash in between leaves a pending intent that expires, never
 * a prompt for an intent we do not know.
 */
import crypto from "node:crypto";
import { inTransaction } from "../../../lib/db/transaction";
import { conflict, notFound, unprocessable } from "../../../lib/errors";
import { newId } from "../../../lib/ids";
import { normaliseAllocations, singlePayee, type AllocationInput, type NormalisedAllocation } from "../rules/allocations";
import { newCallbackToken } from "../rules/callback-token";
import { isWholeUnits, type Currency } from "../rules/money";
import { MARKETS, normalisePhone, type ProviderName } from "../rules/providers";
import { callbackUrl, dbOf, type PaymentsRuntime } from "../runtime";
import { allocationsOf, busyPurpose, insertAllocations } from "../store/allocations";
import { findByKey, findIntent, intentView, type IntentRow, type IntentView } from "../store/intents";
import { findMethod } from "../store/methods";
import { execute, select, type Db } from "../../../lib/db/sql";
import { settleIntent } from "./settle";

export interface CreateIntentParams {
	payerId: string;
	/** The seller or organiser the escrow is released to; may also be given at release. */
	payeeId?: string;
	amount: number;
	currency: Currency;
	purpose: { type: "order" | "booking"; id: string };
	/**
	 * One payment for several escrows (a checkout across shops): each allocation
	 * opens the escrow of its purpose for its payee; they add up to `amount`
	 * and the first one's purpose is `purpose`. Absent: one allocation.
	 */
	allocations?: AllocationInput[];
	method: { methodId: string } | { provider: ProviderName; phone: string };
	idempotencyKey: string;
	/** Shorter than the configured lifetime, e.g. a booking's hold (seconds). */
	lifetimeSeconds?: number;
	description?: string;
}

async function resolveMethod(rt: PaymentsRuntime, p: CreateIntentParams): Promise<{ provider: ProviderName; phone: string; methodId: string | null }> {
	if ("methodId" in p.method) {
		const m = await findMethod(dbOf(rt), p.method.methodId);
		if (!m || m.user_id !== p.payerId) throw notFound("Payment method not found", "METHOD_NOT_FOUND");
		return { provider: m.provider, phone: m.phone, methodId: m.id };
	}
	const phone = normalisePhone(p.method.phone, p.method.provider);
	if (!phone) throw unprocessable(`The phone is not a ${MARKETS[p.method.provider].country} mobile number`, "PHONE_NOT_SUPPORTED", { provider: p.method.provider });
	return { provider: p.method.provider, phone, methodId: null };
}

function requestHash(p: CreateIntentParams, allocations: NormalisedAllocation[], provider: string, phone: string): string {
	const split = allocations.map(a => [a.purpose.type, a.purpose.id, a.payeeId, a.amount]);
	const canonical = JSON.stringify([p.amount, p.currency, p.purpose.type, p.purpose.id, p.payeeId ?? null, provider, phone, split]);
	return crypto.createHash("sha256").update(canonical).digest("hex");
}

export async function createIntent(rt: PaymentsRuntime, p: CreateIntentParams): Promise<IntentView> {
	const { provider, phone, methodId } = await resolveMethod(rt, p);
	const market = MARKETS[provider];
	if (p.currency !== market.currency)
		throw unprocessable(`${provider} collects in ${market.currency}, not ${p.currency}`, "CURRENCY_NOT_SUPPORTED", { provider, currency: market.currency });
	if (!isWholeUnits(p.amount, p.currency))
		throw unprocessable("Mobile-money rails take whole units: round the amount first", "AMOUNT_NOT_WHOLE_UNITS", { unit: 10 ** (p.currency === "TZS" || p.currency === "KES" ? 2 : 0) });
	if (p.payeeId && p.payeeId === p.payerId) throw unprocessable("The payer cannot pay themselves", "SELF_PAYMENT");
	const allocations = normaliseAllocations(p);
	if (!Array.isArray(allocations)) throw unprocessable(allocations.message, allocations.code);
	const payeeId = p.payeeId ?? singlePayee(allocations);
	const hash = requestHash(p, allocations, provider, phone);
	const { token, hash: tokenHash } = newCallbackToken();
	const lifetimeS = Math.min(p.lifetimeSeconds ?? rt.cfg.intentLifetimeS, rt.cfg.intentLifetimeS);

	const created = await inTransaction(rt.sequelize, async t => {
		const db = dbOf(rt, t);
		// One payment at a time per purpose: a second prompt while one is open, or after success, is refused.
		await lockPurposes(db, allocations);
		const existing = await findByKey(db, p.payerId, p.idempotencyKey);
		if (existing) {
			if (existing.request_hash !== hash) throw conflict("This idempotency key was used for another payment", "IDEMPOTENCY_KEY_REUSED");
			return { row: existing, fresh: false };
		}
		const busy = await busyPurpose(db, allocations.map(a => a.purpose));
		if (busy) throw conflict(busy === "succeeded" ? "This purpose is already paid" : "A payment for this purpose is in progress", busy === "succeeded" ? "ALREADY_PAID" : "PAYMENT_IN_PROGRESS");
		const [row] = await select<IntentRow>(
			db,
			`INSERT INTO payments.payment_intents (id, payer_id, payee_id, amount, currency, purpose_type, purpose_id, provider, phone, method_id, status,
			        callback_token_hash, idempotency_key, request_hash, expires_at, next_check_at)
			 VALUES (:id, :payerId, :payeeId, :amount, :currency, :ptype, :pid, :provider, :phone, :methodId, 'pending', :tokenHash, :key, :hash,
			        now() + make_interval(secs => :lifetimeS), now() + make_interval(secs => :firstS)) RETURNING *`,
			{
				id: newId(),
				payerId: p.payerId,
				payeeId,
				amount: p.amount,
				currency: p.currency,
				ptype: p.purpose.type,
				pid: p.purpose.id,
				provider,
				phone,
				methodId,
				tokenHash,
				key: p.idempotencyKey,
				hash,
				lifetimeS,
				firstS: Math.min(rt.cfg.statusPollFirstS, lifetimeS)
			}
		);
		await insertAllocations(db, row.id, allocations);
		return { row, fresh: true };
	});
	if (!created.fresh) return intentView(created.row, await allocationsOf(dbOf(rt), created.row.id));

	const intent = created.row;
	rt.countIntent(provider, "pending");
	const reply = await rt.providers[provider].collect({
		intentId: intent.id,
		amountMinor: p.amount,
		currency: p.currency,
		phone,
		description: p.description ?? `Nexgate ${p.purpose.type}`,
		callbackUrl: await callbackUrl(rt, provider, intent.id, token)
	});
	if (reply.kind === "rejected") await settleIntent(rt, intent.id, reply.outcome);
	else if (reply.providerReference)
		await execute(
			dbOf(rt),
			`UPDATE payments.payment_intents SET provider_reference = :ref, status = CASE WHEN status = 'pending' AND :accepted THEN 'processing' ELSE status END,
			        updated_at = now() WHERE id = :id`,
			{ id: intent.id, ref: reply.providerReference, accepted: reply.kind === "accepted" }
		);
	if (reply.kind === "accepted" && reply.providerReference) rt.countIntent(provider, "processing");
	if (reply.kind === "ambiguous") rt.logger.warn(`payments: collection ${intent.id} got no clear answer from ${provider}: ${reply.reason}`);
	return intentView((await findIntent(dbOf(rt), intent.id))!, allocations);
}

/** Transaction-scoped locks on every purpose, taken in one order so two overlapping checkouts cannot deadlock. */
async function lockPurposes(db: Db, allocations: readonly NormalisedAllocation[]): Promise<void> {
	const keys = allocations.map(a => `payments:purpose:${a.purpose.type}:${a.purpose.id}`).sort();
	for (const key of keys) await execute(db, "SELECT pg_advisory_xact_lock(hashtext(:key))", { key });
}
