/** Helpers of the payments tests: intents through the internal action, the simulators' controls, ledger reads. */
import crypto from "node:crypto";
import { newId } from "../../../lib/ids";
import { coreQuery } from "../../support/db";
import type { Stack } from "../../support/stack";
import { waitFor } from "../../support/wait";
import { http } from "../api/http";

export type Provider = "mpesa" | "selcom" | "tembo";

let phoneCounter = 0;
/** A unique mobile number for the provider's country: Kenyan for M-Pesa, Tanzanian Airtel (78…) for Selcom and Tembo. */
export function phoneFor(provider: Provider): string {
	phoneCounter += 1;
	const tail = String((Date.now() % 100_000) * 100 + (phoneCounter % 100)).padStart(7, "0").slice(-7);
	return provider === "mpesa" ? `+25471${tail}` : `+25578${tail}`;
}

export const currencyOf = (p: Provider) => (p === "mpesa" ? "KES" : "TZS");

export interface Intent {
	id: string;
	status: string;
	amount: number;
	currency: string;
	provider: Provider;
	providerReference: string | null;
	purpose: { type: string; id: string };
	failure: { code: string; reason: string | null } | null;
}

export async function createIntent(
	stack: Stack,
	p: { payerId: string; payeeId?: string; provider: Provider; amount?: number; phone?: string; key?: string; lifetimeSeconds?: number; purposeId?: string }
): Promise<Intent> {
	return stack.broker.call("payments.createIntent", {
		payerId: p.payerId,
		payeeId: p.payeeId,
		amount: p.amount ?? 150_000,
		currency: currencyOf(p.provider),
		purpose: { type: "order", id: p.purposeId ?? newId() },
		method: { provider: p.provider, phone: p.phone ?? phoneFor(p.provider) },
		idempotencyKey: p.key ?? crypto.randomUUID(),
		lifetimeSeconds: p.lifetimeSeconds
	});
}

export async function complete(stack: Stack, provider: Provider, reference: string, body: { outcome: string; amount?: number; repeat?: number }) {
	const res = await http(stack.apiUrl, `/sim/${provider}/payments/${encodeURIComponent(reference)}/complete`, { method: "POST", body });
	if (res.status !== 200) throw new Error(`complete answered ${res.status}: ${res.text}`);
	return res.json as { state: string; callbacks: number[] };
}

export async function simShow(stack: Stack, provider: Provider, reference: string) {
	return (await http(stack.apiUrl, `/sim/${provider}/payments/${encodeURIComponent(reference)}`)).json as { callbackUrl: string; amount: number; msisdn: string };
}

export async function intentRow(id: string) {
	const [row] = await coreQuery<{ status: string; flag: string | null; failure_code: string | null; received_amount: string | null }>(
		"SELECT status, flag, failure_code, received_amount FROM payments.payment_intents WHERE id = $1",
		[id]
	);
	return row;
}

export function waitForStatus(id: string, statuses: string[], timeoutMs = 30_000) {
	return waitFor(async () => {
		const row = await intentRow(id);
		return row && statuses.includes(row.status) ? row : null;
	}, `intent ${id} to become ${statuses.join(" or ")}`, timeoutMs, 100);
}

export async function balance(code: string, currency: string): Promise<number> {
	const [row] = await coreQuery<{ balance: string }>("SELECT balance FROM payments.accounts WHERE code = $1 AND currency = $2", [code, currency]);
	return row ? Number(row.balance) : 0;
}

/** Ledger entries made for an intent's collection (any destination). */
export async function collectionEntries(intentId: string): Promise<number> {
	const [row] = await coreQuery<{ n: string }>("SELECT count(*) AS n FROM payments.ledger_transactions WHERE external_id LIKE $1", [`collect:%:${intentId}`]);
	return Number(row.n);
}

/** Outbox events of a type about an intent. */
export async function outboxEvents(type: string, key: string, value: string): Promise<number> {
	const [row] = await coreQuery<{ n: string }>("SELECT count(*) AS n FROM payments.outbox WHERE type = $1 AND envelope->'data'->>$2 = $3", [type, key, value]);
	return Number(row.n);
}

/** The processed inbox rows of an intent (the worker is done with its callbacks). */
export async function processedEvents(refId: string): Promise<number> {
	const [row] = await coreQuery<{ n: string }>("SELECT count(*) AS n FROM payments.provider_events WHERE ref_id = $1 AND processed_at IS NOT NULL", [refId]);
	return Number(row.n);
}

/** Promotes a test user to administrator (as bin/create-admin would) and signs in again for a token carrying the role. */
export async function adminToken(stack: Stack, user: { userId: string; phone: string | null; password: string }): Promise<string> {
	await coreQuery("UPDATE auth.accounts SET roles = '{user,admin}' WHERE id = $1", [user.userId]);
	const res = await http(stack.apiUrl, "/api/v1/auth/login", {
		method: "POST",
		body: { identifier: user.phone, password: user.password, device: { id: `admin-${newId()}`, name: "ops", platform: "web" } }
	});
	if (res.status !== 200) throw new Error(`admin login failed: ${res.status} ${res.text}`);
	return res.json.accessToken as string;
}

/** Pays a purpose through M-Pesa and waits until the money is in its escrow. */
export async function paidOrder(stack: Stack, payerId: string, payeeId: string, amount: number, phone?: string): Promise<Intent> {
	const intent = await createIntent(stack, { payerId, payeeId, provider: "mpesa", amount, phone });
	await complete(stack, "mpesa", intent.providerReference!, { outcome: "success" });
	await waitForStatus(intent.id, ["succeeded"]);
	return intent;
}

/** The payout rows of a user (withdrawals, refunds by payout or by reversal), oldest first. */
export async function payoutRows(userId: string) {
	return coreQuery<{ id: string; status: string; rail: string; reason: string; amount: string; original_receipt: string | null; failure_code: string | null; idempotency_key: string | null }>(
		"SELECT id, status, rail, reason, amount, original_receipt, failure_code, idempotency_key FROM payments.payouts WHERE user_id = $1 ORDER BY created_at, id",
		[userId]
	);
}

/** What the M-Pesa simulator received as reversal requests for a receipt. */
export async function simReversals(stack: Stack, receipt: string) {
	const res = await http(stack.apiUrl, `/sim/mpesa/reversals?receipt=${encodeURIComponent(receipt)}`);
	if (res.status !== 200) throw new Error(`reversals answered ${res.status}: ${res.text}`);
	return res.json.items as Array<{ receipt: string; amount: number; state: string; resultCode: string | null; resultUrl: string; conversationId: string; originatorConversationId: string }>;
}
