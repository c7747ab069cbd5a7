/**
 * One ioredis connection per process and URL, shared by rate limits, session
 * revocations and feeds (the cacher keeps its own, managed by moleculer).
 */
import Redis from "ioredis";

const clients = new Map<string, { client: Redis; users: number }>();

export function acquireRedis(url: string): Redis {
	let entry = clients.get(url);
	if (!entry) {
		const client = new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
		// Errors surface through readiness; an unhandled 'error' event would crash the process.
		client.on("error", () => undefined);
		entry = { client, users: 0 };
		clients.set(url, entry);
	}
	entry.users += 1;
	return entry.client;
}

export async function releaseRedis(url: string): Promise<void> {
	const entry = clients.get(url);
	if (!entry) return;
	entry.users -= 1;
	if (entry.users <= 0) {
		clients.delete(url);
		await entry.client.quit().catch(() => entry.client.disconnect());
	}
}
