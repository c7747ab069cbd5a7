/**
 * A mapped event (mappings/) → for each recipient: the channels their
 * preferences and contact data allow, an in-app notification (grouped when
 * the mapping groups), and a queued delivery per external channel, due now or
 * when quiet hours end. Runs inside the consumer's transaction; nothing
 * leaves the platform before it commits.
 */
import type { EventEnvelope } from "../../../lib/events/envelope";
import type { NotificationsConfig } from "../config";
import type { EventMapping } from "../mappings/registry";
import { chooseChannels, deliverAt, effectivePrefs, isUrgent, type ExternalChannel } from "../rules/channels";
import { addActor, describeGroup, type Group } from "../rules/grouping";
import { render, type RenderedMessage } from "../rules/render";
import { listDevices } from "../store/devices";
import { queueDelivery, refreshQueued, type DeliveryContent } from "../store/deliveries";
import { insertNotification, openGroup, updateGroup, type StoredNotification } from "../store/notifications";
import { loadPreferences } from "../store/preferences";
import { findRecipient, type Recipient } from "../store/recipients";
import type { Db } from "../../../lib/db/sql";
import { template, type TemplateId } from "../templates";
import { RecipientNotKnownYet } from "./errors";

export interface NotifyResult {
	/** In-app notifications created or updated: pushed to open sockets after the commit. */
	inApp: StoredNotification[];
	/** Whether any delivery was queued (the worker is woken after the commit). */
	queued: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Mapping = EventMapping<any>;

export async function notifyFromEvent(db: Db, cfg: NotificationsConfig, envelope: EventEnvelope, mapping: Mapping): Promise<NotifyResult> {
	const result: NotifyResult = { inApp: [], queued: false };
	const now = new Date();
	for (const userId of new Set(mapping.recipients(envelope.data))) {
		const recipient = await findRecipient(db, userId);
		if (!recipient) throw new RecipientNotKnownYet(userId);
		if (recipient.erased) continue;
		await notifyOne(db, cfg, envelope, mapping, recipient, now, result);
	}
	return result;
}

async function notifyOne(db: Db, cfg: NotificationsConfig, envelope: EventEnvelope, mapping: Mapping, r: Recipient, now: Date, result: NotifyResult) {
	const prefs = await loadPreferences(db, r.userId, cfg.defaultTimezone);
	const devices = await listDevices(db, r.userId);
	const contacts = { phone: Boolean(r.phone && r.phoneVerified), email: Boolean(r.email && r.emailVerified) };
	const channels = chooseChannels({ category: mapping.category, prefs: effectivePrefs(prefs.overrides), contacts, devices: devices.length });
	if (channels.length === 0) return;

	let templateId: TemplateId = mapping.template;
	let params = mapping.params?.(envelope.data, r.language) ?? {};
	let group: Group | null = null;
	let existing: StoredNotification | null = null;
	if (mapping.group && channels.includes("inapp")) {
		existing = await openGroup(db, r.userId, mapping.group.key(envelope.data), new Date(now.getTime() - cfg.groupWindowMs));
		const joined = addActor(existing ? { actors: existing.actors ?? [], count: existing.actorCount } : null, mapping.group.actor(envelope.data));
		// The same person again (unlike, like): nothing new to tell.
		if (existing && !joined.added) return;
		group = joined.group;
		const described = describeGroup(group);
		templateId = mapping.group.templates[described.variant];
		params = { ...params, ...described.params };
	}
	const message = render(template(templateId), r.language, params);
	const data = mapping.data?.(envelope.data) ?? {};

	let notification: StoredNotification | null = null;
	if (channels.includes("inapp")) {
		notification = existing && group
			? await updateGroup(db, existing.id, { title: message.title, body: message.body, actors: group.actors, actorCount: group.count })
			: await insertNotification(db, {
					userId: r.userId,
					type: mapping.type,
					title: message.title,
					body: message.body,
					data,
					groupKey: mapping.group?.key(envelope.data) ?? null,
					actors: group?.actors ?? null,
					actorCount: group?.count ?? 1
			  });
		result.inApp.push(notification);
	}

	const pushData = { ...data, type: mapping.type, ...(notification ? { notificationId: notification.id } : {}) };
	const urgent = isUrgent(mapping.category);
	for (const channel of channels.filter((c): c is ExternalChannel => c !== "inapp")) {
		const destinations = channel === "push" ? devices.map(dv => dv.token) : [channel === "sms" ? r.phone! : r.email!];
		const content = contentFor(channel, message, pushData, mapping.group?.key(envelope.data));
		for (const destination of destinations) {
			// A grouped notification whose message still waits (quiet hours) gets that message updated instead of a second one.
			if (existing && notification && (await refreshQueued(db, notification.id, channel, destination, content))) continue;
			const queued = await queueDelivery(db, {
				eventId: envelope.id,
				notificationId: notification?.id ?? null,
				userId: r.userId,
				channel,
				destination,
				template: templateId,
				content,
				urgent,
				nextAttemptAt: deliverAt(channel, mapping.category, now, prefs.quietHours)
			});
			result.queued ||= queued;
		}
	}
}

function contentFor(channel: ExternalChannel, m: RenderedMessage, data: Record<string, string>, collapseKey?: string): DeliveryContent {
	if (channel === "sms") return { text: m.sms };
	if (channel === "email") return m.email;
	return { title: m.title, body: m.body, data, ...(collapseKey ? { collapseKey } : {}) };
}
