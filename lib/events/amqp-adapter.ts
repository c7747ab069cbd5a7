/**
 * @moleculer/channels' AMQP adapter with the guarantees DESIGN.md §5 asks for:
 * - every message (first publish and every retry) is persistent;
 * - a failed message is retried with exponential backoff (the stock adapter
 *   redelivers at once), then moved to the dead-letter queue;
 * - the durable queues of the consumers named in the event catalogue are
 *   declared before publishing, so an event raised while its consumer's node
 *   is down waits in RabbitMQ for it.
 */
import { backoffDelay } from "./postgres-queue-adapter";
const AmqpAdapter = require("@moleculer/channels/src/adapters/amqp") as new (opts: object) => StockAmqpAdapter;

const REDELIVERED = "x-redelivered-count";

interface AmqpMessage {
	content: Buffer;
	properties: { headers?: Record<string, unknown>; correlationId?: string };
	fields: { consumerTag: string; deliveryTag: number };
}

interface AmqpChannel {
	ack(msg: AmqpMessage): void;
	publish(exchange: string, routingKey: string, content: Buffer, opts: object): boolean;
	assertExchange(name: string, type: string, opts: object): Promise<unknown>;
	assertQueue(name: string, opts: object): Promise<unknown>;
	bindQueue(queue: string, exchange: string, pattern: string): Promise<unknown>;
}

interface Chan {
	id: string;
	name: string;
	group: string;
	maxRetries?: number;
	unsubscribing?: boolean;
	deadLettering: { enabled: boolean; queueName: string; exchangeName?: string };
	handler(payload: unknown, raw: unknown): Promise<unknown>;
}

interface StockAmqpAdapter {
	opts: { amqp: { queueOptions: object; exchangeOptions: object }; maxRetries: number };
	channel: AmqpChannel | null;
	connected: boolean;
	serializer: { deserialize(b: Buffer): unknown };
	logger: { warn(...a: unknown[]): void; error(...a: unknown[]): void };
	addChannelActiveMessages(id: string, ids: unknown[]): void;
	removeChannelActiveMessages(id: string, ids: unknown[]): void;
	publish(channelName: string, payload: unknown, opts?: object): Promise<void>;
}

export interface DurableAmqpOptions {
	url: string;
	prefetch: number;
	maxRetries?: number;
	backoffMs?: number;
	maxBackoffMs?: number;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

export class DurableAmqpAdapter extends AmqpAdapter {
	private readonly backoffMs: number;
	private readonly maxBackoffMs: number;
	private readonly declared = new Set<string>();

	constructor(opts: DurableAmqpOptions) {
		super({
			amqp: {
				url: opts.url,
				socketOptions: { noDelay: true },
				prefetch: opts.prefetch,
				queueOptions: { durable: true },
				exchangeOptions: { durable: true },
				messageOptions: { persistent: true },
				publishAssertExchange: { enabled: true, exchangeOptions: { durable: true } }
			},
			maxRetries: opts.maxRetries ?? 5,
			deadLettering: { enabled: true, queueName: "DEAD_LETTER", exchangeName: "DEAD_LETTER" }
		});
		this.backoffMs = opts.backoffMs ?? 200;
		this.maxBackoffMs = opts.maxBackoffMs ?? 30_000;
	}

	/**
	 * The stock check reads amqplib/package.json, which amqplib ≥ 1 no longer
	 * exports; the version is pinned in package.json instead (DESIGN.md §8).
	 */
	checkClientLibVersion(): boolean {
		return true;
	}

	/** Declares the durable queue of each named consumer group, bound to the channel's exchange. */
	async declareQueues(channelName: string, groups: readonly string[]): Promise<void> {
		if (!this.channel) throw new Error("AMQP channel not connected");
		for (const group of groups) {
			const queue = `${group}.${channelName}`;
			if (this.declared.has(queue)) continue;
			await this.channel.assertExchange(channelName, "fanout", this.opts.amqp.exchangeOptions);
			await this.channel.assertQueue(queue, this.opts.amqp.queueOptions);
			await this.channel.bindQueue(queue, channelName, "");
			this.declared.add(queue);
		}
	}

	createConsumerHandler(chan: Chan) {
		return async (msg: AmqpMessage) => {
			if (chan.unsubscribing || !this.channel) return;
			const channel = this.channel;
			const id = msg.properties.correlationId || `${msg.fields.consumerTag}:${msg.fields.deliveryTag}`;
			this.addChannelActiveMessages(chan.id, [id]);
			const redelivered = Number(msg.properties.headers?.[REDELIVERED] ?? 0);
			try {
				await chan.handler(this.serializer.deserialize(msg.content), msg);
				channel.ack(msg);
			} catch (err) {
				const attempt = redelivered + 1;
				const maxRetries = chan.maxRetries ?? this.opts.maxRetries;
				const headers = { ...msg.properties.headers, [REDELIVERED]: attempt };
				if (attempt > maxRetries) {
					this.logger.error(`Message on ${chan.group}.${chan.name} failed ${attempt} times; dead-lettered`, err);
					channel.publish(chan.deadLettering.exchangeName || "", chan.deadLettering.queueName, msg.content, {
						persistent: true,
						headers: { ...headers, "x-original-channel": chan.name, "x-original-group": chan.group, "x-error": String((err as Error).message).slice(0, 1000) }
					});
				} else {
					// Hold the message for the backoff, then put a persistent copy back on the group's queue.
					const delay = backoffDelay(attempt, this.backoffMs, this.maxBackoffMs);
					this.logger.warn(`Message on ${chan.group}.${chan.name} failed (attempt ${attempt}); retry in ${delay} ms`, (err as Error).message);
					await sleep(delay);
					channel.publish("", `${chan.group}.${chan.name}`, msg.content, { persistent: true, headers });
				}
				channel.ack(msg);
			} finally {
				this.removeChannelActiveMessages(chan.id, [id]);
			}
		};
	}
}
