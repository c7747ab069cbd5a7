/**
 * Typed, validated view of the process environment.
 *
 * Every variable the platform reads is parsed here and nowhere else, so that
 * docs/configuration.md has one place to stay true against. A bad value stops
 * start-up with a ConfigError naming the variable, never a late crash.
 */
import os from "node:os";
import path from "node:path";

export class ConfigError extends Error {
	constructor(readonly variable: string, reason: string) {
		super(`Configuration error: ${variable} ${reason}`);
		this.name = "ConfigError";
	}
}

export type Env = Record<string, string | undefined>;

export type NodeEnv = "development" | "test" | "production";
export type LogFormat = "json" | "pretty";
export type TracingExporter = "none" | "console" | "event" | "zipkin";

export interface PlatformConfig {
	nodeEnv: NodeEnv;
	namespace: string;
	nodeId: string;
	/** Service names this node runs; `null` means every service. */
	services: string[] | null;
	/** AMQP URL, or null for one process without a transporter. */
	transporter: string | null;
	amqpPrefetch: number;
	/** Redis URL for cache, rate limits, revocations; null → in-memory equivalents. */
	redisUrl: string | null;
	cacher: "memory" | "redis";
	serializer: "JSON";
	logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace";
	logFormat: LogFormat;
	tracingExporter: TracingExporter;
	zipkinUrl: string | null;
	metricsEnabled: boolean;
	host: string;
	port: number;
	/** Per-node liveness/readiness/metrics port; 0 picks a free port. */
	healthPort: number;
	dataDir: string;
	/** Embedded PostgreSQL / S3 ports when DATABASE_URL / S3_ENDPOINT are unset. */
	embeddedPgPort: number;
	embeddedS3Port: number;
	databaseUrl: string | null;
	notifDatabaseUrl: string | null;
	/** Run pending migrations when the node starts (always on in embedded mode). */
	migrateOnStart: boolean;
	s3: { endpoint: string; accessKey: string; secretKey: string; bucket: string; region: string } | null;
	corsOrigins: string[];
	rateLimitScale: number;
	bodyLimitBytes: number;
	shutdownTimeoutMs: number;
	/** Simulators and /sim routes are mounted (never in production). */
	simulatorsEnabled: boolean;
	/** Public base URL used in links (docs, presigned URLs); defaults to http://localhost:PORT. */
	publicUrl: string;
}

const NODE_ENVS: NodeEnv[] = ["development", "test", "production"];
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace"] as const;
const TRACING: TracingExporter[] = ["none", "console", "event", "zipkin"];

export function str(env: Env, name: string): string | undefined {
	const v = env[name];
	if (v === undefined) return undefined;
	const t = v.trim();
	return t === "" ? undefined : t;
}

export function int(env: Env, name: string, def: number, min: number, max: number): number {
	const raw = str(env, name);
	if (raw === undefined) return def;
	if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be an integer, got "${raw}"`);
	const n = Number(raw);
	if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
	return n;
}

export function num(env: Env, name: string, def: number, min: number, max: number): number {
	const raw = str(env, name);
	if (raw === undefined) return def;
	const n = Number(raw);
	if (!Number.isFinite(n)) throw new ConfigError(name, `must be a number, got "${raw}"`);
	if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
	return n;
}

export function bool(env: Env, name: string, def: boolean): boolean {
	const raw = str(env, name);
	if (raw === undefined) return def;
	if (/^(1|true|yes|on)$/i.test(raw)) return true;
	if (/^(0|false|no|off)$/i.test(raw)) return false;
	throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

export function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], def: T): T {
	const raw = str(env, name);
	if (raw === undefined) return def;
	if (!(allowed as readonly string[]).includes(raw))
		throw new ConfigError(name, `must be one of ${allowed.join(", ")}, got "${raw}"`);
	return raw as T;
}

export function url(env: Env, name: string, protocols: string[]): string | null {
	const raw = str(env, name);
	if (raw === undefined) return null;
	let parsed: URL;
	try {
		parsed = new URL(raw);
	} catch {
		throw new ConfigError(name, `must be a URL (${protocols.join(" or ")}), got an unparsable value`);
	}
	if (!protocols.includes(parsed.protocol))
		throw new ConfigError(name, `must use ${protocols.join(" or ")}, got "${parsed.protocol}"`);
	return raw;
}

/** "1mb", "512kb", "2048" → bytes. */
export function parseSize(name: string, raw: string): number {
	const m = /^(\d+)\s*(b|kb|mb)?$/i.exec(raw.trim());
	if (!m) throw new ConfigError(name, `must be a size like 1mb or 512kb, got "${raw}"`);
	const unit = (m[2] || "b").toLowerCase();
	return Number(m[1]) * (unit === "mb" ? 1024 * 1024 : unit === "kb" ? 1024 : 1);
}

/** Values that mean "no transporter": moleculer itself would read "null" as a transporter name. */
const NO_TRANSPORTER = /^(none|null|false|off|local)$/i;

export function loadConfig(env: Env = process.env): PlatformConfig {
	const nodeEnv = oneOf(env, "NODE_ENV", NODE_ENVS, "development");
	const production = nodeEnv === "production";

	const rawTransporter = str(env, "TRANSPORTER");
	const transporter =
		rawTransporter === undefined || NO_TRANSPORTER.test(rawTransporter)
			? null
			: url({ TRANSPORTER: rawTransporter }, "TRANSPORTER", ["amqp:", "amqps:"]);

	const redisUrl = url(env, "REDIS_URL", ["redis:", "rediss:"]);
	const rawCacher = str(env, "CACHER");
	let cacher: "memory" | "redis" = redisUrl ? "redis" : "memory";
	if (rawCacher !== undefined) {
		if (rawCacher === "memory") cacher = "memory";
		else if (rawCacher === "redis") {
			if (!redisUrl) throw new ConfigError("CACHER", `is "redis" but REDIS_URL is not set`);
			cacher = "redis";
		} else throw new ConfigError("CACHER", `must be "memory" or "redis", got "${rawCacher}"`);
	}

	const servicesRaw = str(env, "SERVICES");
	const services =
		servicesRaw === undefined || servicesRaw === "*" || servicesRaw === "all"
			? null
			: servicesRaw.split(",").map(s => s.trim()).filter(Boolean);
	if (services && services.length === 0) throw new ConfigError("SERVICES", "lists no service");
	if (services && !transporter && services.length > 0) {
		// A subset of services without a transporter can never reach the rest of the platform.
		throw new ConfigError("SERVICES", "selects a subset of services but TRANSPORTER is not set");
	}

	if (transporter && !redisUrl)
		throw new ConfigError("REDIS_URL", "is required when TRANSPORTER is set (nodes share the cache, rate limits and session revocations)");

	const databaseUrl = url(env, "DATABASE_URL", ["postgres:", "postgresql:"]);
	const notifDatabaseUrl = url(env, "NOTIF_DATABASE_URL", ["postgres:", "postgresql:"]);
	if (production && !databaseUrl) throw new ConfigError("DATABASE_URL", "is required when NODE_ENV=production");
	if (production && !notifDatabaseUrl)
		throw new ConfigError("NOTIF_DATABASE_URL", "is required when NODE_ENV=production");
	if (Boolean(databaseUrl) !== Boolean(notifDatabaseUrl))
		throw new ConfigError(
			databaseUrl ? "NOTIF_DATABASE_URL" : "DATABASE_URL",
			"must be set together with the other database URL (or neither, for the embedded PostgreSQL)"
		);
	if (transporter && !databaseUrl)
		throw new ConfigError("DATABASE_URL", "is required when TRANSPORTER is set (nodes must share one database)");

	const s3Endpoint = url(env, "S3_ENDPOINT", ["http:", "https:"]);
	let s3: PlatformConfig["s3"] = null;
	if (s3Endpoint) {
		const accessKey = str(env, "S3_ACCESS_KEY");
		const secretKey = str(env, "S3_SECRET_KEY");
		if (!accessKey) throw new ConfigError("S3_ACCESS_KEY", "is required when S3_ENDPOINT is set");
		if (!secretKey) throw new ConfigError("S3_SECRET_KEY", "is required when S3_ENDPOINT is set");
		s3 = {
			endpoint: s3Endpoint,
			accessKey,
			secretKey,
			bucket: str(env, "S3_BUCKET") ?? "nexgate",
			region: str(env, "S3_REGION") ?? "us-east-1"
		};
	} else if (production) {
		throw new ConfigError("S3_ENDPOINT", "is required when NODE_ENV=production");
	}

	const port = int(env, "PORT", 3000, 0, 65535);
	const tracingExporter = oneOf(env, "TRACING_EXPORTER", TRACING, "none");
	const zipkinUrl = url(env, "ZIPKIN_URL", ["http:", "https:"]);
	if (tracingExporter === "zipkin" && !zipkinUrl)
		throw new ConfigError("ZIPKIN_URL", "is required when TRACING_EXPORTER=zipkin");

	const simulatorsEnabled = bool(env, "SIMULATORS", !production);
	if (production && simulatorsEnabled) throw new ConfigError("SIMULATORS", "cannot be enabled when NODE_ENV=production");

	const namespace = str(env, "NAMESPACE") ?? "nexgate";
	if (!/^[a-z0-9][a-z0-9_-]{0,62}$/i.test(namespace))
		throw new ConfigError("NAMESPACE", `must be letters, digits, "-" or "_", got "${namespace}"`);

	const host = str(env, "HOST") ?? "0.0.0.0";
	return {
		nodeEnv,
		namespace,
		nodeId: str(env, "NODE_ID") ?? `${os.hostname()}-${process.pid}`,
		services,
		transporter,
		amqpPrefetch: int(env, "AMQP_PREFETCH", 100, 2, 10000),
		redisUrl,
		cacher,
		serializer: oneOf(env, "SERIALIZER", ["JSON"] as const, "JSON"),
		logLevel: oneOf(env, "LOG_LEVEL", LOG_LEVELS, nodeEnv === "test" ? "warn" : "info"),
		logFormat: oneOf(env, "LOG_FORMAT", ["json", "pretty"] as const, production ? "json" : "pretty"),
		tracingExporter,
		zipkinUrl,
		metricsEnabled: bool(env, "METRICS", true),
		host,
		port,
		healthPort: int(env, "HEALTH_PORT", port === 0 ? 0 : port + 1, 0, 65535),
		dataDir: path.resolve(str(env, "DATA_DIR") ?? ".data"),
		// Derived from PORT so instances with different PORTs never share a port.
		embeddedPgPort: int(env, "EMBEDDED_PG_PORT", 20000 + (port % 10000), 1, 65535),
		embeddedS3Port: int(env, "EMBEDDED_S3_PORT", 30000 + (port % 10000), 0, 65535),
		databaseUrl,
		notifDatabaseUrl,
		migrateOnStart: bool(env, "MIGRATE_ON_START", !databaseUrl),
		s3,
		corsOrigins: (str(env, "CORS_ORIGINS") ?? (production ? "" : "*"))
			.split(",")
			.map(s => s.trim())
			.filter(Boolean),
		rateLimitScale: num(env, "RATE_LIMIT_SCALE", 1, 0.001, 1_000_000),
		bodyLimitBytes: parseSize("BODY_LIMIT", str(env, "BODY_LIMIT") ?? "1mb"),
		shutdownTimeoutMs: int(env, "SHUTDOWN_TIMEOUT_MS", 10_000, 0, 600_000),
		simulatorsEnabled,
		publicUrl: str(env, "PUBLIC_URL") ?? `http://localhost:${port}`
	};
}

/** The config with secrets masked, for logs and the REPL. */
export function redactConfig(cfg: PlatformConfig): Record<string, unknown> {
	const mask = (u: string | null) => (u ? u.replace(/\/\/([^:@/]+):([^@/]+)@/, "//$1:***@") : u);
	return {
		...cfg,
		transporter: mask(cfg.transporter),
		redisUrl: mask(cfg.redisUrl),
		databaseUrl: mask(cfg.databaseUrl),
		notifDatabaseUrl: mask(cfg.notifDatabaseUrl),
		s3: cfg.s3 ? { ...cfg.s3, secretKey: "***" } : null
	};
}
