/** Small helpers over sequelize.query, so the stores read as SQL. */
import { QueryTypes, type Sequelize, type Transaction } from "sequelize";

export const SCHEMA = "payments";

export interface Db {
	sequelize: Sequelize;
	t?: Transaction;
}

export function select<R extends object>(db: Db, sql: string, replacements: Record<string, unknown> = {}): Promise<R[]> {
	return db.sequelize.query<R>(sql, { replacements, type: QueryTypes.SELECT, transaction: db.t });
}

export async function selectOne<R extends object>(db: Db, sql: string, replacements: Record<string, unknown> = {}): Promise<R | null> {
	const rows = await select<R>(db, sql, replacements);
	return rows[0] ?? null;
}

/** Runs a statement; returns the number of rows it touched. */
export async function execute(db: Db, sql: string, replacements: Record<string, unknown> = {}): Promise<number> {
	const [, meta] = await db.sequelize.query(sql, { replacements, transaction: db.t });
	return (meta as { rowCount?: number } | undefined)?.rowCount ?? 0;
}

/** BIGINT columns arrive as strings; amounts stay far below 2^53. */
export function n(value: unknown): number {
	return value === null || value === undefined ? 0 : Number(value);
}
