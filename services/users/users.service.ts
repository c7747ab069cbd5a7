/**
 * `users`: profiles, follows and follow requests, blocks and mutes, privacy
 * settings, suggestions, search and trust scores (DESIGN.md §2, API.md
 * "users", docs/users.md for rules, limits and decisions).
 *
 * Routes under /api/v1/users (see each action's `rest`). Internal actions for
 * other domains (public, no REST; cached, cleared on every change: cache.ts):
 *   users.profiles      { ids, viewerId? }          → Record<id, { id, username, displayName, avatar, isPrivate }>
 *   users.relationships { viewerId, userIds }       → Record<userId, { following, followedBy, requested, blocking, blockedBy, muting }>
 *   users.canMessage    { senderId, recipientId }   → { allowed, reason?: "blocked" | "nobody" | "not_follower" }
 *   users.canView       { viewerId | null, authorId } → { allowed, reason?: "blocked" | "private" }
 *   users.followerIds   { userId, after?, limit? }  → { ids, next } (not cached: the fan-out stream)
 * Durable events raised: users.follow.created|removed|requested|accepted,
 * users.block.created, users.profile.updated. Consumed (group "users"):
 * auth.user.registered|verified|deleted and the trust/post factor events
 * (flows/factors.ts).
 *
 * Actions are thin: validate, call a flow (flows/*), shape the answer.
 */
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import "../api/action-options";
import type { GatewayUser } from "../api/action-options";
import { unauthorized } from "../../lib/errors";
import { consumerChannels, type WithChannels } from "../../lib/events/channels";
import type { EventEnvelope } from "../../lib/events/envelope";
import { paginationParams } from "../../lib/pagination";
import { DbMixin, type DbVars } from "../../mixins/db.mixin";
import { DurableEventsMixin, type DurableEventsMethods } from "../../mixins/durable-events.mixin";
import { Avatars } from "./avatars";
import { canMessageKey, canViewKey, graphPatterns, profilePatterns, profilesKey, PROFILES_TTL_S, relationshipsKey, RELATIONSHIP_TTL_S } from "./cache";
import { UsersError } from "./errors";
import { block, mute, unblock, unmute } from "./flows/block";
import { applyFactorEvent, FACTOR_EVENTS, type FactorEvent } from "./flows/factors";
import { acceptRequest, follow, rejectRequest, unfollow } from "./flows/follow";
import { deletionPatterns, onDeleted, onRegistered, onVerified } from "./flows/lifecycle";
import { updateMyProfile, type ProfilePatch } from "./flows/profile";
import {
	canMessage,
	canView,
	FOLLOWER_IDS_DEFAULT,
	FOLLOWER_IDS_MAX,
	followerIds,
	getProfile,
	listFollows,
	listRequests,
	myPrivacy,
	myProfile,
	profileCards,
	relationships,
	search,
	suggestions,
	SUGGESTIONS_MAX,
	trust
} from "./flows/reads";
import { Profile } from "./models/profile.model";
import { BIO_MAX, CITY_MAX, DISPLAY_NAME_MAX, WEBSITE_MAX } from "./rules/profile-input";
import { parseProfileKey } from "./rules/lookup";
import type { UsersRuntime } from "./runtime";

const GROUP = "users";
/** Batch sizes of the internal reads: a feed page or a conversation list, with room to spare. */
const BATCH_MAX = 500;

type Meta = { user?: GatewayUser | null; $statusCode?: number };
type Ctx<P = Record<string, unknown>> = Context<P, Meta>;

interface Locals {
	rt: UsersRuntime;
}

interface Methods extends DurableEventsMethods {
	consume(envelope: EventEnvelope): Promise<void>;
	invalidate(patterns: string[]): Promise<void>;
}

type This = Locals & Methods & DbVars & { broker: import("moleculer").ServiceBroker; logger: import("moleculer").Logger };

/** The caller, from the gateway (auth "required"); an internal call without one is refused. */
function me(ctx: Ctx<unknown>): string {
	const id = ctx.meta.user?.userId;
	if (!id) throw unauthorized();
	return id;
}

const userId = { type: "uuid" } as const;
const pathId = { id: userId };
const uuidList = { type: "array", items: "uuid", min: 0, max: BATCH_MAX } as const;

const profilePatch = {
	displayName: { type: "string", max: DISPLAY_NAME_MAX * 2, optional: true },
	bio: { type: "string", max: BIO_MAX * 2, optional: true },
	avatarFileId: { type: "uuid", optional: true, nullable: true },
	location: {
		type: "object",
		optional: true,
		nullable: true,
		strict: true,
		props: { country: { type: "string", max: 8 }, city: { type: "string", max: CITY_MAX * 2, optional: true, nullable: true } }
	},
	website: { type: "string", max: WEBSITE_MAX, optional: true, nullable: true },
	language: { type: "enum", values: ["en", "sw"], optional: true },
	isPrivate: { type: "boolean", optional: true }
} as const;

const privacyPatch = {
	isPrivate: { type: "boolean", optional: true },
	whoCanMessage: { type: "enum", values: ["everyone", "followers", "nobody"], optional: true },
	showFollowers: { type: "boolean", optional: true },
	discoverableByPhone: { type: "boolean", optional: true }
} as const;

const CONSUMED = ["auth.user.registered", "auth.user.verified", "auth.user.deleted", ...FACTOR_EVENTS] as const;

const UsersService: WithChannels<ServiceSchema<ServiceSettingSchema, Methods, Locals & DbVars>> = {
	name: "users",
	mixins: [DbMixin({ database: "core", schema: "users", model: Profile }), DurableEventsMixin({ schema: "users" })],
	settings: { rest: "/users" },

	channels: consumerChannels(GROUP, CONSUMED),

	actions: {
		// ---- my profile and settings ----
		me: {
			rest: "GET /me",
			openapi: { summary: "My profile" },
			handler(this: This, ctx: Ctx) {
				return myProfile(this.rt, me(ctx));
			}
		},

		updateMe: {
			rest: "PATCH /me",
			openapi: { summary: "Change my profile (display name, bio, avatar file, location, website, language, private account)" },
			params: profilePatch,
			async handler(this: This, ctx: Ctx<ProfilePatch>) {
				const id = me(ctx);
				await updateMyProfile(this.rt, id, pick(ctx.params, Object.keys(profilePatch)));
				return myProfile(this.rt, id);
			}
		},

		privacy: {
			rest: "GET /me/privacy",
			openapi: { summary: "My privacy settings" },
			handler(this: This, ctx: Ctx) {
				return myPrivacy(this.rt, me(ctx));
			}
		},

		updatePrivacy: {
			rest: "PATCH /me/privacy",
			openapi: { summary: "Change who can message me, whether my follower lists show, whether my phone number finds me, private account" },
			params: privacyPatch,
			async handler(this: This, ctx: Ctx<ProfilePatch>) {
				const id = me(ctx);
				await updateMyProfile(this.rt, id, pick(ctx.params, Object.keys(privacyPatch)));
				return myPrivacy(this.rt, id);
			}
		},

		followRequests: {
			rest: "GET /me/follow-requests",
			openapi: { summary: "People asking to follow me, newest first" },
			params: { ...paginationParams },
			handler(this: This, ctx: Ctx<{ cursor?: string; limit?: number }>) {
				return listRequests(this.rt, me(ctx), ctx.params);
			}
		},

		acceptRequest: {
			rest: "POST /me/follow-requests/:userId/accept",
			openapi: { summary: "Accept a follow request: they now follow me" },
			params: { userId },
			handler(this: This, ctx: Ctx<{ userId: string }>) {
				return acceptRequest(this.rt, me(ctx), ctx.params.userId.toLowerCase());
			}
		},

		rejectRequest: {
			rest: "POST /me/follow-requests/:userId/reject",
			openapi: { summary: "Decline a follow request (the requester is not told)" },
			params: { userId },
			handler(this: This, ctx: Ctx<{ userId: string }>) {
				return rejectRequest(this.rt, me(ctx), ctx.params.userId.toLowerCase());
			}
		},

		suggestions: {
			rest: "GET /me/suggestions",
			openapi: { summary: "People you may know: followed by people you follow, or in your city" },
			params: { limit: { type: "number", integer: true, min: 1, max: SUGGESTIONS_MAX, optional: true, convert: true } },
			handler(this: This, ctx: Ctx<{ limit?: number }>) {
				return suggestions(this.rt, me(ctx), ctx.params.limit ?? 20);
			}
		},

		// ---- people ----
		search: {
			rest: "GET /",
			rateLimit: { window: 60_000, limit: 120 },
			openapi: { summary: "Find people by username or display name (typo-tolerant), or by phone number (?phone=)" },
			params: { ...paginationParams, q: { type: "string", max: 64, optional: true }, phone: { type: "string", max: 32, optional: true } },
			handler(this: This, ctx: Ctx<{ q?: string; phone?: string; cursor?: string; limit?: number }>) {
				return search(this.rt, me(ctx), ctx.params);
			}
		},

		profile: {
			rest: "GET /:idOrUsername",
			auth: "optional",
			openapi: { summary: "A profile by id or username, with how I relate to it when signed in" },
			params: { idOrUsername: { type: "string", min: 1, max: 64 } },
			handler(this: This, ctx: Ctx<{ idOrUsername: string }>) {
				const key = parseProfileKey(ctx.params.idOrUsername);
				if (!key) throw UsersError.invalidLookup();
				return getProfile(this.rt, ctx.meta.user?.userId ?? null, key);
			}
		},

		follow: {
			rest: "POST /:id/follow",
			openapi: { summary: "Follow (a private account gets a request): { status: following | requested }" },
			params: pathId,
			handler(this: This, ctx: Ctx<{ id: string }>) {
				return follow(this.rt, me(ctx), ctx.params.id.toLowerCase());
			}
		},

		unfollow: {
			rest: "DELETE /:id/follow",
			openapi: { summary: "Unfollow, or withdraw a pending request", status: 204 },
			params: pathId,
			async handler(this: This, ctx: Ctx<{ id: string }>) {
				await unfollow(this.rt, me(ctx), ctx.params.id.toLowerCase());
				ctx.meta.$statusCode = 204;
				return null;
			}
		},

		followers: {
			rest: "GET /:id/followers",
			openapi: { summary: "Who follows this account, newest first (private or hidden lists: owner and approved followers only)" },
			params: { ...pathId, ...paginationParams },
			handler(this: This, ctx: Ctx<{ id: string; cursor?: string; limit?: number }>) {
				return listFollows(this.rt, me(ctx), ctx.params.id.toLowerCase(), "followers", ctx.params);
			}
		},

		following: {
			rest: "GET /:id/following",
			openapi: { summary: "Whom this account follows, newest first (same visibility as followers)" },
			params: { ...pathId, ...paginationParams },
			handler(this: This, ctx: Ctx<{ id: string; cursor?: string; limit?: number }>) {
				return listFollows(this.rt, me(ctx), ctx.params.id.toLowerCase(), "following", ctx.params);
			}
		},

		block: {
			rest: "POST /:id/block",
			openapi: { summary: "Block: removes follows both ways; no content, mentions, messages or follows between us" },
			params: pathId,
			handler(this: This, ctx: Ctx<{ id: string }>) {
				return block(this.rt, me(ctx), ctx.params.id.toLowerCase());
			}
		},

		unblock: {
			rest: "DELETE /:id/block",
			openapi: { summary: "Unblock (removed follows do not come back)", status: 204 },
			params: pathId,
			async handler(this: This, ctx: Ctx<{ id: string }>) {
				await unblock(this.rt, me(ctx), ctx.params.id.toLowerCase());
				ctx.meta.$statusCode = 204;
				return null;
			}
		},

		mute: {
			rest: "POST /:id/mute",
			openapi: { summary: "Mute: hide their content from me without telling them" },
			params: pathId,
			handler(this: This, ctx: Ctx<{ id: string }>) {
				return mute(this.rt, me(ctx), ctx.params.id.toLowerCase());
			}
		},

		unmute: {
			rest: "DELETE /:id/mute",
			openapi: { summary: "Unmute", status: 204 },
			params: pathId,
			async handler(this: This, ctx: Ctx<{ id: string }>) {
				await unmute(this.rt, me(ctx), ctx.params.id.toLowerCase());
				ctx.meta.$statusCode = 204;
				return null;
			}
		},

		trust: {
			rest: "GET /:id/trust",
			openapi: { summary: "Trust score 0–100, its level and every factor (docs/users.md has the formula)" },
			params: pathId,
			handler(this: This, ctx: Ctx<{ id: string }>) {
				return trust(this.rt, me(ctx), ctx.params.id.toLowerCase());
			}
		},

		// ---- internal reads for other domains ----
		profiles: {
			visibility: "public",
			cache: { keygen: profilesKey, ttl: PROFILES_TTL_S },
			params: { ids: uuidList, viewerId: { type: "uuid", optional: true } },
			handler(this: This, ctx: Context<{ ids: string[]; viewerId?: string }>) {
				return profileCards(this.rt, ctx.params.ids, ctx.params.viewerId);
			}
		},

		relationships: {
			visibility: "public",
			cache: { keygen: relationshipsKey, ttl: RELATIONSHIP_TTL_S },
			params: { viewerId: userId, userIds: uuidList },
			handler(this: This, ctx: Context<{ viewerId: string; userIds: string[] }>) {
				return relationships(this.rt, ctx.params.viewerId.toLowerCase(), ctx.params.userIds);
			}
		},

		canMessage: {
			visibility: "public",
			cache: { keygen: canMessageKey, ttl: RELATIONSHIP_TTL_S },
			params: { senderId: userId, recipientId: userId },
			handler(this: This, ctx: Context<{ senderId: string; recipientId: string }>) {
				return canMessage(this.rt, ctx.params.senderId.toLowerCase(), ctx.params.recipientId.toLowerCase());
			}
		},

		canView: {
			visibility: "public",
			cache: { keygen: canViewKey, ttl: RELATIONSHIP_TTL_S },
			params: { viewerId: { type: "uuid", nullable: true }, authorId: userId },
			handler(this: This, ctx: Context<{ viewerId: string | null; authorId: string }>) {
				return canView(this.rt, ctx.params.viewerId?.toLowerCase() ?? null, ctx.params.authorId.toLowerCase());
			}
		},

		followerIds: {
			visibility: "public",
			params: {
				userId,
				after: { type: "uuid", optional: true },
				limit: { type: "number", integer: true, min: 1, max: FOLLOWER_IDS_MAX, optional: true, convert: true }
			},
			handler(this: This, ctx: Context<{ userId: string; after?: string; limit?: number }>) {
				return followerIds(this.rt, ctx.params.userId.toLowerCase(), ctx.params.after?.toLowerCase() ?? null, ctx.params.limit ?? FOLLOWER_IDS_DEFAULT);
			}
		}
	},

	methods: {
		/** Every consumed event, once (handleOnce); caches are cleared after the commit. */
		async consume(this: This, envelope: EventEnvelope) {
			const result = await this.handleOnce(GROUP, envelope, async (t): Promise<string[]> => {
				const db = { sequelize: this.sequelize, t };
				switch (envelope.type) {
					case "auth.user.registered": {
						const e = envelope as EventEnvelope<"auth.user.registered">;
						await onRegistered(db, e);
						// A lookup before the profile existed may have cached "absent".
						return [...profilePatterns([e.data.userId]), ...graphPatterns([e.data.userId])];
					}
					case "auth.user.verified":
						await onVerified(db, envelope as EventEnvelope<"auth.user.verified">);
						return [];
					case "auth.user.deleted":
						return deletionPatterns(await onDeleted(this.rt, t, envelope as EventEnvelope<"auth.user.deleted">));
				}
				if ((FACTOR_EVENTS as readonly string[]).includes(envelope.type)) await applyFactorEvent(db, envelope as EventEnvelope<FactorEvent>);
				return [];
			});
			if (result.processed && result.result?.length) await this.invalidate(result.result);
		},

		/** Clears cache entries by pattern on the shared cacher (Redis when split). */
		async invalidate(this: This, patterns: string[]) {
			if (patterns.length === 0 || !this.broker.cacher) return;
			await this.broker.cacher.clean(patterns);
		}
	},

	started(this: This) {
		this.rt = {
			sequelize: this.sequelize,
			avatars: new Avatars(this.broker, this.logger),
			raiseEvent: (t, type, data, actorId) => this.raiseEvent(t, type, data, actorId),
			invalidate: patterns => this.invalidate(patterns),
			logger: this.logger
		};
	}
};

/** Only the fields an action declares (the gateway merges path and query params into ctx.params too). */
function pick<T extends object>(params: T, keys: string[]): T {
	return Object.fromEntries(Object.entries(params).filter(([k, v]) => keys.includes(k) && v !== undefined)) as T;
}

export default UsersService;
