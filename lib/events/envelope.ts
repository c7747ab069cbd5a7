/**
 * The envelope every durable event travels in (DESIGN.md §5). Consumers
 * deduplicate on `id`, so a redelivered event is processed once.
 */
import { newId } from "../ids";
import type { EventData, EventType } from "./catalogue";

export interface EventEnvelope<T extends EventType = EventType> {
	id: string;
	type: T;
	occurredAt: string;
	actorId: string | null;
	data: EventData<T>;
}

export function makeEnvelope<T extends EventType>(type: T, data: EventData<T>, actorId: string | null = null): EventEnvelope<T> {
	return { id: newId(), type, occurredAt: new Date().toISOString(), actorId, data };
}

const TYPE_PATTERN = /^[a-z][a-z0-9]*\.[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*$/;

/** `<domain>.<entity>.<past-tense verb>`, e.g. commerce.order.paid. */
export function isEventTypeName(type: string): boolean {
	return TYPE_PATTERN.test(type);
}
