/**
 * Exactly-once processing on top of at-least-once delivery: the consumer
 * records the event id in its own schema in the same transaction as its
 * effects. A redelivered event finds its id taken and is skipped.
 */
import { QueryTypes, type Sequelize, type Transaction } from "sequelize";
import type { EventEnvelope } from "./envelope";

export async function consumeOnce<R>(
	sequelize: Sequelize,
	schema: string,
	consumer: string,
	envelope: EventEnvelope,
	work: (t: Transaction) => Promise<R>
): Promise<{ processed: boolean; result?: R }> {
	return sequelize.transaction(async t => {
		const inserted = await sequelize.query(
			`INSERT INTO "${schema}".processed_events (consumer, event_id) VALUES (:consumer, :id)
			 ON CONFLICT DO NOTHING RETURNING event_id`,
			{ replacements: { consumer, id: envelope.id }, type: QueryTypes.SELECT, transaction: t }
		);
		if (inserted.length === 0) return { processed: false };
		return { processed: true, result: await work(t) };
	});
}
