/**
 * Calls to the other domains, in one place: users (who may message whom,
 * profile cards), files (claiming and releasing attachments) and the gateway
 * (frames to open sockets).
 */
import type { ServiceBroker } from "moleculer";
import type { ProfileCard } from "../view";

export type CanMessage = { allowed: boolean; reason?: "blocked" | "nobody" | "not_follower" };

export function canMessage(broker: ServiceBroker, senderId: string, recipientId: string): Promise<CanMessage> {
	return broker.call<CanMessage, { senderId: string; recipientId: string }>("users.canMessage", { senderId, recipientId });
}

export function profiles(broker: ServiceBroker, ids: string[]): Promise<Record<string, ProfileCard>> {
	if (ids.length === 0) return Promise.resolve({});
	return broker.call<Record<string, ProfileCard>, { ids: string[] }>("users.profiles", { ids });
}

/** Profile cards for display only: a conversation still lists when users cannot answer. */
export async function profilesOrNone(broker: ServiceBroker, ids: string[], log: { warn(...a: unknown[]): void }): Promise<Record<string, ProfileCard>> {
	try {
		return await profiles(broker, ids);
	} catch (err) {
		log.warn("users.profiles failed; conversations listed without profiles", (err as Error).message);
		return {};
	}
}

export function claimFiles(broker: ServiceBroker, ownerId: string, fileIds: string[], ref: string): Promise<unknown> {
	return broker.call("files.claim", { ownerId, fileIds, purpose: "message", ref });
}

export function releaseFiles(broker: ServiceBroker, fileIds: string[], ref: string): Promise<unknown> {
	return broker.call("files.release", { fileIds, ref });
}

export interface Frame {
	type: "message.new" | "message.updated" | "receipt" | "typing";
	data: unknown;
}

/**
 * A frame to every socket of these users, on whichever gateway node holds
 * them: the broadcast api.pushToUsers makes (services/api/README.md), sent
 * directly to save a hop. Best effort: clients catch up by seq.
 */
export function push(broker: ServiceBroker, userIds: string[], frame: Frame): void {
	if (userIds.length === 0) return;
	void broker.broadcast("api.ws.deliver", { userIds, frame }, { groups: ["api"] });
}
