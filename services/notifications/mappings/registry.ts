/**
 * Which durable events become notifications, and how: the one table a new
 * domain extends when its events should reach users. The service subscribes
 * to every event type registered here when it is created, so a mapping must be
 * registered before that (production mappings are imported by the service;
 * test fixtures register theirs from test/fixtures/notifications.ts).
 */
import type { EventData, EventType, Language } from "../../../lib/events/catalogue";
import type { Actor } from "../rules/grouping";
import type { Category } from "../rules/channels";
import type { TemplateId } from "../templates";

export interface EventMapping<T extends EventType = EventType> {
	/** Notification.type, `<category>.<what>`. */
	type: string;
	category: Category;
	template: TemplateId;
	/** Users to notify (empty: nothing to send). */
	recipients(data: EventData<T>): string[];
	/** Template variables, in the recipient's language. */
	params?(data: EventData<T>, lang: Language): Record<string, string>;
	/** Notification.data: ids the client needs to open the right screen. Strings only (they ride in push data too). */
	data?(data: EventData<T>): Record<string, string>;
	/** Repeated activity on one object shares one notification (rules/grouping.ts). */
	group?: {
		key(data: EventData<T>): string;
		actor(data: EventData<T>): Actor;
		/** Template per group size. */
		templates: { one: TemplateId; two: TemplateId; many: TemplateId };
	};
}

// Stored without the event type: each mapping is only ever called with the data of its own event.
type AnyMapping = EventMapping<EventType> & { [k: string]: unknown };
const mappings = new Map<string, AnyMapping>();

export function registerEventMapping<T extends EventType>(eventType: T, mapping: EventMapping<T>): void {
	const existing = mappings.get(eventType);
	if (existing && existing !== (mapping as unknown)) throw new Error(`notification mapping for ${eventType} is registered twice`);
	mappings.set(eventType, mapping as unknown as AnyMapping);
}

export function eventMapping(eventType: string): AnyMapping | undefined {
	return mappings.get(eventType);
}

export function mappedEventTypes(): string[] {
	return [...mappings.keys()].sort();
}
