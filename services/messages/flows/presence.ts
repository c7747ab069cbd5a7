/**
 * Who is online: a user holding an open socket on any gateway node. Each api
 * node answers for its own sockets (api.online), so every node is asked.
 * Used only to skip offline notifications for people who see the message
 * arrive on their socket; when a node does not answer in time its users
 * count as offline (a notification too many, never one too few).
 */
import type { ServiceBroker } from "moleculer";

const TIMEOUT_MS = 1000;

export async function onlineAmong(broker: ServiceBroker, userIds: string[], log: { warn(...a: unknown[]): void }): Promise<Set<string>> {
	if (userIds.length === 0) return new Set();
	const services = broker.registry.getServiceList({ onlyAvailable: true }) as unknown as Array<{ name: string; nodeID: string }>;
	const nodes = [...new Set(services.filter(s => s.name === "api").map(s => s.nodeID))];
	const answers = await Promise.all(
		nodes.map(nodeID =>
			broker.call<{ userIds: string[] }, { userIds: string[] }>("api.online", { userIds }, { nodeID, timeout: TIMEOUT_MS }).catch(err => {
				log.warn("api.online did not answer; its users count as offline", nodeID, (err as Error).message);
				return { userIds: [] as string[] };
			})
		)
	);
	return new Set(answers.flatMap(a => a.userIds));
}
