/**
 * The durable message bus for domain events (DESIGN.md §5), one middleware
 * per broker: RabbitMQ queues when a transporter is configured, the
 * PostgreSQL-backed queues in one-process mode. Services declare consumers as
 * `channels: { "<event type>": { group, handler } }` and the outbox relay
 * publishes with `broker.sendToChannel`.
 */
import type { Middleware, ServiceBroker } from "moleculer";
import type { ResolvedConfig } from "../config";
import { acquireSequelize, releaseSequelize } from "../db/connections";
import { DurableAmqpAdapter } from "./amqp-adapter";
import { PostgresQueueAdapter } from "./postgres-queue-adapter";
const { Middleware: ChannelsMiddleware } = require("@moleculer/channels") as { Middleware: (opts: object) => Middleware & Hooks };

interface Hooks {
	created?(broker: ServiceBroker): void;
	stopped?(): Promise<void>;
}

export interface QueueDeclarer {
	/** Declares the durable queues of these consumer groups for an (unprefixed) event type. */
	declareQueues(eventType: string, groups: readonly string[]): Promise<void>;
}

const declarers = new WeakMap<ServiceBroker, QueueDeclarer>();

export function queueDeclarer(broker: ServiceBroker): QueueDeclarer | undefined {
	return declarers.get(broker);
}

export function channelsMiddleware(cfg: ResolvedConfig): Middleware {
	let adapter: (DurableAmqpAdapter | PostgresQueueAdapter) & { addPrefixTopic?(n: string): string };
	const release: Array<() => Promise<void>> = [];
	if (cfg.transporter) {
		adapter = new DurableAmqpAdapter({ url: cfg.transporter, prefetch: cfg.amqpPrefetch });
	} else {
		const sequelize = acquireSequelize(cfg.databaseUrl);
		release.push(() => releaseSequelize(cfg.databaseUrl));
		adapter = new PostgresQueueAdapter({ sequelize });
	}
	const inner = ChannelsMiddleware({ adapter, sendMethodName: "sendToChannel", context: false });
	return {
		...inner,
		name: "DurableChannels",
		created(broker: ServiceBroker) {
			inner.created?.(broker);
			const prefixed = (type: string) => (adapter as unknown as { addPrefixTopic(n: string): string }).addPrefixTopic(type);
			declarers.set(broker, { declareQueues: (type, groups) => adapter.declareQueues(prefixed(type), groups) });
		},
		async stopped() {
			await inner.stopped?.();
			for (const r of release) await r();
		}
	} as Middleware;
}

/** A durable consumer declared on a service (see @moleculer/channels). */
export interface ChannelConsumer<TThis = unknown> {
	/** Consumer group: the service name, so each service gets every event once. */
	group: string;
	maxRetries?: number;
	maxInFlight?: number;
	handler(this: TThis, payload: never, raw: unknown): Promise<void>;
}

/** A service schema with durable consumers. */
export type WithChannels<S> = S & { channels?: Record<string, ChannelConsumer> };

/**
 * The `channels` of a service that handles every consumed event in one
 * method: each type, in the service's consumer group, goes to `this.consume`.
 */
export function consumerChannels(group: string, types: readonly string[]): Record<string, { group: string; handler(envelope: unknown): Promise<void> }> {
	return Object.fromEntries(
		types.map(type => [
			type,
			{
				group,
				handler(this: { consume(envelope: unknown): Promise<void> }, envelope: unknown) {
					return this.consume(envelope);
				}
			}
		])
	);
}
