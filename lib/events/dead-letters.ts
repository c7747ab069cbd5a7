/**
 * Operators' view of messages whose handlers kept failing: list them and put
 * them back on their consumer group's queue once the cause is fixed.
 * One-process mode keeps them in platform.dead_letters; split mode in the
 * namespace's RabbitMQ DEAD_LETTER queue.
 */
import amqplib from "amqplib";
import { QueryTypes } from "sequelize";
import type { ResolvedConfig } from "../config";
import { acquireSequelize, releaseSequelize } from "../db/connections";

export interface DeadLetter {
	id: string;
	channel: string;
	group: string;
	attempts: number;
	error: string | null;
	payload: unknown;
}

function dlqName(cfg: ResolvedConfig) {
	return `${cfg.namespace}.DEAD_LETTER`;
}

export async function listDeadLetters(cfg: ResolvedConfig, limit = 50): Promise<DeadLetter[]> {
	if (!cfg.transporter) {
		const s = acquireSequelize(cfg.databaseUrl);
		try {
			const rows = await s.query<{ id: string; channel: string; grp: string; attempts: number; error: string | null; payload: unknown }>(
				"SELECT id, channel, grp, attempts, error, payload FROM platform.dead_letters ORDER BY id LIMIT :limit",
				{ replacements: { limit }, type: QueryTypes.SELECT }
			);
			return rows.map(r => ({ id: String(r.id), channel: r.channel, group: r.grp, attempts: r.attempts, error: r.error, payload: r.payload }));
		} finally {
			await releaseSequelize(cfg.databaseUrl);
		}
	}
	// Peek: take messages without acknowledging, then close the channel so RabbitMQ requeues them.
	const conn = await amqplib.connect(cfg.transporter);
	try {
		const ch = await conn.createChannel();
		await ch.assertQueue(dlqName(cfg), { durable: true });
		const out: DeadLetter[] = [];
		for (let i = 0; i < limit; i++) {
			const msg = await ch.get(dlqName(cfg), { noAck: false });
			if (!msg) break;
			const h = msg.properties.headers ?? {};
			out.push({
				id: String(msg.fields.deliveryTag),
				channel: String(h["x-original-channel"] ?? ""),
				group: String(h["x-original-group"] ?? ""),
				attempts: Number(h["x-redelivered-count"] ?? 0),
				error: h["x-error"] ? String(h["x-error"]) : null,
				payload: JSON.parse(msg.content.toString())
			});
		}
		await ch.close();
		return out;
	} finally {
		await conn.close();
	}
}

/** Re-queues dead letters (all, or those whose channel contains `filter`). Returns how many. */
export async function retryDeadLetters(cfg: ResolvedConfig, filter?: string): Promise<number> {
	if (!cfg.transporter) {
		const s = acquireSequelize(cfg.databaseUrl);
		try {
			return await s.transaction(async t => {
				const moved = await s.query<{ id: string }>(
					`WITH moved AS (
					   DELETE FROM platform.dead_letters WHERE (:filter::text IS NULL OR channel LIKE '%' || :filter || '%') RETURNING channel, grp, payload)
					 INSERT INTO platform.channel_messages (channel, grp, payload) SELECT channel, grp, payload FROM moved RETURNING id`,
					{ replacements: { filter: filter ?? null }, type: QueryTypes.SELECT, transaction: t }
				);
				return moved.length;
			});
		} finally {
			await releaseSequelize(cfg.databaseUrl);
		}
	}
	const conn = await amqplib.connect(cfg.transporter);
	let n = 0;
	try {
		const ch = await conn.createConfirmChannel();
		await ch.assertQueue(dlqName(cfg), { durable: true });
		const keep: amqplib.GetMessage[] = [];
		for (;;) {
			const msg = await ch.get(dlqName(cfg), { noAck: false });
			if (!msg) break;
			const h = msg.properties.headers ?? {};
			const channel = String(h["x-original-channel"] ?? "");
			if (filter && !channel.includes(filter)) {
				keep.push(msg);
				continue;
			}
			ch.sendToQueue(`${h["x-original-group"]}.${channel}`, msg.content, { persistent: true, headers: { "x-redelivered-count": 0 } });
			await ch.waitForConfirms();
			ch.ack(msg);
			n++;
		}
		for (const msg of keep) ch.nack(msg, false, true);
		await ch.close();
	} finally {
		await conn.close();
	}
	return n;
}
