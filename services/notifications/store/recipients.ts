/**
 * The recipient directory: contact data and language as auth announced them
 * (auth.user.registered / verified / deleted). Notifications never asks auth.
 */
import type { ContactChannel, EventData, Language } from "../../../lib/events/catalogue";
import { execute, select, type Db } from "../../../lib/db/sql";

export interface Recipient {
	userId: string;
	phone: string | null;
	email: string | null;
	phoneVerified: boolean;
	emailVerified: boolean;
	language: Language;
	erased: boolean;
}

export async function upsertRegistered(db: Db, d: EventData<"auth.user.registered">): Promise<void> {
	await execute(
		db,
		`INSERT INTO notifications.recipients (user_id, phone, email, language, registered) VALUES (:userId, :phone, :email, :language, true)
		 ON CONFLICT (user_id) DO UPDATE SET phone = EXCLUDED.phone, email = EXCLUDED.email, language = EXCLUDED.language,
		   registered = true, updated_at = now()
		 WHERE recipients.erased_at IS NULL`,
		{ userId: d.userId, phone: d.phone, email: d.email, language: d.language }
	);
}

/** May arrive before the registration (another queue): the row is then created, and completed by it. */
export async function markVerified(db: Db, userId: string, channel: ContactChannel): Promise<void> {
	const column = channel === "sms" ? "phone_verified" : "email_verified";
	await execute(
		db,
		`INSERT INTO notifications.recipients (user_id, ${column}) VALUES (:userId, true)
		 ON CONFLICT (user_id) DO UPDATE SET ${column} = true, updated_at = now() WHERE recipients.erased_at IS NULL`,
		{ userId }
	);
}

export async function setLanguage(db: Db, userId: string, language: Language): Promise<void> {
	await execute(db, "UPDATE notifications.recipients SET language = :language, updated_at = now() WHERE user_id = :userId AND erased_at IS NULL", { userId, language });
}

/** Forgets the contact data; the row stays as a tombstone so later events for the user are dropped. */
export async function erase(db: Db, userId: string): Promise<void> {
	await execute(
		db,
		`INSERT INTO notifications.recipients (user_id, erased_at) VALUES (:userId, now())
		 ON CONFLICT (user_id) DO UPDATE SET phone = NULL, email = NULL, phone_verified = false, email_verified = false,
		   erased_at = now(), updated_at = now()`,
		{ userId }
	);
}

export async function findRecipient(db: Db, userId: string): Promise<Recipient | null> {
	const [r] = await select<{
		user_id: string;
		phone: string | null;
		email: string | null;
		phone_verified: boolean;
		email_verified: boolean;
		language: Language;
		registered: boolean;
		erased_at: Date | null;
	}>(
		db,
		"SELECT * FROM notifications.recipients WHERE user_id = :userId",
		{ userId }
	);
	// Known once registered (contact data and language are in), or once erased (a tombstone).
	if (!r || (!r.registered && !r.erased_at)) return null;
	return {
		userId: r.user_id,
		phone: r.phone,
		email: r.email,
		phoneVerified: r.phone_verified,
		emailVerified: r.email_verified,
		language: r.language,
		erased: r.erased_at !== null
	};
}
