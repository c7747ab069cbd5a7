/**
 * What every auth flow needs, assembled once by the service (auth.service.ts
 * created/started) and passed to the flow functions, so the flows stay plain
 * functions that read top to bottom.
 */
import type { Logger } from "moleculer";
import type { Sequelize, Transaction } from "sequelize";
import type { SessionRevocations } from "../../lib/auth/session-revocations";
import type { EventData, EventType } from "../../lib/events/catalogue";
import type { AuthConfig } from "./config";
import type { Counters } from "./infra/counters";
import type { Keyring } from "./infra/keyring";
import type { OidcClient } from "./providers/oidc-client";

export interface AuthRuntime {
	cfg: AuthConfig;
	/** RATE_LIMIT_SCALE: applied to per-address limits only (docs/auth.md). */
	rateLimitScale: number;
	sequelize: Sequelize;
	keyring: Keyring;
	counters: Counters;
	revocations: SessionRevocations;
	/** HMAC key of OTP hashes, derived from the KEK. */
	otpPepper: Buffer;
	/** A real hash of a random password: unknown accounts cost a verification too. */
	dummyHash: string;
	oidc: Map<string, OidcClient>;
	raiseEvent<T extends EventType>(t: Transaction, type: T, data: EventData<T>, actorId?: string | null): Promise<unknown>;
	/** Best-effort broadcast (closing sockets of revoked sessions). */
	broadcast(event: string, payload: unknown): void;
	logger: Logger;
}

/** What the gateway tells about the caller (services/api/routes.ts onBeforeCall). */
export interface ClientInfo {
	ip: string | null;
	userAgent: string | null;
	acceptLanguage: string | null;
}

export interface DeviceInput {
	id: string;
	name?: string | null;
	platform?: string | null;
}

export interface Device {
	id: string;
	name: string | null;
	platform: string | null;
}

export function clientOf(meta: Record<string, unknown> | undefined): ClientInfo {
	const s = (v: unknown, max: number) => (typeof v === "string" && v ? v.slice(0, max) : null);
	return { ip: s(meta?.ip, 64), userAgent: s(meta?.userAgent, 512), acceptLanguage: s(meta?.acceptLanguage, 256) };
}

export function deviceOf(input: DeviceInput | undefined, fallbackId: () => string): Device {
	return { id: input?.id ?? fallbackId(), name: input?.name ?? null, platform: input?.platform ?? null };
}
