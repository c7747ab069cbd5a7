/**
 * One payment, several escrows: an intent's amount is split into allocations,
 * each for one purpose (an order of a multi-shop checkout) with its own payee.
 * Every intent has at least one; intents made before this migration get the
 * one their purpose and payee already describe.
 */
import type { MigrationContext } from "../../../lib/db/migrator";

export async function up({ sequelize, schema: s }: MigrationContext): Promise<void> {
	await sequelize.query(`
		CREATE TABLE "${s}".intent_allocations (
			intent_id uuid NOT NULL REFERENCES "${s}".payment_intents (id),
			position smallint NOT NULL,
			purpose_type text NOT NULL CHECK (purpose_type IN ('order', 'booking')),
			purpose_id uuid NOT NULL,
			payee_id uuid,
			amount bigint NOT NULL CHECK (amount > 0),
			PRIMARY KEY (intent_id, position),
			UNIQUE (intent_id, purpose_type, purpose_id)
		)`);
	await sequelize.query(`CREATE INDEX intent_allocations_purpose_idx ON "${s}".intent_allocations (purpose_type, purpose_id)`);
	await sequelize.query(`
		INSERT INTO "${s}".intent_allocations (intent_id, position, purpose_type, purpose_id, payee_id, amount)
		SELECT id, 0, purpose_type, purpose_id, payee_id, amount FROM "${s}".payment_intents`);
}

export async function down({ sequelize, schema: s }: MigrationContext): Promise<void> {
	await sequelize.query(`DROP TABLE IF EXISTS "${s}".intent_allocations`);
}
