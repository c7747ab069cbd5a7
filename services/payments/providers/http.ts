/**
 * The one HTTP client of the adapters: JSON in and out, a timeout, and no
 * exception for HTTP error statuses (providers put meaning in them: Daraja's
 * 500 "being processed" is a pending answer). A network failure or timeout
 * throws ProviderUnavailable: the caller treats it as ambiguous.
 */
import { ProviderUnavailable } from "./types";

export interface HttpReply {
	status: number;
	json: Record<string, unknown> | null;
}

export async function request(
	provider: string,
	method: "GET" | "POST" | "DELETE",
	url: string,
	opts: { headers?: Record<string, string>; body?: unknown; timeoutMs: number }
): Promise<HttpReply> {
	let res: Response;
	try {
		res = await fetch(url, {
			method,
			headers: { Accept: "application/json", ...(opts.body !== undefined ? { "Content-Type": "application/json" } : {}), ...opts.headers },
			body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
			signal: AbortSignal.timeout(opts.timeoutMs)
		});
	} catch (err) {
		throw new ProviderUnavailable(provider, (err as Error).message);
	}
	const text = await res.text().catch(() => "");
	return { status: res.status, json: parseObject(text) };
}

/** The body as an object, or null (empty, not JSON, or a JSON scalar). */
function parseObject(text: string): Record<string, unknown> | null {
	try {
		const parsed = text ? JSON.parse(text) : null;
		return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : null;
	} catch {
		return null;
	}
}
