/**
 * What the simulated payment providers hold (on the gateway node, like the
 * other inboxes): the collections they prompted customers for, the payouts
 * they made, and the outcomes a test asked for. A test completes a prompt
 * with POST /sim/:provider/payments/:reference/complete; the simulator then
 * calls the platform back exactly as the real provider would.
 */
export type SimProvider = "mpesa" | "selcom" | "tembo";
export type PromptOutcome = "success" | "insufficient_funds" | "cancelled" | "timeout";
export type PayoutOutcome = "success" | "failed" | "timeout";

export interface SimCollection {
	provider: SimProvider;
	/** The provider's id the platform knows (CheckoutRequestID, Selcom order_id, Tembo transactionId). */
	reference: string;
	/** The merchant's own reference (Daraja MerchantRequestID, Selcom order_id, Tembo transactionRef). */
	merchantRef: string;
	/** Whole units, as the rail took it. */
	amount: number;
	/** Digits only. */
	msisdn: string;
	callbackUrl: string;
	state: "pending" | "succeeded" | "failed" | "cancelled" | "timeout";
	/** Provider-specific result (Daraja ResultCode, Selcom payment_status, Tembo statusCode). */
	result: string | null;
	paidAmount: number | null;
	receipt: string | null;
	createdAt: string;
}

export interface SimPayout {
	provider: SimProvider;
	reference: string;
	merchantRef: string;
	amount: number;
	msisdn: string;
	callbackUrl: string | null;
	state: "pending" | "paid" | "failed";
	createdAt: string;
}

/** A reversal request the simulated Daraja received (tests read what the platform asked for). */
export interface SimReversal {
	conversationId: string;
	originatorConversationId: string;
	/** The receipt it asked to reverse. */
	receipt: string;
	amount: number;
	resultUrl: string;
	/** `R000002` and friends on failure; null while no result was sent (timeout). */
	resultCode: string | null;
	state: "pending" | "reversed" | "failed";
	createdAt: string;
}

export type ReversalOutcome = "success" | "failed" | "timeout";

export interface CallbackDelivery {
	url: string;
	body: unknown;
	headers?: Record<string, string>;
}

const RECEIPT_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

export function receiptNumber(): string {
	let s = "";
	for (let i = 0; i < 10; i++) s += RECEIPT_CHARS[Math.floor(Math.random() * RECEIPT_CHARS.length)];
	return s;
}

export function digits(n: number): string {
	let s = "";
	for (let i = 0; i < n; i++) s += String(Math.floor(Math.random() * 10));
	return s;
}

export class PaymentsSimState {
	readonly collections = new Map<string, SimCollection>();
	readonly payouts = new Map<string, SimPayout>();
	readonly reversals: SimReversal[] = [];
	private payoutRules: Array<{ msisdn: string | null; outcome: PayoutOutcome; remaining: number }> = [];
	private reversalRules: Array<{ receipt: string | null; outcome: ReversalOutcome; remaining: number }> = [];

	constructor(private readonly max: number) {}

	private key(provider: SimProvider, reference: string): string {
		return `${provider}:${reference}`;
	}

	addCollection(c: SimCollection): void {
		this.collections.set(this.key(c.provider, c.reference), c);
		if (this.collections.size > this.max) this.collections.delete(this.collections.keys().next().value as string);
	}

	collection(provider: SimProvider, reference: string): SimCollection | undefined {
		return this.collections.get(this.key(provider, reference));
	}

	collectionByMerchantRef(provider: SimProvider, merchantRef: string): SimCollection | undefined {
		for (const c of this.collections.values()) if (c.provider === provider && c.merchantRef === merchantRef) return c;
		return undefined;
	}

	addPayout(p: SimPayout): void {
		this.payouts.set(this.key(p.provider, p.merchantRef), p);
		if (this.payouts.size > this.max) this.payouts.delete(this.payouts.keys().next().value as string);
	}

	payout(provider: SimProvider, merchantRef: string): SimPayout | undefined {
		return this.payouts.get(this.key(provider, merchantRef));
	}

	/** The completed M-Pesa collection behind a receipt, if the simulator made it. */
	collectionByReceipt(provider: SimProvider, receipt: string): SimCollection | undefined {
		for (const c of this.collections.values()) if (c.provider === provider && c.receipt === receipt && c.state === "succeeded") return c;
		return undefined;
	}

	addReversal(r: SimReversal): void {
		this.reversals.push(r);
		if (this.reversals.length > this.max) this.reversals.shift();
	}

	/** Whole units of a receipt already given back by successful reversals. */
	reversedOf(receipt: string): number {
		return this.reversals.filter(r => r.receipt === receipt && r.state === "reversed").reduce((sum, r) => sum + r.amount, 0);
	}

	/** "The next `count` reversals (of this receipt) end this way." */
	armReversals(receipt: string | null, outcome: ReversalOutcome, count: number): void {
		this.reversalRules.push({ receipt, outcome, remaining: count });
	}

	/** The outcome a test forced for a new reversal, or null (the simulator then decides by the receipt and amount). */
	reversalOutcome(receipt: string): ReversalOutcome | null {
		const rule = this.reversalRules.find(r => r.remaining > 0 && (r.receipt === null || r.receipt === receipt));
		if (!rule) return null;
		rule.remaining -= 1;
		this.reversalRules = this.reversalRules.filter(r => r.remaining > 0);
		return rule.outcome;
	}

	/** "The next `count` payouts to this number end this way." */
	armPayouts(msisdn: string | null, outcome: PayoutOutcome, count: number): void {
		this.payoutRules.push({ msisdn, outcome, remaining: count });
	}

	/** The outcome of a new payout: an armed rule, else success (payouts complete by themselves). */
	payoutOutcome(msisdn: string): PayoutOutcome {
		const rule = this.payoutRules.find(r => r.remaining > 0 && (r.msisdn === null || r.msisdn === msisdn));
		if (!rule) return "success";
		rule.remaining -= 1;
		this.payoutRules = this.payoutRules.filter(r => r.remaining > 0);
		return rule.outcome;
	}
}

/** POSTs a callback the way providers do (JSON), returning the platform's HTTP status (0 when unreachable). */
export async function deliver(cb: CallbackDelivery): Promise<number> {
	try {
		const res = await fetch(cb.url, { method: "POST", headers: { "Content-Type": "application/json", ...cb.headers }, body: JSON.stringify(cb.body), signal: AbortSignal.timeout(30_000) });
		await res.arrayBuffer();
		return res.status;
	} catch {
		return 0;
	}
}
