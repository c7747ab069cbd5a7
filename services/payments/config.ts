/**
 * The payments service's own configuration (docs/configuration.md,
 * "Payments"). Provider endpoints that are not configured go to the
 * platform's simulators when those are enabled (embedded and test mode);
 * otherwise to the providers' real hosts. Every provider fact that
 * PROVIDERS.md marks uncertain [U] is a variable here (docs/payments.md).
 */
import { bool, ConfigError, int, oneOf, str, url, type Env, type PlatformConfig } from "../../lib/config/env";
import { CURRENCY_CODES, type Currency } from "./rules/money";

export interface DarajaConfig {
	baseUrl: string | null;
	consumerKey: string | null;
	consumerSecret: string | null;
	shortCode: string;
	passkey: string;
	transactionType: "CustomerPayBillOnline" | "CustomerBuyGoodsOnline";
	/** Till number for buy goods; the paybill (shortCode) otherwise. */
	partyB: string;
	b2cShortCode: string;
	initiatorName: string;
	securityCredential: string;
	/** [U] Daraja states no zone for Timestamp; SDKs use Africa/Nairobi (+180). */
	timestampOffsetMinutes: number;
	/** [U] A new token may invalidate the old one: refresh this long before expiry. */
	tokenRefreshMarginS: number;
	/** [U] Safaricom's callback source addresses; empty = not checked (the per-intent token and STK Query still are). */
	callbackAllowedIps: string[];
	/** Refunds to the phone of an M-Pesa collection go back by Transaction Reversal of its receipt (else B2C). */
	reversalEnabled: boolean;
	/** [U] Whether Daraja honours a reversal of less than the receipt's amount; off → partial refunds go by B2C. */
	reversalPartial: boolean;
	/** Initiator of reversals: an API operator of the collecting shortcode (the B2C initiator belongs to the B2C shortcode). */
	reversalInitiatorName: string;
	reversalSecurityCredential: string;
}

export interface SelcomConfig {
	baseUrl: string | null;
	apiKey: string | null;
	apiSecret: string | null;
	vendor: string;
	pin: string;
	/** [U] Which secret signs checkout webhooks is undocumented: defaults to the API secret. */
	webhookSecret: string | null;
	/** Webhooks with a Timestamp further than this from now are refused. */
	webhookMaxSkewS: number;
	/** [U] The official Python client sends +0300, the docs +03:00; whatever is sent is what gets signed. */
	timestampStyle: "colon" | "compact";
	/** Wallet cash-in utility code for payouts (CASHIN auto-routes). */
	cashinUtilityCode: string;
}

export interface TemboConfig {
	baseUrl: string | null;
	accountId: string | null;
	secretKey: string | null;
	/** The disbursement wallet (from /wallet/main-balance). */
	payoutAccountNo: string;
	/** [U] transactionDate: "YYYY-MM-DD HH:mm:ss" in the old samples, ISO-8601 in the new payout docs. */
	payoutDateFormat: "legacy" | "iso";
}

export interface PaymentsConfig {
	useSimulators: boolean;
	/** Where providers call us back; null → the gateway's own address (simulators) or PUBLIC_URL. */
	callbackBaseUrl: string | null;
	publicUrl: string;
	defaultCurrency: Currency;
	/** An intent still open after this expires (≤ 2 min outside production). */
	intentLifetimeS: number;
	/** First status poll of an open intent or payout, then doubling up to statusPollMaxS. */
	statusPollFirstS: number;
	statusPollMaxS: number;
	/** Loop period of the reconciliation worker. */
	pollMs: number;
	commissionBps: number;
	/** After markDelivered, escrow is released by itself this long later unless disputed. */
	autoReleaseHours: number;
	/** Unprocessed callbacks are retried this many times before they stay for an operator. */
	callbackMaxAttempts: number;
	providerTimeoutMs: number;
	daraja: DarajaConfig;
	selcom: SelcomConfig;
	tembo: TemboConfig;
}

function list(env: Env, name: string): string[] {
	return (str(env, name) ?? "").split(",").map(s => s.trim()).filter(Boolean);
}

export function loadPaymentsConfig(env: Env, platform: Pick<PlatformConfig, "nodeEnv" | "simulatorsEnabled" | "publicUrl">): PaymentsConfig {
	const production = platform.nodeEnv === "production";
	const test = platform.nodeEnv === "test";
	// Embedded and test mode: the simulators assume an intent is settled or expired within 2 minutes.
	const lifetimeMax = production ? 24 * 3600 : 120;
	const intentLifetimeS = int(env, "PAYMENTS_INTENT_LIFETIME_SECONDS", production ? 300 : 120, 5, lifetimeMax);
	const statusPollFirstS = int(env, "PAYMENTS_STATUS_POLL_FIRST_SECONDS", production ? 45 : test ? 2 : 10, 1, 3600);
	const transactionType = oneOf(env, "MPESA_TRANSACTION_TYPE", ["CustomerPayBillOnline", "CustomerBuyGoodsOnline"] as const, "CustomerPayBillOnline");
	const shortCode = str(env, "MPESA_SHORTCODE") ?? "174379";
	const initiatorName = str(env, "MPESA_INITIATOR_NAME") ?? "testapi";
	const securityCredential = str(env, "MPESA_SECURITY_CREDENTIAL") ?? "simulator-credential";
	const daraja: DarajaConfig = {
		baseUrl: url(env, "MPESA_API_URL", ["http:", "https:"]),
		consumerKey: str(env, "MPESA_CONSUMER_KEY") ?? null,
		consumerSecret: str(env, "MPESA_CONSUMER_SECRET") ?? null,
		shortCode,
		// The public sandbox passkey of paybill 174379 (Daraja docs); production sets its own.
		passkey: str(env, "MPESA_PASSKEY") ?? "bfb279f9aa9bdbcf158e97dd71a467cd2e0c893059b10f78e6b72ada1ed2c919",
		transactionType,
		partyB: str(env, "MPESA_PARTY_B") ?? shortCode,
		b2cShortCode: str(env, "MPESA_B2C_SHORTCODE") ?? "600996",
		initiatorName,
		securityCredential,
		timestampOffsetMinutes: int(env, "MPESA_TIMESTAMP_OFFSET_MINUTES", 180, -720, 840),
		tokenRefreshMarginS: int(env, "MPESA_TOKEN_REFRESH_MARGIN_SECONDS", 300, 0, 3000),
		callbackAllowedIps: list(env, "MPESA_CALLBACK_ALLOWED_IPS"),
		reversalEnabled: bool(env, "MPESA_REVERSAL_ENABLED", true),
		reversalPartial: bool(env, "MPESA_REVERSAL_PARTIAL", false),
		reversalInitiatorName: str(env, "MPESA_REVERSAL_INITIATOR_NAME") ?? initiatorName,
		reversalSecurityCredential: str(env, "MPESA_REVERSAL_SECURITY_CREDENTIAL") ?? securityCredential
	};
	if (production && (!daraja.consumerKey || !daraja.consumerSecret || !str(env, "MPESA_PASSKEY")))
		throw new ConfigError("MPESA_CONSUMER_KEY", "MPESA_CONSUMER_KEY, MPESA_CONSUMER_SECRET and MPESA_PASSKEY are required when NODE_ENV=production");
	const selcomSecret = str(env, "SELCOM_API_SECRET") ?? null;
	const selcom: SelcomConfig = {
		baseUrl: url(env, "SELCOM_API_URL", ["http:", "https:"]),
		apiKey: str(env, "SELCOM_API_KEY") ?? null,
		apiSecret: selcomSecret,
		vendor: str(env, "SELCOM_VENDOR") ?? "TILL61000000",
		pin: str(env, "SELCOM_PIN") ?? "0000",
		webhookSecret: str(env, "SELCOM_WEBHOOK_SECRET") ?? selcomSecret,
		webhookMaxSkewS: int(env, "SELCOM_WEBHOOK_MAX_SKEW_SECONDS", 300, 10, 86_400),
		timestampStyle: oneOf(env, "SELCOM_TIMESTAMP_STYLE", ["colon", "compact"] as const, "colon"),
		cashinUtilityCode: str(env, "SELCOM_CASHIN_UTILITY_CODE") ?? "CASHIN"
	};
	const tembo: TemboConfig = {
		baseUrl: url(env, "TEMBO_API_URL", ["http:", "https:"]),
		accountId: str(env, "TEMBO_ACCOUNT_ID") ?? null,
		secretKey: str(env, "TEMBO_SECRET_KEY") ?? null,
		payoutAccountNo: str(env, "TEMBO_PAYOUT_ACCOUNT_NO") ?? "0000000000",
		payoutDateFormat: oneOf(env, "TEMBO_PAYOUT_DATE_FORMAT", ["legacy", "iso"] as const, "iso")
	};
	return {
		useSimulators: platform.simulatorsEnabled,
		callbackBaseUrl: url(env, "PAYMENTS_CALLBACK_BASE_URL", ["http:", "https:"]),
		publicUrl: platform.publicUrl,
		defaultCurrency: oneOf(env, "PAYMENTS_DEFAULT_CURRENCY", CURRENCY_CODES, "TZS"),
		intentLifetimeS,
		statusPollFirstS,
		statusPollMaxS: int(env, "PAYMENTS_STATUS_POLL_MAX_SECONDS", production ? 300 : 10, statusPollFirstS, 86_400),
		pollMs: int(env, "PAYMENTS_POLL_MS", test ? 500 : 1000, 50, 60_000),
		commissionBps: int(env, "PAYMENTS_COMMISSION_BPS", 500, 0, 10_000),
		autoReleaseHours: int(env, "PAYMENTS_ESCROW_AUTO_RELEASE_HOURS", 72, 1, 24 * 90),
		callbackMaxAttempts: int(env, "PAYMENTS_CALLBACK_MAX_ATTEMPTS", 20, 1, 1000),
		providerTimeoutMs: int(env, "PAYMENTS_PROVIDER_TIMEOUT_MS", 15_000, 100, 180_000),
		daraja,
		selcom,
		tembo
	};
}
