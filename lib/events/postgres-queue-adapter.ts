/**
 * A @moleculer/channels adapter for one-process mode, backed by PostgreSQL.
 *
 * It gives the same guarantees as the RabbitMQ queues it stands in for:
 * - a consumer group's queue is durable from its first subscription on
 *   (platform.channel_queues), so events published while the group's service
 *   is stopped wait for it, also across restarts;
 * - delivery is at least once: a message is deleted only after its handler
 *   succeeded; a crash mid-handler leaves it to be claimed again once its lock
 *   lapses;
 * - failures are retried with exponential backoff, then moved to
 *   platform.dead_letters.
 * A publish wakes its channel's consumers at once; one sweep per adapter
 * (every pollMs) finds the queues whose messages came due meanwhile (retries,
 * lapsed locks, rows another process wrote) and wakes only those — one query
 * however many consumers there are, instead of a claim per consumer per tick.
 */
import { EventEmitter } from "node:events";
import type { Sequelize } from "sequelize";
import { QueryTypes } from "sequelize";
import { afterFailure, DEFAULT_RETRY_POLICY, isTransient } from "./retry-policy";
const BaseAdapter = require("@moleculer/channels/src/adapters/base") as new (opts?: object) => ChannelsBaseAdapter;

export interface PostgresQueueOptions {
	sequelize: Sequelize;
	maxRetries?: number;
	/** First retry delay; doubles per attempt up to maxBackoffMs. */
	backoffMs?: number;
	maxBackoffMs?: number;
	/** How long a claimed message stays invisible to other consumers. */
	lockMs?: number;
	/** How often the one sweep looks for due messages (retries coming due, locks lapsed after a crash). */
	pollMs?: number;
	maxInFlight?: number;
}

interface Chan {
	id: string;
	name: string;
	group: string;
	maxInFlight?: number;
	maxRetries?: number;
	unsubscribing?: boolean;
	handler(payload: unknown, raw: unknown): Promise<unknown>;
}

interface ChannelsBaseAdapter {
	opts: Record<string, unknown> & { prefix?: string | null };
	logger: { debug(...a: unknown[]): void; info(...a: unknown[]): void; warn(...a: unknown[]): void; error(...a: unknown[]): void };
	broker: unknown;
	connected: boolean;
	init(broker: unknown, logger: unknown): void;
	addPrefixTopic(name: string): string;
	initChannelActiveMessages(id: string): void;
	stopChannelActiveMessages(id: string): void;
	addChannelActiveMessages(id: string, ids: unknown[]): void;
	removeChannelActiveMessages(id: string, ids: unknown[]): void;
}

interface Row {
	id: string;
	payload: unknown;
	attempts: number;
	created_at: Date;
}

interface Consumer {
	chan: Chan;
	running: boolean;
	busy: boolean;
	again: boolean;
	inFlight: Set<Promise<void>>;
}

export class PostgresQueueAdapter extends BaseAdapter {
	private readonly sequelize: Sequelize;
	private readonly settings: Required<Omit<PostgresQueueOptions, "sequelize">>;
	private readonly consumers = new Map<string, Consumer>();
	private readonly wakeups = new EventEmitter();
	private sweepTimer: NodeJS.Timeout | null = null;
	private sweeping = false;

	constructor(opts: PostgresQueueOptions) {
		super({ maxRetries: opts.maxRetries ?? 5 });
		this.sequelize = opts.sequelize;
		this.settings = {
			maxRetries: opts.maxRetries ?? 5,
			backoffMs: opts.backoffMs ?? 200,
			maxBackoffMs: opts.maxBackoffMs ?? 30_000,
			lockMs: opts.lockMs ?? 30_000,
			pollMs: opts.pollMs ?? 500,
			maxInFlight: opts.maxInFlight ?? 8
		};
		this.wakeups.setMaxListeners(0);
	}

	async connect(): Promise<void> {
		await this.sequelize.query("SELECT 1 FROM platform.channel_queues LIMIT 1");
		this.connected = true;
	}

	async disconnect(): Promise<void> {
		if (this.sweepTimer) clearInterval(this.sweepTimer);
		this.sweepTimer = null;
		for (const consumer of this.consumers.values()) await this.stopConsumer(consumer);
		this.connected = false;
	}

	async subscribe(chan: Chan): Promise<void> {
		await this.sequelize.query(
			"INSERT INTO platform.channel_queues (channel, grp) VALUES (:channel, :grp) ON CONFLICT DO NOTHING",
			{ replacements: { channel: chan.name, grp: chan.group } }
		);
		this.initChannelActiveMessages(chan.id);
		const consumer: Consumer = { chan, running: true, busy: false, again: false, inFlight: new Set() };
		this.consumers.set(chan.id, consumer);
		const wake = () => this.drain(consumer);
		this.wakeups.on(chan.name, wake);
		(consumer as Consumer & { wake: () => void }).wake = wake;
		if (!this.sweepTimer) {
			this.sweepTimer = setInterval(() => void this.sweep(), this.settings.pollMs);
			this.sweepTimer.unref();
		}
		void this.drain(consumer);
	}

	async unsubscribe(chan: Chan): Promise<void> {
		const consumer = this.consumers.get(chan.id);
		if (consumer) await this.stopConsumer(consumer);
	}

	/** Declares durable queues for groups that have not subscribed yet (see the event catalogue). */
	async declareQueues(channelName: string, groups: readonly string[]): Promise<void> {
		for (const grp of groups) {
			await this.sequelize.query(
				"INSERT INTO platform.channel_queues (channel, grp) VALUES (:channel, :grp) ON CONFLICT DO NOTHING",
				{ replacements: { channel: channelName, grp } }
			);
		}
	}

	/** One copy of the message per durable queue (consumer group) bound to the channel. */
	async publish(channelName: string, payload: unknown): Promise<void> {
		await this.sequelize.query(
			`INSERT INTO platform.channel_messages (channel, grp, payload)
			 SELECT channel, grp, CAST(:payload AS jsonb) FROM platform.channel_queues WHERE channel = :channel`,
			{ replacements: { channel: channelName, payload: JSON.stringify(payload) } }
		);
		this.wakeups.emit(channelName);
	}

	private async stopConsumer(consumer: Consumer) {
		consumer.running = false;
		consumer.chan.unsubscribing = true;
		this.wakeups.off(consumer.chan.name, (consumer as Consumer & { wake: () => void }).wake);
		// Let handlers that already started finish, so their messages are acknowledged.
		await Promise.allSettled([...consumer.inFlight]);
		this.stopChannelActiveMessages(consumer.chan.id);
		this.consumers.delete(consumer.chan.id);
	}

	/** Wakes the consumers of every queue holding a message that is due and not claimed. */
	private async sweep(): Promise<void> {
		if (this.sweeping || this.consumers.size === 0) return;
		this.sweeping = true;
		try {
			const due = await this.sequelize.query<{ channel: string; grp: string }>(
				`SELECT DISTINCT channel, grp FROM platform.channel_messages
				  WHERE available_at <= now() AND (locked_until IS NULL OR locked_until < now())`,
				{ type: QueryTypes.SELECT }
			);
			const ready = new Set(due.map(d => `${d.grp}\u0000${d.channel}`));
			for (const consumer of this.consumers.values())
				if (consumer.running && ready.has(`${consumer.chan.group}\u0000${consumer.chan.name}`)) void this.drain(consumer);
		} catch (err) {
			this.logger.warn("Sweeping the durable queues failed", (err as Error).message);
		} finally {
			this.sweeping = false;
		}
	}

	/** Claims and handles ready messages until the queue is empty or the consumer stops. */
	private async drain(consumer: Consumer): Promise<void> {
		if (!consumer.running) return;
		if (consumer.busy) {
			consumer.again = true;
			return;
		}
		consumer.busy = true;
		try {
			do {
				consumer.again = false;
				const capacity = (consumer.chan.maxInFlight ?? this.settings.maxInFlight) - consumer.inFlight.size;
				if (capacity <= 0) break;
				const rows = await this.claim(consumer.chan, capacity);
				for (const row of rows) {
					const p = this.handle(consumer.chan, row).finally(() => {
						consumer.inFlight.delete(p);
						if (consumer.running) void this.drain(consumer);
					});
					consumer.inFlight.add(p);
				}
				if (rows.length === capacity) consumer.again = true;
			} while (consumer.again && consumer.running);
		} catch (err) {
			if (consumer.running) this.logger.warn(`Claiming from ${consumer.chan.group}.${consumer.chan.name} failed`, err);
		} finally {
			consumer.busy = false;
		}
	}

	private async claim(chan: Chan, limit: number): Promise<Row[]> {
		return this.sequelize.query<Row>(
			`UPDATE platform.channel_messages m
			    SET locked_until = now() + (:lockMs || ' milliseconds')::interval, attempts = m.attempts + 1
			  WHERE m.id IN (
			        SELECT id FROM platform.channel_messages
			         WHERE channel = :channel AND grp = :grp AND available_at <= now()
			           AND (locked_until IS NULL OR locked_until < now())
			         ORDER BY id
			         LIMIT :limit
			         FOR UPDATE SKIP LOCKED)
			RETURNING m.id, m.payload, m.attempts, m.created_at`,
			{ replacements: { channel: chan.name, grp: chan.group, limit, lockMs: String(this.settings.lockMs) }, type: QueryTypes.SELECT }
		);
	}

	private async handle(chan: Chan, row: Row): Promise<void> {
		this.addChannelActiveMessages(chan.id, [row.id]);
		try {
			await chan.handler(row.payload, { id: row.id, attempts: row.attempts, redelivered: row.attempts > 1 });
			await this.sequelize.query("DELETE FROM platform.channel_messages WHERE id = :id", { replacements: { id: row.id } });
		} catch (err) {
			await this.fail(chan, row, err as Error).catch(e => this.logger.error("Recording a failed message failed", e));
		} finally {
			this.removeChannelActiveMessages(chan.id, [row.id]);
		}
	}

	private async fail(chan: Chan, row: Row, err: Error): Promise<void> {
		const policy = { ...DEFAULT_RETRY_POLICY, maxRetries: chan.maxRetries ?? this.settings.maxRetries, backoffMs: this.settings.backoffMs, maxBackoffMs: this.settings.maxBackoffMs };
		// The queue keeps no first-failure time; the message's age stands in for it (it is never younger).
		const decision = afterFailure(policy, { attempt: row.attempts, firstFailedAt: new Date(row.created_at).getTime(), now: Date.now(), transient: isTransient(err) });
		const error = `${err.name}: ${err.message}`.slice(0, 2000);
		if (decision.kind === "dead-letter") {
			this.logger.error(`Message ${row.id} on ${chan.group}.${chan.name} failed ${row.attempts} times; dead-lettered`, err);
			await this.sequelize.transaction(async t => {
				await this.sequelize.query(
					`INSERT INTO platform.dead_letters (channel, grp, payload, attempts, error)
					 SELECT channel, grp, payload, attempts, :error FROM platform.channel_messages WHERE id = :id`,
					{ replacements: { id: row.id, error }, transaction: t }
				);
				await this.sequelize.query("DELETE FROM platform.channel_messages WHERE id = :id", { replacements: { id: row.id }, transaction: t });
			});
			return;
		}
		this.logger.warn(`Message ${row.id} on ${chan.group}.${chan.name} failed (attempt ${row.attempts}); retry in ${decision.delayMs} ms: ${error}`);
		await this.sequelize.query(
			`UPDATE platform.channel_messages
			    SET locked_until = NULL, last_error = :error, available_at = now() + (:delay || ' milliseconds')::interval
			  WHERE id = :id`,
			{ replacements: { id: row.id, error, delay: String(decision.delayMs) } }
		);
	}
}
