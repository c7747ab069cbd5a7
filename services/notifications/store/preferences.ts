/** Per-user channel preferences (overrides of the defaults) and quiet hours. */
import type { ChannelOverrides } from "../rules/channels";
import type { QuietHours } from "../rules/quiet-hours";
import { execute, select, type Db } from "../../../lib/db/sql";

export interface StoredPreferences {
	overrides: ChannelOverrides;
	quietHours: QuietHours;
}

interface Row {
	channels: ChannelOverrides;
	quiet_enabled: boolean;
	quiet_start: number;
	quiet_end: number;
	timezone: string | null;
}

/** A user who never saved preferences gets the defaults, in the platform's default zone. */
export async function loadPreferences(db: Db, userId: string, defaultTimezone: string): Promise<StoredPreferences> {
	const [r] = await select<Row>(db, "SELECT channels, quiet_enabled, quiet_start, quiet_end, timezone FROM notifications.preferences WHERE user_id = :userId", { userId });
	return {
		overrides: r?.channels ?? {},
		quietHours: {
			enabled: r?.quiet_enabled ?? false,
			start: r?.quiet_start ?? 22 * 60,
			end: r?.quiet_end ?? 7 * 60,
			timezone: r?.timezone ?? defaultTimezone
		}
	};
}

export async function savePreferences(db: Db, userId: string, p: StoredPreferences): Promise<void> {
	await execute(
		db,
		`INSERT INTO notifications.preferences (user_id, channels, quiet_enabled, quiet_start, quiet_end, timezone)
		 VALUES (:userId, CAST(:channels AS jsonb), :enabled, :start, :end, :timezone)
		 ON CONFLICT (user_id) DO UPDATE SET channels = EXCLUDED.channels, quiet_enabled = EXCLUDED.quiet_enabled,
		   quiet_start = EXCLUDED.quiet_start, quiet_end = EXCLUDED.quiet_end, timezone = EXCLUDED.timezone, updated_at = now()`,
		{
			userId,
			channels: JSON.stringify(p.overrides),
			enabled: p.quietHours.enabled,
			start: p.quietHours.start,
			end: p.quietHours.end,
			timezone: p.quietHours.timezone
		}
	);
}

export async function deletePreferences(db: Db, userId: string): Promise<void> {
	await execute(db, "DELETE FROM notifications.preferences WHERE user_id = :userId", { userId });
}
