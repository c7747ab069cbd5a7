/**
 * Africa's Talking SMS simulator (PROVIDERS.md §5.1): POST
 * /version1/messaging, form-encoded, `apiKey` header, 201 with a status per
 * recipient. Numbers that are not E.164 get 403 InvalidPhoneNumber; a test can
 * make the next sends to a number fail (statusCode 500, or HTTP 500).
 */
import crypto from "node:crypto";
import type { FailureRules } from "./failures";
import type { Inbox, SimResponse, SmsMessage } from "./inbox";

const E164 = /^\+[1-9]\d{7,14}$/;

export interface AtRequest {
	headers: Record<string, string | undefined>;
	params: Record<string, unknown>;
}

const text = (status: number, body: string): SimResponse => ({ status, body, type: "text/plain; charset=utf-8" });

export function africasTalkingSend(req: AtRequest, inbox: Inbox<SmsMessage>, failures: FailureRules): SimResponse {
	if (!req.headers.apikey) return text(401, "The supplied authentication is invalid");
	const { username, to, message, from } = req.params as Record<string, string | undefined>;
	if (!username) return text(400, "Request is missing required form field 'username'");
	if (!to) return text(400, "Request is missing required form field 'to'");
	if (!message) return text(400, "Request is missing required form field 'message'");
	const numbers = to.split(",").map(n => n.trim()).filter(Boolean);
	if (failures.take("africastalking", numbers[0], "http")) return text(500, "Internal Server Error");

	const recipients = numbers.map(number => {
		if (!E164.test(number)) return { statusCode: 403, number, status: "InvalidPhoneNumber", cost: "0", messageId: "None" };
		if (failures.take("africastalking", number, "status")) return { statusCode: 500, number, status: "InternalServerError", cost: "0", messageId: "None" };
		const messageId = `ATXid_${crypto.randomBytes(16).toString("hex")}`;
		inbox.add({ id: messageId, provider: "africastalking", to: number, from: from ?? null, text: message, receivedAt: new Date().toISOString() });
		return { statusCode: 101, number, status: "Success", cost: "TZS 20.0000", messageId };
	});
	const sent = recipients.filter(r => r.statusCode === 101).length;
	return {
		status: 201,
		location: `/sim/sms/messages?to=${encodeURIComponent(numbers[0])}`,
		body: { SMSMessageData: { Message: `Sent to ${sent}/${numbers.length} Total Cost: TZS ${(sent * 20).toFixed(4)}`, Recipients: recipients } }
	};
}
