/**
 * Transactions for the custom actions that move money, stock or state.
 *
 * moleculer-db's CRUD actions cannot take part in a transaction, so anything
 * that must be atomic goes through `inTransaction` and locks its rows with
 * `lockById` (SELECT … FOR UPDATE) before reading what it will change.
 */
import { Transaction, type Model, type ModelStatic, type Sequelize } from "sequelize";

const RETRYABLE = new Set(["40001", "40P01"]); // serialization_failure, deadlock_detected

export async function inTransaction<T>(
	sequelize: Sequelize,
	work: (t: Transaction) => Promise<T>,
	opts: { isolation?: Transaction.ISOLATION_LEVELS; retries?: number } = {}
): Promise<T> {
	const retries = opts.retries ?? 3;
	for (let attempt = 0; ; attempt++) {
		try {
			return await sequelize.transaction({ isolationLevel: opts.isolation }, work);
		} catch (err) {
			const code = (err as { parent?: { code?: string } }).parent?.code;
			if (attempt < retries && code && RETRYABLE.has(code)) {
				// Back off a little with jitter so competing transactions stop colliding.
				await new Promise(r => setTimeout(r, 5 * 2 ** attempt + Math.random() * 10));
				continue;
			}
			throw err;
		}
	}
}

/** Reads a row and holds its lock until the transaction ends; null when absent. */
export async function lockById<M extends Model>(
	model: ModelStatic<M>,
	id: string,
	t: Transaction,
	mode: "update" | "share" = "update"
): Promise<M | null> {
	return model.findByPk(id, { transaction: t, lock: mode === "update" ? t.LOCK.UPDATE : t.LOCK.SHARE });
}
