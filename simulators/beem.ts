/**
 * Beem Africa SMS simulator (PROVIDERS.md §5.2): POST /v1/send, JSON, Basic
 * api_key:secret_key; `dest_addr` digits only. Code 100 "Message Submitted
 * Successfully"; numbers that are not digits count as invalid.
 */
import type { FailureRules } from "./failures";
import { normalisePhone, type Inbox, type SimResponse, type SmsMessage } from "./inbox";

let requestId = 1_000_000;

export interface BeemRequest {
	headers: Record<string, string | undefined>;
	params: Record<string, unknown>;
}

function basicCredentials(header: string | undefined): [string, string] | null {
	const m = /^Basic\s+(.+)$/i.exec(header ?? "");
	if (!m) return null;
	const [key, secret] = Buffer.from(m[1], "base64").toString("utf8").split(":");
	return key && secret ? [key, secret] : null;
}

export function beemSend(req: BeemRequest, inbox: Inbox<SmsMessage>, failures: FailureRules): SimResponse {
	if (!basicCredentials(req.headers.authorization)) return { status: 401, body: { code: 120, message: "Invalid Authentication Parameters" } };
	const { source_addr, message, recipients } = req.params as { source_addr?: string; message?: string; recipients?: Array<{ recipient_id?: string; dest_addr?: string }> };
	if (!source_addr || !message || !Array.isArray(recipients) || recipients.length === 0)
		return { status: 400, body: { code: 111, message: "Invalid parameters: source_addr, message and recipients are required" } };
	const first = recipients[0]?.dest_addr ? normalisePhone(recipients[0].dest_addr) : undefined;
	if (failures.take("beem", first, "http") || failures.take("beem", first, "status")) return { status: 500, body: { code: 500, message: "Internal Server Error" } };

	requestId += 1;
	let valid = 0;
	for (const r of recipients) {
		if (!r.dest_addr || !/^[1-9]\d{7,14}$/.test(r.dest_addr)) continue;
		valid += 1;
		inbox.add({ id: `${requestId}-${r.recipient_id ?? valid}`, provider: "beem", to: normalisePhone(r.dest_addr), from: source_addr, text: message, receivedAt: new Date().toISOString() });
	}
	const invalid = recipients.length - valid;
	return {
		status: 200,
		body: { successful: valid > 0, request_id: requestId, code: valid > 0 ? 100 : 111, message: valid > 0 ? "Message Submitted Successfully" : "Invalid phone numbers", valid, invalid, duplicates: 0 }
	};
}
