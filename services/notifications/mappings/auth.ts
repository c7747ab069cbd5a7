/**
 * Auth events that reach users (lib/events/catalogue.ts). All are security
 * notices: urgent, so quiet hours never hold them. One-time codes are not
 * here: they are not in-app notifications (ingest/otp.ts).
 */
import { UNKNOWN_DEVICE } from "../templates/security";
import { registerEventMapping } from "./registry";

registerEventMapping("auth.session.created", {
	type: "security.new_sign_in",
	category: "security",
	template: "security.new_sign_in",
	// Only a device never seen before is news; routine sign-ins on known devices are not.
	recipients: d => (d.newDevice ? [d.userId] : []),
	params: (d, lang) => ({ device: d.deviceName ?? d.platform ?? UNKNOWN_DEVICE[lang] }),
	data: d => ({ sessionId: d.sessionId, deviceId: d.deviceId })
});

registerEventMapping("auth.password.changed", {
	type: "security.password_changed",
	category: "security",
	template: "security.password_changed",
	recipients: d => [d.userId],
	data: d => ({ via: d.via })
});

registerEventMapping("auth.user.suspended", {
	type: "security.account_suspended",
	category: "security",
	template: "security.account_suspended",
	recipients: d => [d.userId]
});

registerEventMapping("auth.user.reinstated", {
	type: "security.account_reinstated",
	category: "security",
	template: "security.account_reinstated",
	recipients: d => [d.userId]
});
