/**
 * The simulators' own settings (docs/configuration.md, "Simulators"). They
 * exist only when SIMULATORS is on, which the platform refuses in production.
 */
import { int, type Env } from "../lib/config";

export interface SimulatorsConfig {
	/** SMTP port of the email simulator; 0 picks a free one (published by simulators.smtpAddress). */
	smtpPort: number;
	/** Messages kept per inbox; the oldest go first. */
	inboxSize: number;
}

export function loadSimulatorsConfig(env: Env): SimulatorsConfig {
	return {
		smtpPort: int(env, "SIM_SMTP_PORT", 0, 0, 65535),
		inboxSize: int(env, "SIM_INBOX_SIZE", 10_000, 10, 1_000_000)
	};
}
