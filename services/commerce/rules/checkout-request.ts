/**
 * Checkout idempotency, pure (issue 8 item 6). A retried request with the
 * same Idempotency-Key gets the first answer; the same key with a different
 * body is a client bug and is refused (409), never silently treated as the
 * first. The fingerprint covers what changes the result: address and payment.
 */
import crypto from "node:crypto";

export const IDEMPOTENCY_KEY_MAX = 255;

/** Keys are opaque to us: 1–255 visible ASCII characters (what the gateway lets through). */
export function validIdempotencyKey(v: unknown): v is string {
	return typeof v === "string" && v.length >= 1 && v.length <= IDEMPOTENCY_KEY_MAX && /^[\x21-\x7e]+$/.test(v);
}

/** JSON with object keys sorted at every level, so field order never changes the fingerprint. */
function canonical(v: unknown): string {
	if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
	if (v && typeof v === "object")
		return `{${Object.keys(v as object)
			.filter(k => (v as Record<string, unknown>)[k] !== undefined)
			.sort()
			.map(k => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
			.join(",")}}`;
	return JSON.stringify(v);
}

export function requestFingerprint(body: { shippingAddress: unknown; payment: unknown }): string {
	return crypto.createHash("sha256").update(canonical({ shippingAddress: body.shippingAddress, payment: body.payment })).digest("hex");
}

/** The key payments gets for the checkout's one intent: derived, so every retry of this checkout finds the same intent. */
export function intentKey(checkoutId: string): string {
	return `commerce:checkout:${checkoutId}`;
}
