/**
 * Selcom's request signing (PROVIDERS.md §2.1): HS256 Digest over
 * "timestamp=<Timestamp>&f1=v1&f2=v2…" in Signed-Fields order, values in plain
 * string form, nested objects flattened to dotted keys. The same function
 * signs our requests, checks webhooks, and lets the simulator check us.
 */
import crypto from "node:crypto";

/** Nested objects → dotted keys, in insertion order (billing.firstname). */
export function flatten(obj: Record<string, unknown>, prefix = ""): Array<[string, string]> {
	const out: Array<[string, string]> = [];
	for (const [k, v] of Object.entries(obj)) {
		if (v === undefined || v === null) continue;
		const key = prefix ? `${prefix}.${k}` : k;
		if (typeof v === "object" && !Array.isArray(v)) out.push(...flatten(v as Record<string, unknown>, key));
		else out.push([key, String(v)]);
	}
	return out;
}

export function digest(secret: string, timestamp: string, fields: Array<[string, string]>): string {
	const message = [`timestamp=${timestamp}`, ...fields.map(([k, v]) => `${k}=${v}`)].join("&");
	return crypto.createHmac("sha256", secret).update(message, "utf8").digest("base64");
}

/** Timestamp with a +03:00 offset (EAT), or +0300 in the style of the official Python client. */
export function selcomTimestamp(now: Date, style: "colon" | "compact" = "colon"): string {
	const eat = new Date(now.getTime() + 180 * 60_000).toISOString().slice(0, 19);
	return `${eat}${style === "colon" ? "+03:00" : "+0300"}`;
}

export function authorizationHeader(apiKey: string): string {
	return `SELCOM ${Buffer.from(apiKey, "utf8").toString("base64")}`;
}

/** The headers of a signed request whose parameters are `params` (body keys for POST, query for GET). */
export function signedHeaders(apiKey: string, apiSecret: string, params: Record<string, unknown>, now: Date, style: "colon" | "compact" = "colon"): Record<string, string> {
	const timestamp = selcomTimestamp(now, style);
	const fields = flatten(params);
	return {
		Authorization: authorizationHeader(apiKey),
		"Digest-Method": "HS256",
		Digest: digest(apiSecret, timestamp, fields),
		Timestamp: timestamp,
		"Signed-Fields": fields.map(([k]) => k).join(",")
	};
}

export interface SignedMessage {
	authorization?: string;
	digest?: string;
	digestMethod?: string;
	timestamp?: string;
	signedFields?: string;
	params: Record<string, unknown>;
}

/** Why a signed message is refused, or null when its Digest is right, fresh and made with our key. */
export function verifySigned(msg: SignedMessage, apiKey: string, secret: string, now: Date, maxSkewS: number): string | null {
	if (msg.authorization !== authorizationHeader(apiKey)) return "bad Authorization";
	if ((msg.digestMethod ?? "HS256") !== "HS256") return "unsupported Digest-Method";
	if (!msg.timestamp || !msg.digest || !msg.signedFields) return "missing Digest, Timestamp or Signed-Fields";
	const at = Date.parse(msg.timestamp.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
	if (!Number.isFinite(at) || Math.abs(now.getTime() - at) > maxSkewS * 1000) return "stale Timestamp";
	const flat = new Map(flatten(msg.params));
	const names = msg.signedFields.split(",").map(s => s.trim()).filter(Boolean);
	if (names.some(n => !flat.has(n))) return "a signed field is missing from the message";
	const expected = Buffer.from(digest(secret, msg.timestamp, names.map(n => [n, flat.get(n)!])), "utf8");
	const given = Buffer.from(msg.digest, "utf8");
	return expected.length === given.length && crypto.timingSafeEqual(expected, given) ? null : "Digest mismatch";
}

/** resultcode 000 success; 111/927 in progress; 999 ambiguous; anything else failed (§2.1). */
export function resultKind(resultcode: unknown): "success" | "in_progress" | "ambiguous" | "failed" {
	const c = String(resultcode ?? "");
	if (c === "000") return "success";
	if (c === "111" || c === "927") return "in_progress";
	if (c === "999") return "ambiguous";
	return "failed";
}
