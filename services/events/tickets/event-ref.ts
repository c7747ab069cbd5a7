/**
 * The few columns of an event (EVT's table, same schema) that tickets, keys and
 * scanners decide on: who organizes it, its state, and its times.
 */
import { select, type Db } from "../../../lib/db/sql";

export interface EventRef {
	id: string;
	organizer_id: string;
	title: string;
	status: "draft" | "published" | "happening" | "completed" | "cancelled";
	starts_at: Date;
	ends_at: Date;
}

/**
 * `share` keeps the event's status still while a ticket moves; `exclusive` (FOR NO KEY UPDATE)
 * serialises key rotations without blocking the foreign-key checks of bookings and check-ins.
 */
export async function eventRef(db: Db, id: string, lock: "share" | "exclusive" | null = null): Promise<EventRef | null> {
	const suffix = lock === "share" ? "FOR SHARE" : lock === "exclusive" ? "FOR NO KEY UPDATE" : "";
	const [row] = await select<EventRef>(db, `SELECT id, organizer_id, title, status, starts_at, ends_at FROM events.events WHERE id = :id ${suffix}`, { id });
	return row ?? null;
}

/** Events whose tickets can still be used, moved, or scanned. */
export const LIVE_STATUSES: ReadonlySet<EventRef["status"]> = new Set(["draft", "published", "happening"]);
