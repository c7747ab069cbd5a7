/**
 * The simulators' own settings (docs/configuration.md, "Simulators"). They
 * exist only when SIMULATORS is on, which the platform refuses in production.
 */
import { int, str, type Env } from "../lib/config";
import type { PaymentsSimConfig } from "./payments";

export interface SimulatorsConfig {
	/** SMTP port of the email simulator; 0 picks a free one (published by simulators.smtpAddress). */
	smtpPort: number;
	/** Messages kept per inbox; the oldest go first. */
	inboxSize: number;
	/** The payment providers' simulators (simulators/payments). */
	payments: PaymentsSimConfig;
}

export function loadSimulatorsConfig(env: Env): SimulatorsConfig {
	return {
		smtpPort: int(env, "SIM_SMTP_PORT", 0, 0, 65535),
		inboxSize: int(env, "SIM_INBOX_SIZE", 10_000, 10, 1_000_000),
		payments: {
			autoApproveMs: str(env, "SIM_AUTO_APPROVE_MS") === undefined ? null : int(env, "SIM_AUTO_APPROVE_MS", 0, 0, 600_000),
			// The credentials the simulated providers accept: the payments adapters' defaults when no real ones are configured.
			mpesaPasskey: str(env, "SIM_MPESA_PASSKEY") ?? "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919",
			selcom: { apiKey: str(env, "SIM_SELCOM_API_KEY") ?? "simulator", apiSecret: str(env, "SIM_SELCOM_API_SECRET") ?? "simulator-secret" },
			tembo: { accountId: str(env, "SIM_TEMBO_ACCOUNT_ID") ?? "simulator", secretKey: str(env, "SIM_TEMBO_SECRET_KEY") ?? "simulator-secret" },
			size: int(env, "SIM_INBOX_SIZE", 10_000, 10, 1_000_000)
		}
	};
}
