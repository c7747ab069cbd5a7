/**
 * Which channels a notification takes, and when.
 *
 * Preferences are per category × channel (the categories group notification
 * types the way users think about them). Urgent categories ignore quiet
 * hours; for the others push and SMS wait until the quiet hours end, while
 * the in-app list and email are never delayed (they do not wake anyone).
 */
import { quietHoursEnd, type QuietHours } from "./quiet-hours";

export const CHANNELS = ["inapp", "push", "sms", "email"] as const;
export type Channel = (typeof CHANNELS)[number];
/** Channels that leave the platform through a provider. */
export type ExternalChannel = Exclude<Channel, "inapp">;

/** Categories users set preferences on. One-time codes are not one of them: they always go out. */
export const CATEGORIES = ["security", "social", "commerce", "payment", "ticket", "message"] as const;
export type Category = (typeof CATEGORIES)[number];

/** Urgent: must reach the user now, whatever the hour. */
const URGENT = new Set<string>(["otp", "security", "payment", "ticket"]);

export function isUrgent(category: Category | "otp"): boolean {
	return URGENT.has(category);
}

export type ChannelPrefs = Record<Category, Record<Channel, boolean>>;
export type ChannelOverrides = Partial<Record<Category, Partial<Record<Channel, boolean>>>>;

const on = (inapp: boolean, push: boolean, sms: boolean, email: boolean) => ({ inapp, push, sms, email });

/** What a user gets before touching any preference. SMS costs money: only where it matters. */
export const DEFAULT_CHANNELS: ChannelPrefs = {
	security: on(true, true, true, true),
	social: on(true, true, false, false),
	commerce: on(true, true, false, true),
	payment: on(true, true, true, true),
	ticket: on(true, true, false, true),
	message: on(true, true, false, false)
};

/** Settings users cannot turn off: security alerts always reach the in-app list. */
const FORCED: ChannelOverrides = { security: { inapp: true } };

/** Where SMS is only a fallback for users without email (cost; email carries the detail). */
const SMS_ONLY_WITHOUT_EMAIL = new Set<Category>(["security", "payment"]);

export function effectivePrefs(overrides: ChannelOverrides | null | undefined): ChannelPrefs {
	const out = {} as ChannelPrefs;
	for (const c of CATEGORIES) out[c] = { ...DEFAULT_CHANNELS[c], ...(overrides?.[c] ?? {}), ...(FORCED[c] ?? {}) };
	return out;
}

export interface ChannelChoiceInput {
	category: Category;
	prefs: ChannelPrefs;
	/** Verified contact points of the recipient. */
	contacts: { phone: boolean; email: boolean };
	/** Push-capable devices registered. */
	devices: number;
}

export function chooseChannels({ category, prefs, contacts, devices }: ChannelChoiceInput): Channel[] {
	const p = prefs[category];
	const out: Channel[] = [];
	if (p.inapp) out.push("inapp");
	if (p.push && devices > 0) out.push("push");
	const email = p.email && contacts.email;
	if (email) out.push("email");
	if (p.sms && contacts.phone && !(email && SMS_ONLY_WITHOUT_EMAIL.has(category))) out.push("sms");
	return out;
}

/** When a delivery on this channel may go out: now, or when the recipient's quiet hours end. */
export function deliverAt(channel: ExternalChannel, category: Category | "otp", now: Date, quietHours: QuietHours): Date {
	if (isUrgent(category) || channel === "email") return now;
	return quietHoursEnd(now, quietHours) ?? now;
}
