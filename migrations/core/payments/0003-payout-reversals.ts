/**
 * Refunds by M-Pesa Transaction Reversal: a reversal is a payout row (same
 * reservation in payouts:in_flight, same exactly-once finish) whose `rail` is
 * `reversal` and which names the receipt it gives back. The index answers
 * "how much of this receipt is already reversed or being reversed".
 */
import type { MigrationContext } from "../../../lib/db/migrator";

export async function up({ sequelize, schema: s }: MigrationContext): Promise<void> {
	await sequelize.query(`ALTER TABLE "${s}".payouts ADD COLUMN rail text NOT NULL DEFAULT 'payout' CHECK (rail IN ('payout', 'reversal'))`);
	await sequelize.query(`ALTER TABLE "${s}".payouts ADD COLUMN original_receipt text`);
	await sequelize.query(`ALTER TABLE "${s}".payouts ADD CONSTRAINT payouts_reversal_receipt CHECK (rail <> 'reversal' OR original_receipt IS NOT NULL)`);
	await sequelize.query(`CREATE INDEX payouts_original_receipt_idx ON "${s}".payouts (original_receipt) WHERE original_receipt IS NOT NULL`);
}

export async function down({ sequelize, schema: s }: MigrationContext): Promise<void> {
	await sequelize.query(`DROP INDEX IF EXISTS "${s}".payouts_original_receipt_idx`);
	await sequelize.query(`ALTER TABLE "${s}".payouts DROP CONSTRAINT IF EXISTS payouts_reversal_receipt`);
	await sequelize.query(`ALTER TABLE "${s}".payouts DROP COLUMN IF EXISTS original_receipt`);
	await sequelize.query(`ALTER TABLE "${s}".payouts DROP COLUMN IF EXISTS rail`);
}
