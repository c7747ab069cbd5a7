/**
 * `notifications`: what reaches users, in-app and through SMS, email and push
 * (DESIGN.md §2, API.md "notifications", docs/notifications.md).
 *
 * Consumes durable events (channels, group "notifications"), each exactly once
 * (handleOnce): auth's account events (and users.profile.updated, for the
 * language) feed the recipient directory;
 * auth.otp.requested queues the code for its destination; every event with a
 * mapping (mappings/) becomes notifications. Deliveries are queued in the same
 * transaction and sent after the commit by the delivery worker.
 *
 * Public interface for other services and operators:
 *   action  notifications.deadDeliveries { limit? }          → dead deliveries (REPL notifications-dead)
 *   action  notifications.retryDeadDeliveries { ids?, channel? } → { requeued } (REPL notifications-retry)
 *   calls   api.pushToUser { userId, frame: { type: "notification", data } } (best effort)
 */
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import type { Sequelize } from "sequelize";
import "../api/action-options";
import type { GatewayUser } from "../api/action-options";
import { countBusiness } from "../../lib/observability/business-metrics";
import { platformConfig } from "../../lib/config";
import { badRequest, ErrorType, notFound, unauthorized } from "../../lib/errors";
import { consumerChannels, type WithChannels } from "../../lib/events/channels";
import type { EventEnvelope } from "../../lib/events/envelope";
import { paginationParams, readPage, toPage } from "../../lib/pagination";
import { DbMixin } from "../../mixins/db.mixin";
import { DurableEventsMixin, type DurableEventsMethods } from "../../mixins/durable-events.mixin";
import { loadNotificationsConfig, type NotificationsConfig } from "./config";
import { DeliveryWorker } from "./delivery-worker";
import { onDeleted, onProfileUpdated, onRegistered, onVerified } from "./ingest/directory";
import { notifyFromEvent, type NotifyResult } from "./ingest/notify";
import { queueOtp } from "./ingest/otp";
import "./mappings";
import { eventMapping, mappedEventTypes } from "./mappings/registry";
import { Notification, toView } from "./models/notification";
import { applyPatch, preferencesView, type PreferencesPatch } from "./preferences";
import { emailSender } from "./providers/email";
import { simulatorEndpoints } from "./providers/endpoints";
import { fcmSender } from "./providers/fcm";
import { smsSender } from "./providers/sms";
import type { EmailSender } from "./providers/types";
import { CATEGORIES, CHANNELS } from "./rules/channels";
import { listDead, requeueDead } from "./store/deliveries";
import { findDevice, listDevices, registerDevice, removeDevice, type Device, type DevicePlatform } from "./store/devices";
import { foreignIds, markRead, pageNotifications, unreadCount, type StoredNotification } from "./store/notifications";
import { loadPreferences, savePreferences } from "./store/preferences";
import type { Db } from "../../lib/db/sql";

const GROUP = "notifications";

type Meta = { user?: GatewayUser | null; $statusCode?: number; $location?: string };
type UserCtx<P = Record<string, never>> = Context<P, Meta>;

interface Locals {
	sequelize: Sequelize;
	cfg: NotificationsConfig;
	worker: DeliveryWorker;
	email: EmailSender;
}

interface Methods extends DurableEventsMethods {
	db(): Db;
	consume(envelope: EventEnvelope): Promise<void>;
	announce(items: StoredNotification[]): void;
}

type This = Locals & Methods & { broker: import("moleculer").ServiceBroker; logger: import("moleculer").Logger };

/** The caller, from the gateway (auth "required"); an internal call without one is refused. */
function userOf(ctx: UserCtx<unknown>): string {
	const id = ctx.meta.user?.userId;
	if (!id) throw unauthorized();
	return id;
}

const deviceView = (d: Device) => ({ id: d.id, platform: d.platform, tokenSuffix: d.token.slice(-8), createdAt: d.createdAt });

const flags = { type: "object", optional: true, strict: true, props: Object.fromEntries(CHANNELS.map(c => [c, "boolean|optional"])) };
const clock = { type: "string", optional: true, pattern: /^\d{2}:\d{2}$/ };

/** Events this service consumes besides the mapped ones. */
const DIRECTORY_EVENTS = ["auth.user.registered", "auth.user.verified", "auth.user.deleted", "users.profile.updated", "auth.otp.requested"];

const NotificationsService: WithChannels<ServiceSchema<ServiceSettingSchema, Methods, Locals>> & { merged(schema: ServiceSchema): void } = {
	name: "notifications",
	mixins: [DbMixin({ database: "notif", schema: "notifications", model: Notification }), DurableEventsMixin({ database: "notif", schema: "notifications" })],

	/**
	 * One durable consumer per event type, the mapped ones included: the set is
	 * read from the mapping registry when the service is created.
	 */
	merged(schema) {
		(schema as { channels?: unknown }).channels = consumerChannels(GROUP, [...DIRECTORY_EVENTS, ...mappedEventTypes()]);
	},

	actions: {
		listNotifications: {
			rest: "GET /",
			openapi: { summary: "My notifications, newest first" },
			params: { ...paginationParams, unread: { type: "boolean", optional: true, convert: true } },
			async handler(this: This, ctx: UserCtx<{ cursor?: string; limit?: number; unread?: boolean }>) {
				const { limit, after } = readPage<[string, string]>(ctx.params);
				if (after && !(Array.isArray(after) && after.length === 2 && after.every(v => typeof v === "string")))
					throw badRequest("Invalid cursor", ErrorType.INVALID_CURSOR);
				const rows = await pageNotifications(this.db(), userOf(ctx), limit + 1, after, ctx.params.unread === true);
				const page = toPage(rows, limit, n => [n.createdAt.toISOString(), n.id]);
				return { items: page.items.map(toView), nextCursor: page.nextCursor };
			}
		},

		unreadCount: {
			rest: "GET /unread-count",
			openapi: { summary: "How many of my notifications are unread" },
			async handler(this: This, ctx: UserCtx) {
				return { count: await unreadCount(this.db(), userOf(ctx)) };
			}
		},

		markRead: {
			rest: "POST /read",
			openapi: { summary: "Mark notifications read: { ids } or { all: true }" },
			params: {
				ids: { type: "array", items: "uuid", min: 1, max: 100, optional: true },
				all: { type: "equal", value: true, strict: true, optional: true }
			},
			async handler(this: This, ctx: UserCtx<{ ids?: string[]; all?: true }>) {
				const { ids, all } = ctx.params;
				if ((ids === undefined) === (all === undefined))
					throw badRequest("Send either ids or all: true", ErrorType.VALIDATION_ERROR, [{ field: "ids", type: "required", message: "either ids or all" }]);
				const userId = userOf(ctx);
				if (ids) {
					const unknown = await foreignIds(this.db(), userId, ids);
					if (unknown.length) throw notFound("Notification not found", "NOTIFICATION_NOT_FOUND", { ids: unknown });
				}
				const marked = await markRead(this.db(), userId, ids ?? "all");
				return { marked, count: await unreadCount(this.db(), userId) };
			}
		},

		getPreferences: {
			rest: "GET /preferences",
			openapi: { summary: "My channels per category and my quiet hours" },
			async handler(this: This, ctx: UserCtx) {
				return preferencesView(await loadPreferences(this.db(), userOf(ctx), this.cfg.defaultTimezone));
			}
		},

		updatePreferences: {
			rest: "PATCH /preferences",
			openapi: { summary: "Change channels per category and quiet hours" },
			params: {
				channels: { type: "object", optional: true, strict: true, props: Object.fromEntries(CATEGORIES.map(c => [c, flags])) },
				quietHours: {
					type: "object",
					optional: true,
					strict: true,
					props: { enabled: "boolean|optional", start: clock, end: clock, timezone: { type: "string", optional: true, min: 1, max: 64 } }
				}
			},
			async handler(this: This, ctx: UserCtx<PreferencesPatch>) {
				const userId = userOf(ctx);
				return this.sequelize.transaction(async t => {
					const db = { sequelize: this.sequelize, t };
					// Serialises concurrent patches of one user so neither overwrites the other.
					await this.sequelize.query("SELECT pg_advisory_xact_lock(hashtext(:key))", { replacements: { key: `notif-prefs:${userId}` }, transaction: t });
					const next = applyPatch(await loadPreferences(db, userId, this.cfg.defaultTimezone), ctx.params);
					await savePreferences(db, userId, next);
					return preferencesView(next);
				});
			}
		},

		listDevices: {
			rest: "GET /devices",
			openapi: { summary: "My devices registered for push" },
			async handler(this: This, ctx: UserCtx) {
				return { items: (await listDevices(this.db(), userOf(ctx))).map(deviceView) };
			}
		},

		registerDevice: {
			rest: "POST /devices",
			openapi: { summary: "Register this device's push token", status: 201 },
			params: { token: { type: "string", min: 16, max: 4096, trim: true }, platform: { type: "enum", values: ["android", "ios", "web"] } },
			async handler(this: This, ctx: UserCtx<{ token: string; platform: DevicePlatform }>) {
				const device = await registerDevice(this.db(), userOf(ctx), ctx.params.token, ctx.params.platform);
				ctx.meta.$statusCode = 201;
				ctx.meta.$location = `/api/v1/notifications/devices/${device.id}`;
				return deviceView(device);
			}
		},

		getDevice: {
			rest: "GET /devices/:id",
			openapi: { summary: "One of my devices" },
			params: { id: "uuid" },
			async handler(this: This, ctx: UserCtx<{ id: string }>) {
				const device = await findDevice(this.db(), userOf(ctx), ctx.params.id);
				if (!device) throw notFound("Device not found", "DEVICE_NOT_FOUND");
				return deviceView(device);
			}
		},

		removeDevice: {
			rest: "DELETE /devices/:id",
			openapi: { summary: "Stop push to one of my devices", status: 204 },
			params: { id: "uuid" },
			async handler(this: This, ctx: UserCtx<{ id: string }>) {
				if (!(await removeDevice(this.db(), userOf(ctx), ctx.params.id))) throw notFound("Device not found", "DEVICE_NOT_FOUND");
				ctx.meta.$statusCode = 204;
				return null;
			}
		},

		deadDeliveries: {
			visibility: "public",
			params: { limit: { type: "number", integer: true, min: 1, max: 1000, optional: true, convert: true } },
			async handler(this: This, ctx: Context<{ limit?: number }>) {
				return listDead(this.db(), ctx.params.limit ?? 50);
			}
		},

		retryDeadDeliveries: {
			visibility: "public",
			params: {
				ids: { type: "array", items: "uuid", min: 1, optional: true },
				channel: { type: "enum", values: ["sms", "email", "push"], optional: true }
			},
			async handler(this: This, ctx: Context<{ ids?: string[]; channel?: "sms" | "email" | "push" }>) {
				const requeued = await requeueDead(this.db(), ctx.params);
				if (requeued) this.worker.kick();
				return { requeued };
			}
		}
	},

	methods: {
		db(this: This): Db {
			return { sequelize: this.sequelize };
		},

		/** Every consumed event, once (handleOnce); effects leave the platform only after the commit. */
		async consume(this: This, envelope: EventEnvelope) {
			const result = await this.handleOnce(GROUP, envelope, async (t): Promise<NotifyResult> => {
				const db = { sequelize: this.sequelize, t };
				const nothing: NotifyResult = { inApp: [], queued: false };
				switch (envelope.type) {
					case "auth.user.registered":
						await onRegistered(db, (envelope as EventEnvelope<"auth.user.registered">).data);
						return nothing;
					case "auth.user.verified":
						await onVerified(db, (envelope as EventEnvelope<"auth.user.verified">).data);
						return nothing;
					case "auth.user.deleted":
						await onDeleted(db, (envelope as EventEnvelope<"auth.user.deleted">).data);
						return nothing;
					case "users.profile.updated":
						await onProfileUpdated(db, (envelope as EventEnvelope<"users.profile.updated">).data);
						return nothing;
					case "auth.otp.requested":
						await queueOtp(db, this.cfg, envelope as EventEnvelope<"auth.otp.requested">);
						return { inApp: [], queued: true };
				}
				const mapping = eventMapping(envelope.type);
				return mapping ? notifyFromEvent(db, this.cfg, envelope, mapping) : nothing;
			});
			if (!result.processed || !result.result) return;
			if (result.result.queued) this.worker.kick();
			for (const n of result.result.inApp) countBusiness(this.broker, "nexgate_notifications_created_total", { type: n.type });
			this.announce(result.result.inApp);
		},

		/** Real-time copy to open sockets: best effort, the list is the source of truth. */
		announce(this: This, items: StoredNotification[]) {
			for (const n of items) {
				this.broker
					.call("api.pushToUser", { userId: n.userId, frame: { type: "notification", data: toView(n) } })
					.catch(err => this.logger.debug("No real-time notification:", (err as Error).message));
			}
		}
	},

	created(this: This) {
		this.cfg = loadNotificationsConfig(process.env, platformConfig(this.broker));
		if (this.cfg.encryptionKeyIsDerived) this.logger.info("NOTIFICATIONS_ENCRYPTION_KEY is not set: using a key derived from the namespace (never in production).");
		const endpoints = simulatorEndpoints(this.broker);
		this.email = emailSender(this.cfg, endpoints);
		const senders = { sms: smsSender(this.cfg, endpoints), email: this.email, push: fcmSender(this.cfg, endpoints) };
		// The pool is bound when the DbMixin adapter connects (before started()): read it at each pass.
		this.worker = new DeliveryWorker(() => this.db(), this.cfg, senders, this.logger, (d, outcome) =>
			countBusiness(this.broker, "nexgate_notifications_deliveries_total", { channel: d.channel, outcome })
		);
	},

	started(this: This) {
		this.worker.start();
	},

	async stopped(this: This) {
		await this.worker.stop();
		this.email.close();
	}
};

export default NotificationsService;
