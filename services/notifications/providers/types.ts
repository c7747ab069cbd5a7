/**
 * One interface per channel (PROVIDERS.md §5.5). Adapters turn every answer
 * of their provider into one of three outcomes, so the worker decides retries
 * without knowing any provider.
 */

export type SendOutcome =
	| { kind: "sent"; provider: string; providerMessageId: string | null }
	/**
	 * Worth trying again later. `notSent`: the provider certainly did not take it, so a fallback provider may.
	 * `uncounted`: the platform could not reach the (simulated) provider at all; the attempt is not used up.
	 */
	| { kind: "retry"; provider: string | null; error: string; retryAfterMs?: number; notSent?: boolean; uncounted?: boolean }
	/** Will never work: invalid number, dead push token. `invalidToken`: forget the push token. */
	| { kind: "failed"; provider: string | null; error: string; invalidToken?: boolean };

export interface SmsSender {
	send(to: string, text: string): Promise<SendOutcome>;
}

export interface EmailSender {
	send(to: string, mail: { subject: string; text: string; html: string }): Promise<SendOutcome>;
	close(): void;
}

export interface PushSender {
	send(token: string, message: { title: string; body: string; data: Record<string, string>; collapseKey?: string; urgent: boolean }): Promise<SendOutcome>;
}

/** Seconds or an HTTP date → milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null): number | undefined {
	if (!header) return undefined;
	if (/^\d+$/.test(header)) return Number(header) * 1000;
	const at = Date.parse(header);
	return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** A fetch failure before any answer: the request may or may not have reached the provider. */
export function networkOutcome(provider: string, err: unknown): SendOutcome {
	const e = err as { name?: string; message?: string; cause?: { code?: string } };
	if (e.name === "SimulatorUnavailable") return { kind: "retry", provider, error: `${provider}: ${e.message}`, notSent: true, uncounted: true };
	const refused = e.cause?.code === "ECONNREFUSED" || e.cause?.code === "ENOTFOUND";
	return { kind: "retry", provider, error: `${provider}: ${e.name === "TimeoutError" ? "timed out" : (e.cause?.code ?? e.message ?? "network error")}`, notSent: refused };
}
