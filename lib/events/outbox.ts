/**
 * Transactional outbox: an event is written in the same transaction as the
 * state change it reports, then relayed to the durable bus. If the process
 * dies between commit and publish, the next relay pass (on any node running
 * the domain) publishes it; consumers deduplicate on the envelope id.
 */
import type { ServiceBroker } from "moleculer";
import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import { PollingLoop } from "../polling-loop";
import { backoffDelay } from "./retry-policy";
import { eventDefinition } from "./catalogue";
import { queueDeclarer } from "./channels";
import type { EventEnvelope } from "./envelope";

export async function writeToOutbox(sequelize: Sequelize, schema: string, t: Transaction, envelope: EventEnvelope): Promise<void> {
	await sequelize.query(`INSERT INTO "${schema}".outbox (id, type, envelope) VALUES (:id, :type, CAST(:envelope AS jsonb))`, {
		replacements: { id: envelope.id, type: envelope.type, envelope: JSON.stringify(envelope) },
		transaction: t
	});
}

/** Many envelopes in one INSERT (a batch of sales raising one event each). */
export async function writeManyToOutbox(sequelize: Sequelize, schema: string, t: Transaction, envelopes: readonly EventEnvelope[]): Promise<void> {
	if (envelopes.length === 0) return;
	await sequelize.query(
		`INSERT INTO "${schema}".outbox (id, type, envelope)
		 SELECT (e->>'id')::uuid, e->>'type', e FROM jsonb_array_elements(CAST(:envelopes AS jsonb)) AS e`,
		{ replacements: { envelopes: JSON.stringify(envelopes) }, transaction: t }
	);
}

interface OutboxRow {
	id: string;
	type: string;
	envelope: EventEnvelope;
	attempts: number;
}

export interface RelayOptions {
	batchSize?: number;
	pollMs?: number;
	/** Published rows older than this are deleted. */
	retentionHours?: number;
}

type Logger = { warn(...a: unknown[]): void; error(...a: unknown[]): void };

export class OutboxRelay extends PollingLoop {
	private lastPurge = 0;
	private readonly batchSize: number;
	private readonly retentionHours: number;

	constructor(
		private readonly broker: ServiceBroker,
		private readonly sequelize: Sequelize,
		private readonly schema: string,
		private readonly logger: Logger,
		opts: RelayOptions = {}
	) {
		super(opts.pollMs ?? 1000);
		this.batchSize = opts.batchSize ?? 100;
		this.retentionHours = opts.retentionHours ?? 72;
	}

	protected async pass(): Promise<boolean> {
		const n = await this.relayBatch();
		await this.purge();
		return n === this.batchSize;
	}

	protected passFailed(err: Error): void {
		this.logger.warn(`Outbox relay for ${this.schema} failed`, err.message);
	}

	/** Publishes one batch; rows stay locked (SKIP LOCKED) so relays on several nodes share the work. */
	private async relayBatch(): Promise<number> {
		const sendToChannel = (this.broker as unknown as { sendToChannel(n: string, p: unknown): Promise<void> }).sendToChannel;
		const declarer = queueDeclarer(this.broker);
		return this.sequelize.transaction(async t => {
			const rows = await this.sequelize.query<OutboxRow>(
				`SELECT id, type, envelope, attempts FROM "${this.schema}".outbox
				  WHERE published_at IS NULL AND next_attempt_at <= now()
				  ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED`,
				{ replacements: { limit: this.batchSize }, type: QueryTypes.SELECT, transaction: t }
			);
			// In id order, one at a time: consumers see a domain's events in the order they were raised.
			const published: string[] = [];
			for (const row of rows) {
				try {
					const consumers = eventDefinition(row.type)?.consumers ?? [];
					if (declarer && consumers.length) await declarer.declareQueues(row.type, consumers);
					await sendToChannel.call(this.broker, row.type, row.envelope);
					published.push(row.id);
				} catch (err) {
					const delay = backoffDelay(row.attempts + 1, 500, 60_000);
					await this.sequelize.query(
						`UPDATE "${this.schema}".outbox SET attempts = attempts + 1, last_error = :error,
						        next_attempt_at = now() + (:delay || ' milliseconds')::interval WHERE id = :id`,
						{ replacements: { id: row.id, error: String((err as Error).message).slice(0, 2000), delay: String(delay) }, transaction: t }
					);
				}
			}
			if (published.length)
				await this.sequelize.query(`UPDATE "${this.schema}".outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY(CAST(:ids AS uuid[]))`, {
					replacements: { ids: `{${published.join(",")}}` },
					transaction: t
				});
			return rows.length;
		});
	}

	private async purge(): Promise<void> {
		if (Date.now() - this.lastPurge < 60_000) return;
		this.lastPurge = Date.now();
		await this.sequelize.query(
			`DELETE FROM "${this.schema}".outbox WHERE published_at < now() - (:hours || ' hours')::interval`,
			{ replacements: { hours: String(this.retentionHours) } }
		);
	}
}
