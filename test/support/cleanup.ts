/**
 * What a split run leaves in RabbitMQ and Redis, removed when it ends: the
 * durable queues and exchanges of its namespace (consumer groups, dead
 * letters, transporter queues) and the Redis keys under its prefixes.
 */
import { execFileSync } from "node:child_process";
import amqplib from "amqplib";
import Redis from "ioredis";

function rabbitNames(kind: "queues" | "exchanges"): string[] {
	try {
		return execFileSync("rabbitmqctl", [`list_${kind}`, "name", "-q", "--no-table-headers"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
			.split("\n")
			.map(l => l.trim())
			.filter(Boolean);
	} catch {
		return []; // rabbitmqctl is not on this machine: queues of the run expire or stay, nothing breaks.
	}
}

const ofRun = (namespace: string) => (name: string) =>
	name.startsWith(`${namespace}.`) || name.includes(`.${namespace}.`) || name.startsWith(`MOL-${namespace}.`) || name.startsWith(`MOL-${namespace}`);

export async function cleanRabbit(amqpUrl: string, namespace: string): Promise<number> {
	const match = ofRun(namespace);
	const queues = rabbitNames("queues").filter(match);
	const exchanges = rabbitNames("exchanges").filter(match);
	if (!queues.length && !exchanges.length) return 0;
	const conn = await amqplib.connect(amqpUrl);
	try {
		for (const q of queues) {
			const ch = await conn.createChannel();
			await ch.deleteQueue(q).catch(() => undefined);
			await ch.close().catch(() => undefined);
		}
		for (const x of exchanges) {
			const ch = await conn.createChannel();
			await ch.deleteExchange(x).catch(() => undefined);
			await ch.close().catch(() => undefined);
		}
	} finally {
		await conn.close();
	}
	return queues.length + exchanges.length;
}

export async function cleanRedis(redisUrl: string, namespace: string): Promise<number> {
	const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
	await redis.connect();
	let removed = 0;
	try {
		let cursor = "0";
		do {
			const [next, keys] = await redis.scan(cursor, "MATCH", `*${namespace}*`, "COUNT", 1000);
			cursor = next;
			if (keys.length) removed += await redis.del(...keys);
		} while (cursor !== "0");
	} finally {
		redis.disconnect();
	}
	return removed;
}
