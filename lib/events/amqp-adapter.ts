/**
 * @moleculer/channels' AMQP adapter with the guarantees DESIGN.md §5 asks for:
 * - every message (first publish and every retry) is persistent, and a
 *   publish resolves only once RabbitMQ has confirmed it (a confirm channel):
 *   the outbox marks an event published only when the broker has it, so a
 *   publish caught by a broker restart is retried, never lost;
 * - a failed message is retried with backoff (the stock adapter redelivers at
 *   once) under lib/events/retry-policy.ts, then moved to the dead-letter queue;
 * - the durable queues of the consumers named in the event catalogue are
 *   declared before publishing, so an event raised while its consumer's node
 *   is down waits in RabbitMQ for it;
 * - recovery from a broker restart or a broken channel is whole: a message
 *   is acknowledged on the channel that delivered it, a channel closed under
 *   a live connection takes the connection down with it (so the stock
 *   reconnect re-subscribes every consumer), and a reconnect that fails half
 *   way closes its connection instead of leaving consumers on it.
 */
import { afterFailure, DEFAULT_RETRY_POLICY, isTransient, type RetryPolicy } from "./retry-policy";
const AmqpAdapter = require("@moleculer/channels/src/adapters/amqp") as new (opts: object) => StockAmqpAdapter;

const REDELIVERED = "x-redelivered-count";
const FIRST_FAILED_AT = "x-first-failed-at";

interface AmqpMessage {
	content: Buffer;
	properties: { headers?: Record<string, unknown>; correlationId?: string };
	fields: { consumerTag: string; deliveryTag: number };
}

interface AmqpChannel {
	ack(msg: AmqpMessage): void;
	publish(exchange: string, routingKey: string, content: Buffer, opts: object, cb?: (err: Error | null) => void): boolean;
	assertExchange(name: string, type: string, opts: object): Promise<unknown>;
	assertQueue(name: string, opts: object): Promise<unknown>;
	bindQueue(queue: string, exchange: string, pattern: string): Promise<unknown>;
	on(event: "close" | "error", listener: (err?: Error) => void): unknown;
}

interface AmqpConnection {
	createConfirmChannel(): Promise<AmqpChannel>;
	close(): Promise<void>;
	removeAllListeners(event: string): unknown;
	on(event: "error", listener: (err: Error) => void): unknown;
}

interface DeadLettering {
	enabled: boolean;
	queueName: string;
	exchangeName?: string;
}

interface Chan {
	id: string;
	name: string;
	group: string;
	maxRetries?: number;
	unsubscribing?: boolean;
	deadLettering?: DeadLettering;
	handler(payload: unknown, raw: unknown): Promise<unknown>;
}

interface StockAmqpAdapter {
	opts: { amqp: { queueOptions: object; exchangeOptions: object }; maxRetries: number };
	connection: AmqpConnection | null;
	channel: AmqpChannel | null;
	connected: boolean;
	stopping: boolean;
	serializer: { serialize(p: unknown): Buffer; deserialize(b: Buffer): unknown };
	logger: { info(...a: unknown[]): void; warn(...a: unknown[]): void; error(...a: unknown[]): void };
	addChannelActiveMessages(id: string, ids: unknown[]): void;
	removeChannelActiveMessages(id: string, ids: unknown[]): void;
	tryConnect(): Promise<void>;
	subscribe(chan: Chan): Promise<void>;
	resubscribeAllChannels(): Promise<void>;
}

export interface DurableAmqpOptions {
	url: string;
	prefetch: number;
	maxRetries?: number;
	backoffMs?: number;
	maxBackoffMs?: number;
	outageWindowMs?: number;
}

export interface PublishOptions {
	raw?: boolean;
	routingKey?: string;
	correlationId?: string;
	headers?: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

export class DurableAmqpAdapter extends AmqpAdapter {
	private readonly policy: RetryPolicy;
	/** Exchanges and queues declared on the current connection (a new connection declares again). */
	private readonly declared = new Set<string>();
	/** Publishes go through their own channel in confirm mode. */
	private confirmChannel: AmqpChannel | null = null;
	/** Each consumer's own dead-letter settings, before the stock subscribe prefixes them in place. */
	private readonly deadLetterSettings = new Map<string, DeadLettering | undefined>();

	constructor(opts: DurableAmqpOptions) {
		super({
			amqp: {
				url: opts.url,
				socketOptions: { noDelay: true },
				prefetch: opts.prefetch,
				queueOptions: { durable: true },
				exchangeOptions: { durable: true },
				messageOptions: { persistent: true }
			},
			maxRetries: opts.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
			deadLettering: { enabled: true, queueName: "DEAD_LETTER", exchangeName: "DEAD_LETTER" }
		});
		this.policy = {
			maxRetries: opts.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
			backoffMs: opts.backoffMs ?? DEFAULT_RETRY_POLICY.backoffMs,
			maxBackoffMs: opts.maxBackoffMs ?? DEFAULT_RETRY_POLICY.maxBackoffMs,
			outageWindowMs: opts.outageWindowMs ?? DEFAULT_RETRY_POLICY.outageWindowMs
		};
	}

	/**
	 * The stock check reads amqplib/package.json, which amqplib ≥ 1 no longer
	 * exports; the version is pinned in package.json instead (DESIGN.md §8).
	 */
	checkClientLibVersion(): boolean {
		return true;
	}

	override async tryConnect(): Promise<void> {
		this.declared.clear();
		this.confirmChannel = null;
		try {
			await super.tryConnect();
			const connection = this.connection as AmqpConnection;
			this.watchChannel(connection, this.channel as AmqpChannel);
			this.confirmChannel = await connection.createConfirmChannel();
			this.watchChannel(connection, this.confirmChannel);
		} catch (err) {
			// The stock connect loop retries on its own; this attempt's connection must not live on beside
			// the next one (its consumers would hold messages nobody acknowledges). Its close listener
			// would start a second reconnect loop, so it goes first.
			const connection = this.connection;
			this.connection = null;
			this.channel = null;
			this.connected = false;
			if (connection) {
				connection.removeAllListeners("close");
				await connection.close().catch(() => undefined);
			}
			throw err;
		}
	}

	/**
	 * RabbitMQ closes a channel (not the connection) on a channel-level error.
	 * Left alone, its consumers would be gone while the adapter believed itself
	 * connected; closing the connection sends it through the stock reconnect,
	 * which re-subscribes everything.
	 */
	private watchChannel(connection: AmqpConnection, channel: AmqpChannel): void {
		channel.on("error", () => undefined); // the close that follows is what matters; the stock handler logs it
		channel.on("close", () => {
			// A closing connection closes its channels first; by the next turn its own close handler has
			// marked the adapter disconnected, and that case is the stock reconnect's.
			setImmediate(() => {
				if (this.stopping || !this.connected || this.connection !== connection) return;
				this.logger.warn("An AMQP channel closed under a live connection: reconnecting to re-subscribe every consumer");
				void connection.close().catch(() => undefined);
			});
		});
	}

	override async subscribe(chan: Chan): Promise<void> {
		// The stock subscribe prefixes the dead-letter names in place; a re-subscription starts from the originals.
		if (!this.deadLetterSettings.has(chan.id)) this.deadLetterSettings.set(chan.id, chan.deadLettering && { ...chan.deadLettering });
		const own = this.deadLetterSettings.get(chan.id);
		chan.deadLettering = own && { ...own };
		await super.subscribe(chan);
	}

	/**
	 * Publishes persistently and resolves when RabbitMQ confirms the message.
	 * Refuses (so the caller keeps it for later) while disconnected or stopping.
	 */
	async publish(channelName: string, payload: unknown, opts: PublishOptions = {}): Promise<void> {
		const channel = this.confirmChannel;
		if (this.stopping || !this.connected || !channel) throw new Error("AMQP is not connected; the message was not published");
		if (!this.declared.has(`exchange:${channelName}`)) {
			await channel.assertExchange(channelName, "fanout", this.opts.amqp.exchangeOptions);
			this.declared.add(`exchange:${channelName}`);
		}
		const data = opts.raw ? (payload as Buffer) : this.serializer.serialize(payload);
		await new Promise<void>((resolve, reject) => {
			try {
				channel.publish(channelName, opts.routingKey ?? "", data, { persistent: true, correlationId: opts.correlationId, headers: opts.headers }, err =>
					err ? reject(err) : resolve()
				);
			} catch (err) {
				reject(err as Error); // the channel closed between the check and the write
			}
		});
	}

	/** Declares the durable queue of each named consumer group, bound to the channel's exchange. */
	async declareQueues(channelName: string, groups: readonly string[]): Promise<void> {
		const channel = this.confirmChannel;
		if (!channel) throw new Error("AMQP channel not connected");
		for (const group of groups) {
			const queue = `${group}.${channelName}`;
			if (this.declared.has(queue)) continue;
			await channel.assertExchange(channelName, "fanout", this.opts.amqp.exchangeOptions);
			await channel.assertQueue(queue, this.opts.amqp.queueOptions);
			await channel.bindQueue(queue, channelName, "");
			this.declared.add(queue);
		}
	}

	createConsumerHandler(chan: Chan) {
		// Called while subscribing: the channel the consumer is on, which is where its messages are acknowledged.
		const channel = this.channel as AmqpChannel;
		return async (msg: AmqpMessage) => {
			if (chan.unsubscribing) return;
			const id = msg.properties.correlationId || `${msg.fields.consumerTag}:${msg.fields.deliveryTag}`;
			this.addChannelActiveMessages(chan.id, [id]);
			try {
				await chan.handler(this.serializer.deserialize(msg.content), msg);
				channel.ack(msg);
			} catch (err) {
				await this.failed(channel, chan, msg, err as Error);
			} finally {
				this.removeChannelActiveMessages(chan.id, [id]);
			}
		};
	}

	/**
	 * Retries after the policy's backoff (a persistent copy back on the group's
	 * queue, with the count and the first failure's time), or dead-letters. If
	 * the channel is gone meanwhile, nothing is acknowledged and RabbitMQ
	 * redelivers the original.
	 */
	private async failed(channel: AmqpChannel, chan: Chan, msg: AmqpMessage, err: Error): Promise<void> {
		const attempt = Number(msg.properties.headers?.[REDELIVERED] ?? 0) + 1;
		const firstFailedAt = Number(msg.properties.headers?.[FIRST_FAILED_AT] ?? Date.now());
		const policy = { ...this.policy, maxRetries: chan.maxRetries ?? this.policy.maxRetries };
		const decision = afterFailure(policy, { attempt, firstFailedAt, now: Date.now(), transient: isTransient(err) });
		const headers = { ...msg.properties.headers, [REDELIVERED]: attempt, [FIRST_FAILED_AT]: firstFailedAt };
		try {
			if (decision.kind === "dead-letter") {
				this.logger.error(`Message on ${chan.group}.${chan.name} failed ${attempt} times; dead-lettered`, err);
				const dl = chan.deadLettering as DeadLettering;
				channel.publish(dl.exchangeName || "", dl.queueName, msg.content, {
					persistent: true,
					headers: { ...headers, "x-original-channel": chan.name, "x-original-group": chan.group, "x-error": String(err.message).slice(0, 1000) }
				});
			} else {
				this.logger.warn(`Message on ${chan.group}.${chan.name} failed (attempt ${attempt}); retry in ${decision.delayMs} ms`, err.message);
				await sleep(decision.delayMs);
				channel.publish("", `${chan.group}.${chan.name}`, msg.content, { persistent: true, headers });
			}
			channel.ack(msg);
		} catch (publishErr) {
			this.logger.warn(`Could not requeue a failed message on ${chan.group}.${chan.name}; RabbitMQ will redeliver it`, (publishErr as Error).message);
		}
	}
}
