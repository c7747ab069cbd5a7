/**
 * `messages`: direct and group conversations, messages with a
 * per-conversation seq, read markers and unread counts, real-time frames
 * (DESIGN.md §6.5, API.md "messages", docs/messages.md for rules and limits).
 *
 * Routes under /api/v1/messages (see each action's `rest`). Internal:
 *   messages.canReadFile { fileId, userId, ref } → { allowed }   (files asks it for attachments)
 * Listens to `ws.client.frame` (typing, best effort). Pushes `message.new`,
 * `message.updated`, `receipt` and `typing` frames through the gateway.
 * Durable event raised: messages.message.sent (→ notifications).
 *
 * Actions are thin: validate, call a flow (flows/*), shape the answer.
 */
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import "../api/action-options";
import type { GatewayUser } from "../api/action-options";
import { unauthorized } from "../../lib/errors";
import { paginationParams } from "../../lib/pagination";
import { DbMixin, type DbVars } from "../../mixins/db.mixin";
import { DurableEventsMixin, type DurableEventsMethods } from "../../mixins/durable-events.mixin";
import { loadMessagesConfig } from "./config";
import { MessagesError } from "./errors";
import { deleteMessage, editMessage, getMessage, react, unreact } from "./flows/change";
import { createConversation, getConversation, listConversations } from "./flows/conversations";
import { DirectConversations } from "./flows/direct-conversations";
import { addMembers, removeFromGroup, updateConversation } from "./flows/members";
import { history, markRead } from "./flows/reading";
import { sendMessage, type SendInput } from "./flows/send";
import { relayTyping } from "./flows/typing";
import { Conversation } from "./models/conversation.model";
import { MAX_GROUP_MEMBERS, TITLE_MAX } from "./rules/conversation-input";
import { conversationOfRef } from "./rules/file-ref";
import { HISTORY_MAX_LIMIT } from "./rules/history";
import { CLIENT_ID_PATTERN, EMBED_TYPES, FILES_MAX, TEXT_MAX } from "./rules/message-input";
import { EMOJI_MAX_LENGTH, isReactionEmoji } from "./rules/reactions";
import { TypingThrottle } from "./rules/typing";
import type { MessagesRuntime } from "./runtime";
import { findMember, readSettings, writeSettings } from "./store/conversations";

type Meta = { user?: GatewayUser | null; $statusCode?: number; $location?: string };
type Ctx<P = Record<string, unknown>> = Context<P, Meta>;

interface Locals {
	rt: MessagesRuntime;
	typing: TypingThrottle;
}

type This = Locals & DurableEventsMethods & DbVars & { broker: import("moleculer").ServiceBroker; logger: import("moleculer").Logger };

/** The caller, from the gateway (auth "required"); an internal call without one is refused. */
function me(ctx: Ctx<unknown>): string {
	const id = ctx.meta.user?.userId;
	if (!id) throw unauthorized();
	return id;
}

const uuid = { type: "uuid" } as const;
const seqParam = { type: "number", integer: true, min: 0, convert: true } as const;

const MessagesService: ServiceSchema<ServiceSettingSchema, never, Locals & DbVars> = {
	name: "messages",
	mixins: [DbMixin({ database: "core", schema: "messages", model: Conversation }), DurableEventsMixin({ schema: "messages" })],
	settings: { rest: "/messages" },

	actions: {
		// ---- conversations ----
		createConversation: {
			rest: "POST /conversations",
			rateLimit: { window: 60_000, limit: 30 },
			openapi: { summary: "Start a conversation: one other member and no title is the 1:1 with them (reused: 200), otherwise a group (201)", status: 201 },
			params: {
				memberIds: { type: "array", items: "uuid", min: 1, max: MAX_GROUP_MEMBERS },
				title: { type: "string", max: TITLE_MAX, optional: true, nullable: true }
			},
			async handler(this: This, ctx: Ctx<{ memberIds: string[]; title?: string | null }>) {
				const { conversation, created } = await createConversation(this.rt, me(ctx), ctx.params);
				ctx.meta.$statusCode = created ? 201 : 200;
				if (created) ctx.meta.$location = `/api/v1/messages/conversations/${conversation.id}`;
				return conversation;
			}
		},

		conversations: {
			rest: "GET /conversations",
			openapi: { summary: "My conversations, latest activity first, with unreadCount and lastMessage" },
			params: { ...paginationParams },
			handler(this: This, ctx: Ctx<{ cursor?: string; limit?: number }>) {
				return listConversations(this.rt, me(ctx), ctx.params);
			}
		},

		conversation: {
			rest: "GET /conversations/:id",
			openapi: { summary: "One conversation (members, read markers, unread count)" },
			params: { id: uuid },
			handler(this: This, ctx: Ctx<{ id: string }>) {
				return getConversation(this.rt, me(ctx), ctx.params.id.toLowerCase());
			}
		},

		updateConversation: {
			rest: "PATCH /conversations/:id",
			openapi: { summary: "Mute or unmute it for me (no notifications); rename a group (admins)" },
			params: { id: uuid, title: { type: "string", max: TITLE_MAX, optional: true, nullable: true }, muted: { type: "boolean", optional: true } },
			handler(this: This, ctx: Ctx<{ id: string; title?: string | null; muted?: boolean }>) {
				const { title, muted } = ctx.params;
				return updateConversation(this.rt, me(ctx), ctx.params.id.toLowerCase(), { title, muted });
			}
		},

		addMembers: {
			rest: "POST /conversations/:id/members",
			openapi: { summary: "Add people to a group (admins); they see messages from now on" },
			params: { id: uuid, userIds: { type: "array", items: "uuid", min: 1, max: MAX_GROUP_MEMBERS } },
			handler(this: This, ctx: Ctx<{ id: string; userIds: string[] }>) {
				return addMembers(this.rt, me(ctx), ctx.params.id.toLowerCase(), ctx.params.userIds);
			}
		},

		removeMember: {
			rest: "DELETE /conversations/:id/members/:userId",
			openapi: { summary: "Remove someone from a group (admins), or leave it (your own id)", status: 204 },
			params: { id: uuid, userId: uuid },
			async handler(this: This, ctx: Ctx<{ id: string; userId: string }>) {
				await removeFromGroup(this.rt, me(ctx), ctx.params.id.toLowerCase(), ctx.params.userId.toLowerCase());
				ctx.meta.$statusCode = 204;
				return null;
			}
		},

		// ---- messages ----
		history: {
			rest: "GET /conversations/:id/messages",
			openapi: {
				summary:
					"Messages by seq, always ascending: after=N (catch up), before=N (the page just before N), both, or the latest; changedAfter=V: every message new, edited, deleted or reacted to after version V, in version order"
			},
			params: {
				id: uuid,
				after: { ...seqParam, optional: true },
				changedAfter: { ...seqParam, optional: true },
				before: { ...seqParam, min: 1, optional: true },
				limit: { type: "number", integer: true, min: 1, max: HISTORY_MAX_LIMIT, optional: true, convert: true },
				cursor: paginationParams.cursor
			},
			handler(this: This, ctx: Ctx<{ id: string; after?: number; before?: number; changedAfter?: number; limit?: number; cursor?: string }>) {
				const { after, before, changedAfter, limit, cursor } = ctx.params;
				return history(this.rt, me(ctx), ctx.params.id.toLowerCase(), { after, before, changedAfter, limit, cursor });
			}
		},

		send: {
			rest: "POST /conversations/:id/messages",
			// Per sender, on top of the gateway's 600/min: a person types far slower; a script does not.
			rateLimit: { window: 60_000, limit: 120 },
			openapi: { summary: "Send (idempotent on clientId: the same clientId answers the same message, 200)", status: 201 },
			params: {
				id: uuid,
				clientId: { type: "string", pattern: CLIENT_ID_PATTERN },
				text: { type: "string", max: TEXT_MAX, optional: true, nullable: true },
				fileIds: { type: "array", items: "uuid", max: FILES_MAX, optional: true },
				embed: { type: "object", optional: true, nullable: true, strict: true, props: { type: { type: "enum", values: [...EMBED_TYPES] }, id: uuid } },
				replyToSeq: { type: "number", integer: true, min: 1, optional: true, nullable: true, convert: true }
			},
			async handler(this: This, ctx: Ctx<SendInput & { id: string }>) {
				const { clientId, text, fileIds, embed, replyToSeq } = ctx.params;
				const { message, created } = await sendMessage(this.rt, me(ctx), ctx.params.id.toLowerCase(), { clientId, text, fileIds, embed, replyToSeq });
				ctx.meta.$statusCode = created ? 201 : 200;
				if (created) ctx.meta.$location = `/api/v1/messages/messages/${message.id}`;
				return message;
			}
		},

		message: {
			rest: "GET /messages/:id",
			openapi: { summary: "One message of a conversation I am in" },
			params: { id: uuid },
			handler(this: This, ctx: Ctx<{ id: string }>) {
				return getMessage(this.rt, me(ctx), ctx.params.id.toLowerCase());
			}
		},

		editMessage: {
			rest: "PATCH /messages/:id",
			openapi: { summary: "Edit my message's text within the edit window" },
			params: { id: uuid, text: { type: "string", min: 1, max: TEXT_MAX } },
			handler(this: This, ctx: Ctx<{ id: string; text: string }>) {
				return editMessage(this.rt, me(ctx), ctx.params.id.toLowerCase(), ctx.params.text);
			}
		},

		deleteMessage: {
			rest: "DELETE /messages/:id",
			openapi: { summary: "Delete for everyone (sender, or a group admin): a tombstone keeps its seq", status: 204 },
			params: { id: uuid },
			async handler(this: This, ctx: Ctx<{ id: string }>) {
				await deleteMessage(this.rt, me(ctx), ctx.params.id.toLowerCase());
				ctx.meta.$statusCode = 204;
				return null;
			}
		},

		react: {
			rest: "POST /messages/:id/reactions",
			openapi: { summary: "React with one emoji (one reaction per member: another emoji replaces mine)" },
			params: { id: uuid, emoji: { type: "string", min: 1, max: EMOJI_MAX_LENGTH } },
			handler(this: This, ctx: Ctx<{ id: string; emoji: string }>) {
				if (!isReactionEmoji(ctx.params.emoji)) throw MessagesError.notAnEmoji();
				return react(this.rt, me(ctx), ctx.params.id.toLowerCase(), ctx.params.emoji);
			}
		},

		unreact: {
			rest: "DELETE /messages/:id/reactions",
			openapi: { summary: "Take my reaction back", status: 204 },
			params: { id: uuid },
			async handler(this: This, ctx: Ctx<{ id: string }>) {
				await unreact(this.rt, me(ctx), ctx.params.id.toLowerCase());
				ctx.meta.$statusCode = 204;
				return null;
			}
		},

		read: {
			rest: "POST /conversations/:id/read",
			openapi: { summary: "I read up to seq (markers only move forward): { conversationId, readSeq, unreadCount }" },
			params: { id: uuid, seq: seqParam },
			handler(this: This, ctx: Ctx<{ id: string; seq: number }>) {
				return markRead(this.rt, me(ctx), ctx.params.id.toLowerCase(), ctx.params.seq);
			}
		},

		// ---- my settings ----
		settings: {
			rest: "GET /settings",
			openapi: { summary: "My messaging settings: { readReceipts }" },
			handler(this: This, ctx: Ctx) {
				return readSettings({ sequelize: this.rt.sequelize }, me(ctx));
			}
		},

		updateSettings: {
			rest: "PATCH /settings",
			openapi: { summary: "readReceipts: false stops telling others how far I read" },
			params: { readReceipts: { type: "boolean" } },
			async handler(this: This, ctx: Ctx<{ readReceipts: boolean }>) {
				const db = { sequelize: this.rt.sequelize };
				await writeSettings(db, me(ctx), { readReceipts: ctx.params.readReceipts });
				return readSettings(db, me(ctx));
			}
		},

		// ---- internal ----
		canReadFile: {
			visibility: "public",
			params: { fileId: uuid, userId: uuid, ref: { type: "string", max: 200 } },
			async handler(this: This, ctx: Context<{ fileId: string; userId: string; ref: string }>) {
				const conversationId = conversationOfRef(ctx.params.ref);
				if (!conversationId) return { allowed: false };
				return { allowed: Boolean(await findMember({ sequelize: this.rt.sequelize }, conversationId, ctx.params.userId.toLowerCase())) };
			}
		}
	},

	events: {
		"ws.client.frame": {
			handler(this: This, ctx: Context<{ userId: string; frame: { type?: string; conversationId?: unknown } }>) {
				if (ctx.params.frame?.type !== "typing") return;
				relayTyping(this.rt, this.typing, ctx.params.userId, ctx.params.frame).catch(err => this.logger.warn("typing relay failed", (err as Error).message));
			}
		}
	},

	started(this: This) {
		const cfg = loadMessagesConfig();
		this.typing = new TypingThrottle(cfg.typingIntervalMs);
		this.rt = {
			sequelize: this.sequelize,
			broker: this.broker,
			cfg,
			directConversations: new DirectConversations(),
			// The relay DurableEventsMixin runs for this schema.
			kickOutbox: () => (this as unknown as { outboxRelay?: { kick(): void } }).outboxRelay?.kick(),
			logger: this.logger
		};
	}
};

export default MessagesService;
