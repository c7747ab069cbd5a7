/** Push tokens of users' devices. A token belongs to one user: registering it again moves it. */
import { newId } from "../../../lib/ids";
import { execute, select, type Db } from "../../../lib/db/sql";

export type DevicePlatform = "android" | "ios" | "web";

export interface Device {
	id: string;
	userId: string;
	token: string;
	platform: DevicePlatform;
	createdAt: string;
}

interface Row {
	id: string;
	user_id: string;
	token: string;
	platform: DevicePlatform;
	created_at: Date;
}

const toDevice = (r: Row): Device => ({ id: r.id, userId: r.user_id, token: r.token, platform: r.platform, createdAt: new Date(r.created_at).toISOString() });

/** Registers (or re-registers) a token for this user; a phone that changed hands stops notifying its old owner. */
export async function registerDevice(db: Db, userId: string, token: string, platform: DevicePlatform): Promise<Device> {
	const [r] = await select<Row>(
		db,
		`INSERT INTO notifications.devices (id, user_id, token, platform) VALUES (:id, :userId, :token, :platform)
		 ON CONFLICT (token) DO UPDATE SET user_id = EXCLUDED.user_id, platform = EXCLUDED.platform, updated_at = now()
		 RETURNING id, user_id, token, platform, created_at`,
		{ id: newId(), userId, token, platform }
	);
	return toDevice(r);
}

export async function listDevices(db: Db, userId: string): Promise<Device[]> {
	return (await select<Row>(db, "SELECT id, user_id, token, platform, created_at FROM notifications.devices WHERE user_id = :userId ORDER BY created_at, id", { userId })).map(toDevice);
}

/** One of this user's devices; null for anyone else's. */
export async function findDevice(db: Db, userId: string, id: string): Promise<Device | null> {
	const [r] = await select<Row>(db, "SELECT id, user_id, token, platform, created_at FROM notifications.devices WHERE id = :id AND user_id = :userId", { id, userId });
	return r ? toDevice(r) : null;
}

/** Only the owner's own device; false when there is no such device of theirs. */
export async function removeDevice(db: Db, userId: string, id: string): Promise<boolean> {
	return (await execute(db, "DELETE FROM notifications.devices WHERE id = :id AND user_id = :userId", { id, userId })) > 0;
}

/** The provider said the token is dead (FCM UNREGISTERED). */
export async function removeToken(db: Db, token: string): Promise<void> {
	await execute(db, "DELETE FROM notifications.devices WHERE token = :token", { token });
}

export async function removeAllDevices(db: Db, userId: string): Promise<void> {
	await execute(db, "DELETE FROM notifications.devices WHERE user_id = :userId", { userId });
}
