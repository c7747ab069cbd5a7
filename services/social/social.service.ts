/**
 * `social`: posts with media, embeds (products, events, shops), polls and
 * quotes; likes, comments, reposts; mentions and hashtags; the home feed
 * (fan-out on write into Redis sorted sets), explore, a user's posts, a tag's
 * posts, my mentions (DESIGN.md §2, API.md "social"; rules, limits and
 * decisions in docs/social.md).
 *
 * Routes under /api/v1/social (see each action's `rest`). Internal actions:
 *   social.rebuildFeed { userId } → { userId, entries }  (operators: REPL feed-rebuild)
 *   social.feedMemory  { userId } → { bytes }             (bench: Redis bytes of one cached feed)
 * Durable events raised: social.post.created|deleted|liked|reposted|quoted,
 * social.comment.created|replied, social.mention.created. Consumed (group
 * "social"): its own post.created/deleted/reposted (fan-out), users.follow.created|removed
 * (the feeds' follow graph), commerce.product.published, events.event.published.
 */
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import "../api/action-options";
import type { GatewayUser } from "../api/action-options";
import { platformConfig } from "../../lib/config";
import { unauthorized } from "../../lib/errors";
import { consumerChannels, type WithChannels } from "../../lib/events/channels";
import type { EventEnvelope } from "../../lib/events/envelope";
import { registerReadinessCheck } from "../../lib/node/readiness";
import { paginationParams } from "../../lib/pagination";
import { DbMixin, type DbVars } from "../../mixins/db.mixin";
import { DurableEventsMixin, type DurableEventsMethods } from "../../mixins/durable-events.mixin";
import { loadSocialConfig } from "./config";
import { BigAuthors } from "./feeds/big-authors";
import { openFeedStore } from "./feeds/feed-store";
import { homeFeed, rebuildHome } from "./feeds/home";
import { hashtagPosts, myMentions, Rankings, userPosts } from "./feeds/lists";
import { addComment, listComments, removeComment } from "./flows/comments";
import { domainPost, mergeOnFollow, onFollowCreated, onFollowRemoved, onPostCreated, onPostDeleted, onPostReposted } from "./flows/consumers";
import { like, repost, unlike, unrepost, vote } from "./flows/engagement";
import { createPost, deletePost, editPost, postHistory, visiblePost, type CreatePostInput, type EditPostInput } from "./flows/posts";
import { Post } from "./models/post.model";
import { Peers } from "./peers";
import { POLL_OPTION_MAX_LENGTH, POLL_OPTIONS_MAX } from "./rules/poll";
import { MEDIA_MAX } from "./rules/post-input";
import { COMMENT_MAX, TEXT_MAX } from "./rules/text";
import { VISIBILITIES } from "./rules/visibility";
import type { SocialRuntime } from "./runtime";

const GROUP = "social";
/** A feed key nobody owns, touched by the readiness check to prove Redis answers. */
const READINESS_PROBE_ID = "00000000-0000-7000-8000-000000000000";

type Meta = { user?: GatewayUser | null; $statusCode?: number; $location?: string };
type Ctx<P = Record<string, unknown>> = Context<P, Meta>;

interface Locals {
	rt: SocialRuntime;
	rankings: Rankings;
}

interface Methods extends DurableEventsMethods {
	consume(envelope: EventEnvelope): Promise<void>;
}

type This = Locals & Methods & DbVars & { broker: import("moleculer").ServiceBroker; logger: import("moleculer").Logger };

function me(ctx: Ctx<unknown>): string {
	const id = ctx.meta.user?.userId;
	if (!id) throw unauthorized();
	return id;
}

const uuid = { type: "uuid" } as const;
const pathId = { id: uuid };
// Texts are checked in code points by the rules; the validator only bounds the payload (UTF-16 units).
const text = (max: number, optional = true) => ({ type: "string", max: max * 2, optional });
const visibility = { type: "enum", values: VISIBILITIES as unknown as string[] } as const;

const createParams = {
	text: text(TEXT_MAX),
	mediaFileIds: { type: "array", items: "uuid", max: MEDIA_MAX, optional: true },
	embed: { type: "object", optional: true, strict: true, props: { type: { type: "enum", values: ["product", "event", "shop"] }, id: uuid } },
	visibility,
	poll: {
		type: "object",
		optional: true,
		strict: true,
		props: {
			options: { type: "array", items: { type: "string", max: POLL_OPTION_MAX_LENGTH * 2 }, min: 1, max: POLL_OPTIONS_MAX * 2 },
			multiple: { type: "boolean", optional: true, default: false },
			expiresAt: { type: "string", max: 64 }
		}
	},
	quoteOf: { type: "uuid", optional: true }
} as const;

const editParams = {
	...pathId,
	text: text(TEXT_MAX),
	mediaFileIds: { type: "array", items: "uuid", max: MEDIA_MAX, optional: true },
	visibility: { ...visibility, optional: true }
} as const;

const CONSUMED = [
	"social.post.created",
	"social.post.deleted",
	"social.post.reposted",
	"users.follow.created",
	"users.follow.removed",
	"commerce.product.published",
	"events.event.published"
] as const;

const SocialService: WithChannels<ServiceSchema<ServiceSettingSchema, Methods, Locals & DbVars>> = {
	name: "social",
	mixins: [DbMixin({ database: "core", schema: "social", model: Post }), DurableEventsMixin({ schema: "social" })],
	settings: { rest: "/social" },

	channels: consumerChannels(GROUP, CONSUMED),

	actions: {
		// ---- posts ----
		createPost: {
			rest: "POST /posts",
			rateLimit: { window: 60_000, limit: 60 },
			openapi: { summary: "Publish a post: text, media files, an embed (product, event, shop), a poll or a quote", status: 201 },
			params: createParams,
			async handler(this: This, ctx: Ctx<CreatePostInput>) {
				const post = await createPost(this.rt, me(ctx), pick(ctx.params, Object.keys(createParams)));
				ctx.meta.$statusCode = 201;
				ctx.meta.$location = `/api/v1/social/posts/${post.id}`;
				return post;
			}
		},

		getPost: {
			rest: "GET /posts/:id",
			auth: "optional",
			openapi: { summary: "A post, with its embed's live card, counts and my likes/reposts/votes" },
			params: pathId,
			async handler(this: This, ctx: Ctx<{ id: string }>) {
				return (await visiblePost(this.rt, ctx.meta.user?.userId ?? null, ctx.params.id.toLowerCase())).view;
			}
		},

		updatePost: {
			rest: "PATCH /posts/:id",
			openapi: { summary: "Edit my post's text, media or visibility (the previous version goes to its history)" },
			params: editParams,
			handler(this: This, ctx: Ctx<EditPostInput & { id: string }>) {
				return editPost(this.rt, me(ctx), ctx.params.id.toLowerCase(), pick(ctx.params, ["text", "mediaFileIds", "visibility"]));
			}
		},

		deletePost: {
			rest: "DELETE /posts/:id",
			openapi: { summary: "Delete my post: it leaves every feed and list", status: 204 },
			params: pathId,
			async handler(this: This, ctx: Ctx<{ id: string }>) {
				await deletePost(this.rt, me(ctx), ctx.params.id.toLowerCase());
				ctx.meta.$statusCode = 204;
				return null;
			}
		},

		postHistory: {
			rest: "GET /posts/:id/history",
			openapi: { summary: "Earlier versions of an edited post, newest first" },
			params: pathId,
			handler(this: This, ctx: Ctx<{ id: string }>) {
				return postHistory(this.rt, me(ctx), ctx.params.id.toLowerCase());
			}
		},

		// ---- engagement ----
		like: {
			rest: "POST /posts/:id/like",
			openapi: { summary: "Like a post: { postId, liked, likes }" },
			params: pathId,
			handler(this: This, ctx: Ctx<{ id: string }>) {
				return like(this.rt, me(ctx), ctx.params.id.toLowerCase());
			}
		},

		unlike: {
			rest: "DELETE /posts/:id/like",
			openapi: { summary: "Take back a like: { postId, liked, likes }" },
			params: pathId,
			handler(this: This, ctx: Ctx<{ id: string }>) {
				return unlike(this.rt, me(ctx), ctx.params.id.toLowerCase());
			}
		},

		repost: {
			rest: "POST /posts/:id/repost",
			openapi: { summary: "Repost a public post to my followers: { postId, reposted, reposts }" },
			params: pathId,
			handler(this: This, ctx: Ctx<{ id: string }>) {
				return repost(this.rt, me(ctx), ctx.params.id.toLowerCase());
			}
		},

		unrepost: {
			rest: "DELETE /posts/:id/repost",
			openapi: { summary: "Undo my repost: { postId, reposted, reposts }" },
			params: pathId,
			handler(this: This, ctx: Ctx<{ id: string }>) {
				return unrepost(this.rt, me(ctx), ctx.params.id.toLowerCase());
			}
		},

		vote: {
			rest: "POST /posts/:id/poll/votes",
			openapi: { summary: "Vote in a post's poll (once; several options only in a multiple-choice poll): the poll with results" },
			params: { ...pathId, optionIds: { type: "array", items: "uuid", min: 1, max: POLL_OPTIONS_MAX } },
			handler(this: This, ctx: Ctx<{ id: string; optionIds: string[] }>) {
				return vote(this.rt, me(ctx), ctx.params.id.toLowerCase(), ctx.params.optionIds);
			}
		},

		addComment: {
			rest: "POST /posts/:id/comments",
			rateLimit: { window: 60_000, limit: 120 },
			openapi: { summary: "Comment on a post, or reply to a top-level comment (parentId)", status: 201 },
			params: { ...pathId, text: text(COMMENT_MAX, false), parentId: { type: "uuid", optional: true } },
			async handler(this: This, ctx: Ctx<{ id: string; text: string; parentId?: string }>) {
				const comment = await addComment(this.rt, me(ctx), ctx.params.id.toLowerCase(), { text: ctx.params.text, parentId: ctx.params.parentId });
				ctx.meta.$statusCode = 201;
				ctx.meta.$location = `/api/v1/social/posts/${comment.postId}/comments`;
				return comment;
			}
		},

		listComments: {
			rest: "GET /posts/:id/comments",
			openapi: { summary: "A post's top-level comments, or one comment's replies (?parentId=), oldest first" },
			params: { ...pathId, parentId: { type: "uuid", optional: true }, ...paginationParams },
			handler(this: This, ctx: Ctx<{ id: string; parentId?: string; cursor?: string; limit?: number }>) {
				return listComments(this.rt, me(ctx), ctx.params.id.toLowerCase(), ctx.params);
			}
		},

		deleteComment: {
			rest: "DELETE /comments/:id",
			openapi: { summary: "Delete a comment (its author or the post's author); a top-level comment takes its replies", status: 204 },
			params: pathId,
			async handler(this: This, ctx: Ctx<{ id: string }>) {
				await removeComment(this.rt, me(ctx), ctx.params.id.toLowerCase());
				ctx.meta.$statusCode = 204;
				return null;
			}
		},

		// ---- lists ----
		home: {
			rest: "GET /feed",
			openapi: { summary: "My home feed: posts and reposts of people I follow, newest first; a post reposted by several appears once with repostedBy" },
			params: { ...paginationParams },
			handler(this: This, ctx: Ctx<{ cursor?: string; limit?: number }>) {
				return homeFeed(this.rt, me(ctx), ctx.params);
			}
		},

		explore: {
			rest: "GET /feed/explore",
			openapi: { summary: "Public posts ranked by engagement with time decay (docs/social.md has the formula)" },
			params: { ...paginationParams },
			handler(this: This, ctx: Ctx<{ cursor?: string; limit?: number }>) {
				return this.rankings.explorePage(me(ctx), ctx.params);
			}
		},

		userPosts: {
			rest: "GET /users/:id/posts",
			openapi: { summary: "A user's posts that I may see, newest first" },
			params: { ...pathId, ...paginationParams },
			handler(this: This, ctx: Ctx<{ id: string; cursor?: string; limit?: number }>) {
				return userPosts(this.rt, me(ctx), ctx.params.id.toLowerCase(), ctx.params);
			}
		},

		trendingTags: {
			rest: "GET /hashtags/trending",
			openapi: { summary: "Tags used by the most people in public posts over the sliding window" },
			params: { limit: { type: "number", integer: true, min: 1, max: 50, optional: true, convert: true } },
			handler(this: This, ctx: Ctx<{ limit?: number }>) {
				me(ctx);
				return this.rankings.trendingTags(ctx.params.limit ?? 10);
			}
		},

		tagPosts: {
			rest: "GET /hashtags/:tag/posts",
			openapi: { summary: "Posts with a tag (case-insensitive, Unicode), newest first" },
			params: { tag: { type: "string", min: 1, max: 200 }, ...paginationParams },
			handler(this: This, ctx: Ctx<{ tag: string; cursor?: string; limit?: number }>) {
				return hashtagPosts(this.rt, me(ctx), ctx.params.tag, ctx.params);
			}
		},

		mentions: {
			rest: "GET /mentions",
			openapi: { summary: "Posts that mention me, newest first" },
			params: { ...paginationParams },
			handler(this: This, ctx: Ctx<{ cursor?: string; limit?: number }>) {
				return myMentions(this.rt, me(ctx), ctx.params);
			}
		},

		// ---- internal ----
		rebuildFeed: {
			visibility: "public",
			params: { userId: uuid },
			async handler(this: This, ctx: Context<{ userId: string }>) {
				const userId = ctx.params.userId.toLowerCase();
				await this.rt.feeds.drop(userId);
				return { userId, entries: await rebuildHome(this.rt, userId) };
			}
		},

		feedMemory: {
			visibility: "public",
			params: { userId: uuid },
			async handler(this: This, ctx: Context<{ userId: string }>) {
				return { bytes: await this.rt.feeds.memoryUsage(ctx.params.userId.toLowerCase()) };
			}
		}
	},

	methods: {
		async consume(this: This, envelope: EventEnvelope) {
			const rt = this.rt;
			switch (envelope.type) {
				case "social.post.created":
					return onPostCreated(rt, envelope as EventEnvelope<"social.post.created">);
				case "social.post.reposted":
					return onPostReposted(rt, envelope as EventEnvelope<"social.post.reposted">);
				case "social.post.deleted":
					return onPostDeleted(rt, envelope as EventEnvelope<"social.post.deleted">);
				case "users.follow.created": {
					const e = envelope as EventEnvelope<"users.follow.created">;
					const done = await this.handleOnce(GROUP, e, t => onFollowCreated(rt, t, e));
					if (done.processed && done.result) await mergeOnFollow(rt, e.data.followerId, e.data.followeeId);
					return;
				}
				case "users.follow.removed": {
					const e = envelope as EventEnvelope<"users.follow.removed">;
					await this.handleOnce(GROUP, e, t => onFollowRemoved(rt, t, e));
					return;
				}
				case "commerce.product.published": {
					const e = envelope as EventEnvelope<"commerce.product.published">;
					await this.handleOnce(GROUP, e, async t =>
						e.data.postToFeed ? domainPost(rt, t, { source: "commerce", authorId: e.data.sellerId, embed: { type: "product", id: e.data.productId }, title: e.data.title }) : null
					);
					return;
				}
				case "events.event.published": {
					const e = envelope as EventEnvelope<"events.event.published">;
					await this.handleOnce(GROUP, e, async t =>
						e.data.postToFeed ? domainPost(rt, t, { source: "events", authorId: e.data.organizerId, embed: { type: "event", id: e.data.eventId }, title: e.data.title }) : null
					);
					return;
				}
			}
		}
	},

	started(this: This) {
		const platform = platformConfig(this.broker);
		const cfg = loadSocialConfig(platform);
		const feeds = openFeedStore({ redisUrl: platform.redisUrl, namespace: platform.namespace, maxItems: cfg.feed.maxItems, activeMs: cfg.feed.activeMs });
		this.rt = {
			sequelize: this.sequelize,
			broker: this.broker,
			cfg,
			feeds,
			bigAuthors: new BigAuthors(() => ({ sequelize: this.sequelize }), cfg.feed.fanoutMaxFollowers),
			peers: new Peers(this.broker, this.logger),
			raiseEvent: (t, type, data, actorId) => this.raiseEvent(t, type, data, actorId),
			logger: this.logger
		};
		this.rankings = new Rankings(this.rt);
		if (platform.redisUrl) registerReadinessCheck(this.broker, "redis:social", () => feeds.touch(READINESS_PROBE_ID).then(() => undefined));
	},

	async stopped(this: This) {
		await this.rt.feeds.close();
	}
};

/** Only the fields an action declares (the gateway merges path and query params into ctx.params too). */
function pick<T extends object>(params: T, keys: string[]): T {
	return Object.fromEntries(Object.entries(params).filter(([k, v]) => keys.includes(k) && v !== undefined)) as T;
}

export default SocialService;
