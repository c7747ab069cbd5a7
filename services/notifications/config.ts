/**
 * The notifications service's own configuration (docs/configuration.md,
 * "Notifications"). Provider endpoints that are not configured go to the
 * platform's simulators when those are enabled (embedded and test mode);
 * otherwise to the providers' real hosts.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import { ConfigError, int, str, url, type Env, type PlatformConfig } from "../../lib/config";
import { DEFAULT_TIMEZONE, isValidTimeZone } from "./rules/quiet-hours";

export const SMS_PROVIDERS = ["africastalking", "beem"] as const;
export type SmsProviderName = (typeof SMS_PROVIDERS)[number];

export interface ServiceAccount {
	projectId: string;
	clientEmail: string;
	privateKey: string;
	tokenUri: string;
}

export interface NotificationsConfig {
	/** Tried in order; the next one only when the previous did not accept the message. */
	smsProviders: SmsProviderName[];
	africasTalking: { baseUrl: string | null; username: string; apiKey: string | null; senderId: string | null };
	beem: { baseUrl: string | null; apiKey: string | null; secretKey: string | null; senderId: string };
	fcm: { baseUrl: string | null; serviceAccount: ServiceAccount | null };
	smtpUrl: string | null;
	emailFrom: string;
	/** Unconfigured providers go to the simulators (never in production). */
	useSimulators: boolean;
	/** AES-256-GCM key for message bodies that hold a secret (one-time codes). */
	encryptionKey: Buffer;
	encryptionKeyIsDerived: boolean;
	retry: { baseMs: number; maxMs: number; maxAttempts: number };
	worker: { pollMs: number; concurrency: number; leaseMs: number; sendTimeoutMs: number };
	smsPerDestinationPerHour: number;
	defaultTimezone: string;
	groupWindowMs: number;
	retentionDays: number;
}

function serviceAccount(env: Env): ServiceAccount | null {
	const raw = str(env, "FCM_SERVICE_ACCOUNT");
	if (!raw) return null;
	let json: Record<string, unknown>;
	try {
		json = JSON.parse(raw.startsWith("{") ? raw : fs.readFileSync(raw, "utf8")) as Record<string, unknown>;
	} catch {
		throw new ConfigError("FCM_SERVICE_ACCOUNT", "must be a service-account JSON document or the path of one");
	}
	const { project_id, client_email, private_key, token_uri } = json;
	if (typeof project_id !== "string" || typeof client_email !== "string" || typeof private_key !== "string")
		throw new ConfigError("FCM_SERVICE_ACCOUNT", "lacks project_id, client_email or private_key");
	return {
		projectId: project_id,
		clientEmail: client_email,
		privateKey: private_key,
		tokenUri: typeof token_uri === "string" ? token_uri : "https://oauth2.googleapis.com/token"
	};
}

function encryptionKey(env: Env, platform: PlatformConfig): { key: Buffer; derived: boolean } {
	const raw = str(env, "NOTIFICATIONS_ENCRYPTION_KEY");
	if (raw) {
		const key = Buffer.from(raw, "base64");
		if (key.length !== 32) throw new ConfigError("NOTIFICATIONS_ENCRYPTION_KEY", "must be 32 bytes, base64-encoded (openssl rand -base64 32)");
		return { key, derived: false };
	}
	if (platform.nodeEnv === "production") throw new ConfigError("NOTIFICATIONS_ENCRYPTION_KEY", "is required when NODE_ENV=production");
	// Outside production every node of a namespace derives the same key, so any node can send what another queued.
	return { key: crypto.createHash("sha256").update(`nexgate-notifications-dev-key:${platform.namespace}`).digest(), derived: true };
}

export function loadNotificationsConfig(env: Env, platform: PlatformConfig): NotificationsConfig {
	const test = platform.nodeEnv === "test";
	const providers = (str(env, "SMS_PROVIDERS") ?? "africastalking").split(",").map(s => s.trim()).filter(Boolean);
	for (const p of providers)
		if (!(SMS_PROVIDERS as readonly string[]).includes(p)) throw new ConfigError("SMS_PROVIDERS", `names unknown provider "${p}" (known: ${SMS_PROVIDERS.join(", ")})`);
	if (providers.length === 0) throw new ConfigError("SMS_PROVIDERS", "lists no provider");
	const timezone = str(env, "NOTIFICATIONS_DEFAULT_TIMEZONE") ?? DEFAULT_TIMEZONE;
	if (!isValidTimeZone(timezone)) throw new ConfigError("NOTIFICATIONS_DEFAULT_TIMEZONE", `is not an IANA time zone: "${timezone}"`);
	const { key, derived } = encryptionKey(env, platform);
	const retryBaseMs = int(env, "NOTIFICATIONS_RETRY_BASE_MS", test ? 200 : 5_000, 10, 3_600_000);
	return {
		smsProviders: providers as SmsProviderName[],
		africasTalking: {
			baseUrl: url(env, "AT_API_URL", ["http:", "https:"]),
			username: str(env, "AT_USERNAME") ?? "sandbox",
			apiKey: str(env, "AT_API_KEY") ?? null,
			senderId: str(env, "AT_SENDER_ID") ?? null
		},
		beem: {
			baseUrl: url(env, "BEEM_API_URL", ["http:", "https:"]),
			apiKey: str(env, "BEEM_API_KEY") ?? null,
			secretKey: str(env, "BEEM_SECRET_KEY") ?? null,
			senderId: str(env, "BEEM_SENDER_ID") ?? "INFO"
		},
		fcm: { baseUrl: url(env, "FCM_API_URL", ["http:", "https:"]), serviceAccount: serviceAccount(env) },
		smtpUrl: url(env, "SMTP_URL", ["smtp:", "smtps:"]),
		emailFrom: str(env, "EMAIL_FROM") ?? "Nexgate <no-reply@nexgate.africa>",
		useSimulators: platform.simulatorsEnabled,
		encryptionKey: key,
		encryptionKeyIsDerived: derived,
		retry: {
			baseMs: retryBaseMs,
			maxMs: int(env, "NOTIFICATIONS_RETRY_MAX_MS", test ? 2_000 : 600_000, retryBaseMs, 86_400_000),
			maxAttempts: int(env, "NOTIFICATIONS_MAX_ATTEMPTS", test ? 4 : 8, 1, 100)
		},
		worker: {
			pollMs: int(env, "NOTIFICATIONS_POLL_MS", 1_000, 50, 60_000),
			// Deliveries in flight per node; also how many one claim takes, so a claim never outlives its lease.
			concurrency: int(env, "NOTIFICATIONS_CONCURRENCY", 20, 1, 500),
			// A claimed delivery is invisible to other workers this long; a node that dies mid-send frees it after.
			leaseMs: 60_000,
			sendTimeoutMs: 15_000
		},
		smsPerDestinationPerHour: int(env, "SMS_PER_DESTINATION_PER_HOUR", 10, 0, 100_000),
		defaultTimezone: timezone,
		groupWindowMs: int(env, "NOTIFICATIONS_GROUP_WINDOW_MINUTES", 24 * 60, 1, 7 * 24 * 60) * 60_000,
		retentionDays: int(env, "NOTIFICATIONS_RETENTION_DAYS", 30, 1, 3650)
	};
}
