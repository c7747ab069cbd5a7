/**
 * One interface for every mobile-money provider (issue 7 §4). Adapters speak
 * the provider's protocol and answer in these terms; the flows never see a
 * wire format. A synchronous "accepted" books nothing (PROVIDERS.md §4.2
 * rule 4): money moves only on a final answer confirmed by the provider.
 */
import type { CollectionOutcome } from "../rules/intent-state";
import type { Currency } from "../rules/money";
import type { ProviderName } from "../rules/providers";

export interface CollectRequest {
	intentId: string;
	amountMinor: number;
	currency: Currency;
	/** E.164. */
	phone: string;
	description: string;
	callbackUrl: string;
}

export type CollectReply =
	| { kind: "accepted"; providerReference: string }
	/** A final refusal: nothing was or will be collected. */
	| { kind: "rejected"; outcome: Extract<CollectionOutcome, { state: "failed" | "cancelled" }> }
	/** No clear answer (timeout, 5xx): the intent stays open and is polled where the provider allows. */
	| { kind: "ambiguous"; providerReference: string | null; reason: string };

export type StatusReply = { kind: "pending" } | { kind: "final"; outcome: CollectionOutcome } | { kind: "unknown"; reason: string };

export interface PayoutRequest {
	payoutId: string;
	amountMinor: number;
	currency: Currency;
	phone: string;
	remarks: string;
	resultUrl: string;
}

export type PayoutReply =
	| { kind: "accepted"; providerReference: string | null }
	| { kind: "paid"; providerReference: string | null; receipt: string | null }
	| { kind: "rejected"; code: string; reason: string }
	| { kind: "ambiguous"; reason: string };

/** Giving a collection back by the provider's reversal of its receipt (Daraja Transaction Reversal). */
export interface ReversalRequest {
	/** Our payout row carrying the reversal (its id names the callback). */
	id: string;
	/** The provider's receipt of the collection being reversed. */
	receipt: string;
	amountMinor: number;
	currency: Currency;
	callbackUrl: string;
}

export type PayoutStatus = { kind: "pending" } | { kind: "paid"; receipt: string | null } | { kind: "failed"; code: string; reason: string } | { kind: "unknown"; reason: string };

/** What an inbound callback claims, before anyone believes it. */
export interface CallbackHint {
	kind: "collection" | "payout";
	/** Dedupe key of the provider event (Daraja CheckoutRequestID, Selcom order_id+reference, Tembo transactionId+statusCode). */
	eventKey: string;
	providerReference: string | null;
	/** What the message says happened; only a confirmation makes it true. */
	claims: "succeeded" | "failed";
	/** Amount in the rail's whole units, as sent. */
	amount: unknown;
	receipt: string | null;
	phone: string | null;
	/** For payouts: the provider's code and description on failure. */
	code?: string;
	reason?: string;
}

/** The request as the provider sent it: body (JSON or form) and the headers that authenticate it. */
export interface InboundCallback {
	body: Record<string, unknown>;
	headers: Record<string, string | undefined>;
	ip: string | null;
}

export interface ProviderAdapter {
	name: ProviderName;
	collect(req: CollectRequest): Promise<CollectReply>;
	collectionStatus(intent: { id: string; providerReference: string | null; amountMinor: number; currency: Currency }): Promise<StatusReply>;
	payout(req: PayoutRequest): Promise<PayoutReply>;
	payoutStatus(payout: { id: string; providerReference: string | null }): Promise<PayoutStatus>;
	/**
	 * Only providers with a reversal API (Daraja). Answers like a payout: the
	 * result comes asynchronously on `callbackUrl` as a payout callback.
	 */
	reverse?(req: ReversalRequest): Promise<PayoutReply>;
	/** Null when the message is not one of this provider's callbacks. */
	parseCallback(cb: InboundCallback): CallbackHint | null;
	/**
	 * Provider-level authentication beyond the per-transaction token (Selcom's
	 * Digest, an IP allow-list): why the callback is refused, or null.
	 */
	authenticate(cb: InboundCallback): string | null;
	/** The answer the provider expects. */
	ack(): unknown;
}

/** A provider call that failed without an answer: network, timeout, 5xx. */
export class ProviderUnavailable extends Error {
	constructor(provider: string, cause: string) {
		super(`${provider}: ${cause}`);
		this.name = "ProviderUnavailable";
	}
}
