/** The recipient directory follows auth's account events (event-carried state). */
import type { EventData } from "../../../lib/events/catalogue";
import { forgetUser } from "../store/deliveries";
import { removeAllDevices } from "../store/devices";
import { deleteNotifications } from "../store/notifications";
import { deletePreferences } from "../store/preferences";
import { erase, markVerified, upsertRegistered } from "../store/recipients";
import type { Db } from "../store/sql";

export async function onRegistered(db: Db, d: EventData<"auth.user.registered">): Promise<void> {
	await upsertRegistered(db, d);
}

export async function onVerified(db: Db, d: EventData<"auth.user.verified">): Promise<void> {
	await markVerified(db, d.userId, d.channel);
}

/** Everything personal goes: contact data, devices, preferences, notifications, delivery destinations. */
export async function onDeleted(db: Db, d: EventData<"auth.user.deleted">): Promise<void> {
	await erase(db, d.userId);
	await removeAllDevices(db, d.userId);
	await deletePreferences(db, d.userId);
	await deleteNotifications(db, d.userId);
	await forgetUser(db, d.userId);
}
