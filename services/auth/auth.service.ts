/**
 * `auth`: accounts, credentials, OTP, sessions and devices, refresh tokens,
 * OAuth/OIDC sign-in and the access-token signing keys (DESIGN.md §4,
 * API.md "auth", docs/auth.md for flows, lifetimes and limits).
 *
 * Routes under /api/v1/auth (see each action's `rest`). Other interfaces:
 *   action auth.jwks              (public, not REST) → { keys } the gateways verify with
 *   action auth.rotateSigningKey  (also POST /auth/admin/keys/rotate) → { kid, retired }
 *   event  auth.keys.rotated      (broadcast to auth nodes) → reload keys now
 *   durable events: auth.user.registered|verified|suspended|reinstated|deleted,
 *                   auth.otp.requested, auth.session.created, auth.password.changed
 *
 * Actions are thin: validate, call a flow (flows/*), shape the answer.
 */
import crypto from "node:crypto";
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import "../api/action-options";
import type { GatewayUser } from "../api/action-options";
import { openSessionRevocations } from "../../lib/auth/session-revocations";
import { platformConfig } from "../../lib/config";
import { paginationParams } from "../../lib/pagination";
import { DbMixin, type DbVars } from "../../mixins/db.mixin";
import { DurableEventsMixin, type DurableEventsMethods } from "../../mixins/durable-events.mixin";
import { loadAuthConfig } from "./config";
import { accountView, deleteAccount, myAccount, updateSettings } from "./flows/account";
import { assertAdministrator, reinstate, suspend } from "./flows/admin";
import { login, resendCode, verifyCode } from "./flows/login";
import { logout, listSessions, revokeOtherSessions, revokeSession } from "./flows/my-sessions";
import { finishOAuth, startOAuth } from "./flows/oauth";
import { changePassword, forgotPassword, resetPassword } from "./flows/passwords";
import { register } from "./flows/register";
import { rotateRefreshToken } from "./flows/sessions";
import { cleanUp } from "./housekeeping";
import { openCounters } from "./infra/counters";
import { Keyring } from "./infra/keyring";
import { accountModel, otherModels } from "./models";
import { OidcClient } from "./providers/oidc-client";
import { deriveSubkey } from "./rules/key-encryption";
import { hashPassword } from "./rules/password-hash";
import { clientOf, type AuthRuntime } from "./runtime";

type Meta = { user?: GatewayUser | null; $statusCode?: number; $location?: string; $responseHeaders?: Record<string, string> } & Record<string, unknown>;
type Ctx<P = Record<string, unknown>> = Context<P, Meta>;

interface Locals {
	rt: AuthRuntime;
	timers: NodeJS.Timeout[];
}

const device = {
	type: "object",
	strict: "remove",
	props: {
		id: { type: "string", min: 1, max: 128 },
		name: { type: "string", max: 100, optional: true },
		platform: { type: "string", max: 32, optional: true }
	}
} as const;
const identifier = { type: "string", min: 3, max: 254 } as const;
const code = { type: "string", pattern: "^[0-9]{6}$" } as const;
const newPassword = { type: "string", min: 1, max: 1024 } as const;
const language = { type: "enum", values: ["en", "sw"], optional: true } as const;

/** Per address (anonymous) per minute, on top of the gateway's route limit; × RATE_LIMIT_SCALE. */
const perMinute = (limit: number) => ({ window: 60_000, limit });

const TOKEN_PAIR_SCHEMA = {
	type: "object",
	properties: {
		accessToken: { type: "string" },
		refreshToken: { type: "string" },
		tokenType: { const: "Bearer" },
		expiresIn: { type: "integer" },
		user: { type: "object", properties: { id: { type: "string" }, username: { type: "string" }, roles: { type: "array", items: { type: "string" } } } }
	}
};

/** Tokens must not sit in any cache (RFC 6749 §5.1). */
function tokens<T>(ctx: Ctx, value: T): T {
	ctx.meta.$responseHeaders = { "Cache-Control": "no-store" };
	return value;
}

function caller(ctx: Ctx): GatewayUser {
	return ctx.meta.user as GatewayUser;
}

const AuthService: ServiceSchema<ServiceSettingSchema, DurableEventsMethods, Locals & DbVars> = {
	name: "auth",
	mixins: [DbMixin({ database: "core", schema: "auth", model: accountModel, models: otherModels }), DurableEventsMixin({ schema: "auth" })],
	settings: { rest: "/auth" },

	actions: {
		jwks: {
			visibility: "public",
			handler() {
				return this.rt.keyring.jwks();
			}
		},

		register: {
			rest: "POST /register",
			auth: "none",
			rateLimit: perMinute(20),
			openapi: { summary: "Create an account; a code goes to the phone (or email)", status: 201 },
			params: {
				phone: { type: "string", max: 32, optional: true },
				email: { type: "string", max: 254, optional: true },
				password: newPassword,
				displayName: { type: "string", min: 1, max: 80, trim: true },
				username: { type: "string", max: 30, optional: true },
				language
			},
			async handler(ctx: Ctx<Parameters<typeof register>[1]>) {
				const result = await register(this.rt, ctx.params, clientOf(ctx.meta));
				ctx.meta.$statusCode = 201;
				// The person the account is: the users domain's resource.
				ctx.meta.$location = `/api/v1/users/${result.userId}`;
				return result;
			}
		},

		verify: {
			rest: "POST /verify",
			auth: "none",
			rateLimit: perMinute(30),
			openapi: { summary: "Exchange a code (registration or new-device sign-in) for tokens", response: TOKEN_PAIR_SCHEMA },
			params: { identifier, code, device: { ...device, optional: true } },
			async handler(ctx: Ctx<Parameters<typeof verifyCode>[1]>) {
				return tokens(ctx, await verifyCode(this.rt, ctx.params, clientOf(ctx.meta)));
			}
		},

		otp: {
			rest: "POST /otp",
			auth: "none",
			rateLimit: perMinute(30),
			openapi: { summary: "Send a new code (verify, login challenge or reset); always 202", status: 202 },
			params: { identifier, purpose: { type: "enum", values: ["verify", "login", "reset"] } },
			async handler(ctx: Ctx<Parameters<typeof resendCode>[1]>) {
				await resendCode(this.rt, ctx.params, clientOf(ctx.meta));
				ctx.meta.$statusCode = 202;
				return { accepted: true };
			}
		},

		login: {
			rest: "POST /login",
			auth: "none",
			rateLimit: perMinute(30),
			openapi: {
				summary: "Sign in with a password",
				description: "200 TokenPair, or 202 { challenge: \"otp\", verification } when the account asks for a code on new devices (then POST /auth/verify).",
				response: TOKEN_PAIR_SCHEMA
			},
			params: { identifier, password: { type: "string", min: 1, max: 1024 }, device },
			async handler(ctx: Ctx<Parameters<typeof login>[1]>) {
				const result = await login(this.rt, ctx.params, clientOf(ctx.meta));
				if (result.kind === "challenge") {
					ctx.meta.$statusCode = 202;
					return { challenge: "otp", verification: result.verification };
				}
				return tokens(ctx, result.pair);
			}
		},

		refresh: {
			rest: "POST /refresh",
			auth: "none",
			rateLimit: perMinute(60),
			openapi: { summary: "Rotate a refresh token; a reused one revokes its session", response: TOKEN_PAIR_SCHEMA },
			params: { refreshToken: { type: "string", min: 1, max: 256 } },
			async handler(ctx: Ctx<{ refreshToken: string }>) {
				return tokens(ctx, await rotateRefreshToken(this.rt, ctx.params.refreshToken, clientOf(ctx.meta)));
			}
		},

		logout: {
			rest: "POST /logout",
			openapi: { summary: "End the current session", status: 204 },
			async handler(ctx: Ctx) {
				await logout(this.rt, caller(ctx));
				ctx.meta.$statusCode = 204;
			}
		},

		sessions: {
			rest: "GET /sessions",
			openapi: { summary: "My live sessions (the current one is marked)" },
			params: { ...paginationParams },
			handler(ctx: Ctx<{ cursor?: string; limit?: number }>) {
				return listSessions(caller(ctx), ctx.params);
			}
		},

		revokeSession: {
			rest: "DELETE /sessions/:id",
			openapi: { summary: "End one of my sessions", status: 204 },
			params: { id: "uuid" },
			async handler(ctx: Ctx<{ id: string }>) {
				await revokeSession(this.rt, caller(ctx), ctx.params.id);
				ctx.meta.$statusCode = 204;
			}
		},

		revokeOtherSessions: {
			rest: "POST /sessions/revoke-others",
			openapi: { summary: "End every session but this one" },
			handler(ctx: Ctx) {
				return revokeOtherSessions(this.rt, caller(ctx));
			}
		},

		forgotPassword: {
			rest: "POST /password/forgot",
			auth: "none",
			rateLimit: perMinute(20),
			openapi: { summary: "Send a reset code; always 202", status: 202 },
			params: { identifier },
			async handler(ctx: Ctx<{ identifier: string }>) {
				await forgotPassword(this.rt, ctx.params.identifier, clientOf(ctx.meta));
				ctx.meta.$statusCode = 202;
				return { accepted: true };
			}
		},

		resetPassword: {
			rest: "POST /password/reset",
			auth: "none",
			rateLimit: perMinute(30),
			openapi: { summary: "Set a new password with a reset code; ends every session", status: 204 },
			params: { identifier, code, newPassword },
			async handler(ctx: Ctx<Parameters<typeof resetPassword>[1]>) {
				await resetPassword(this.rt, ctx.params);
				ctx.meta.$statusCode = 204;
			}
		},

		changePassword: {
			rest: "POST /password/change",
			openapi: { summary: "Change the password; ends the other sessions", status: 204 },
			params: { currentPassword: { type: "string", min: 1, max: 1024 }, newPassword },
			async handler(ctx: Ctx<{ currentPassword: string; newPassword: string }>) {
				await changePassword(this.rt, caller(ctx), ctx.params, clientOf(ctx.meta));
				ctx.meta.$statusCode = 204;
			}
		},

		oauthStart: {
			rest: "GET /oauth/:provider",
			auth: "none",
			rateLimit: perMinute(30),
			openapi: { summary: "Start signing in with a provider (302 to it)", status: 302 },
			params: {
				provider: { type: "string", max: 32 },
				deviceId: { type: "string", min: 1, max: 128, optional: true },
				deviceName: { type: "string", max: 100, optional: true },
				platform: { type: "string", max: 32, optional: true },
				language
			},
			async handler(ctx: Ctx<{ provider: string; deviceId?: string; deviceName?: string; platform?: string; language?: "en" | "sw" }>) {
				const p = ctx.params;
				const dev = p.deviceId ? { id: p.deviceId, name: p.deviceName ?? null, platform: p.platform ?? null } : undefined;
				ctx.meta.$location = await startOAuth(this.rt, p.provider, { device: dev, language: p.language }, clientOf(ctx.meta));
				ctx.meta.$statusCode = 302;
				ctx.meta.$responseHeaders = { "Cache-Control": "no-store" };
				return null;
			}
		},

		oauthCallback: {
			// Apple answers with a form POST (response_mode=form_post); the others with a GET.
			rest: ["GET /oauth/:provider/callback", "POST /oauth/:provider/callback"],
			auth: "none",
			rateLimit: perMinute(30),
			openapi: { summary: "Provider redirect target: finishes the sign-in", response: TOKEN_PAIR_SCHEMA },
			params: {
				provider: { type: "string", max: 32 },
				code: { type: "string", max: 2048, optional: true },
				state: { type: "string", max: 256, optional: true },
				error: { type: "string", max: 256, optional: true }
			},
			async handler(ctx: Ctx<{ provider: string; code?: string; state?: string; error?: string }>) {
				const { provider, ...rest } = ctx.params;
				return tokens(ctx, await finishOAuth(this.rt, provider, rest, clientOf(ctx.meta)));
			}
		},

		me: {
			rest: "GET /me",
			openapi: { summary: "My account (identifiers, verification, roles, security settings)" },
			async handler(ctx: Ctx) {
				return accountView(await myAccount(caller(ctx).userId));
			}
		},

		updateSettings: {
			rest: "PATCH /me/settings",
			openapi: { summary: "Security settings: otpOnNewDevice asks for a code when signing in on a new device" },
			params: { otpOnNewDevice: { type: "boolean", optional: true } },
			handler(ctx: Ctx<{ otpOnNewDevice?: boolean }>) {
				return updateSettings(caller(ctx).userId, ctx.params);
			}
		},

		deleteMe: {
			rest: "DELETE /me",
			openapi: { summary: "Delete my account (password confirmation); personal data is anonymised", status: 204 },
			params: { password: { type: "string", min: 1, max: 1024, optional: true } },
			async handler(ctx: Ctx<{ password?: string }>) {
				await deleteAccount(this.rt, caller(ctx), ctx.params, clientOf(ctx.meta));
				ctx.meta.$statusCode = 204;
			}
		},

		suspend: {
			rest: "POST /admin/users/:id/suspend",
			auth: "admin",
			openapi: { summary: "Suspend an account (its sessions end)" },
			params: { id: "uuid", reason: { type: "string", max: 500, optional: true } },
			handler(ctx: Ctx<{ id: string; reason?: string }>) {
				return suspend(this.rt, caller(ctx).userId, ctx.params.id, ctx.params.reason ?? null);
			}
		},

		reinstate: {
			rest: "POST /admin/users/:id/reinstate",
			auth: "admin",
			openapi: { summary: "Lift a suspension" },
			params: { id: "uuid" },
			handler(ctx: Ctx<{ id: string }>) {
				return reinstate(this.rt, caller(ctx).userId, ctx.params.id);
			}
		},

		/** Operators' REPL (suspend-user / reinstate-user): as the REST routes, in the name of an administrator. */
		operatorSetStatus: {
			visibility: "public",
			params: { userId: "uuid", by: "uuid", action: { type: "enum", values: ["suspend", "reinstate"] }, reason: { type: "string", max: 500, optional: true } },
			async handler(ctx: Ctx<{ userId: string; by: string; action: "suspend" | "reinstate"; reason?: string }>) {
				const { userId, by, action, reason } = ctx.params;
				await assertAdministrator(by);
				return action === "suspend" ? suspend(this.rt, by, userId, reason ?? null) : reinstate(this.rt, by, userId);
			}
		},

		rotateSigningKey: {
			rest: "POST /admin/keys/rotate",
			auth: "admin",
			openapi: { summary: "Rotate the access-token signing key (the previous one stays published until its tokens expire)" },
			async handler(ctx: Ctx) {
				const result = await this.rt.keyring.rotate();
				ctx.broadcast("auth.keys.rotated", { kid: result.kid }, { groups: ["auth"] });
				this.logger.info(`Signing key rotated: ${result.kid} is current, ${result.retired ?? "none"} retired`);
				return result;
			}
		}
	},

	events: {
		"auth.keys.rotated": {
			handler() {
				return this.rt.keyring.reload();
			}
		}
	},

	created() {
		this.timers = [];
	},

	async started() {
		const platform = platformConfig(this.broker);
		const cfg = loadAuthConfig(platform);
		if (cfg.devKek)
			this.logger.warn("AUTH_KEY_ENCRYPTION_KEY is not set: using a development key kept under DATA_DIR/auth (never do this in production)");
		const keyring = new Keyring(this.sequelize, cfg.kek);
		await keyring.start();
		this.rt = {
			cfg,
			rateLimitScale: platform.rateLimitScale,
			sequelize: this.sequelize,
			keyring,
			counters: openCounters(platform.redisUrl, platform.namespace),
			revocations: openSessionRevocations({ redisUrl: platform.redisUrl, namespace: platform.namespace }),
			otpPepper: deriveSubkey(cfg.kek, "otp-pepper"),
			dummyHash: await hashPassword(crypto.randomBytes(16).toString("hex"), cfg.passwordHash),
			oidc: new Map([...cfg.oauthProviders].map(([name, p]) => [name, new OidcClient(p)])),
			raiseEvent: (t, type, data, actorId) => this.raiseEvent(t, type, data, actorId),
			broadcast: (event, payload) => void this.broker.broadcast(event, payload, { groups: ["api"] }),
			logger: this.logger
		};
		const every = (ms: number, fn: () => Promise<unknown>) => {
			const timer = setInterval(() => fn().catch(err => this.logger.warn("auth housekeeping failed:", (err as Error).message)), ms);
			timer.unref();
			this.timers.push(timer);
		};
		every(5_000, () => cleanUp(this.sequelize));
		every(60_000, () => keyring.reload());
	},

	async stopped() {
		for (const timer of this.timers ?? []) clearInterval(timer);
		await this.rt?.counters.close();
		await this.rt?.revocations.close();
	}
};

export default AuthService;
