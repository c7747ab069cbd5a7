/** The recipient directory follows auth's account events and users' language (event-carried state). */
import type { EventData } from "../../../lib/events/catalogue";
import { forgetUser } from "../store/deliveries";
import { removeAllDevices } from "../store/devices";
import { deleteNotifications } from "../store/notifications";
import { deletePreferences } from "../store/preferences";
import { erase, findRecipient, markVerified, setLanguage, upsertRegistered } from "../store/recipients";
import type { Db } from "../../../lib/db/sql";
import { RecipientNotKnownYet } from "./errors";

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

/**
 * `users` owns the language from the registration on. Its event can overtake the
 * registration (another queue): then it waits (retried) so the registration's
 * language cannot overwrite the newer choice.
 */
export async function onProfileUpdated(db: Db, d: EventData<"users.profile.updated">): Promise<void> {
	if (!d.changed.includes("language")) return;
	const recipient = await findRecipient(db, d.userId);
	if (!recipient) throw new RecipientNotKnownYet(d.userId);
	if (!recipient.erased) await setLanguage(db, d.userId, d.language);
}
