/**
 * Small helpers over sequelize.query, so every domain's stores read as SQL:
 * `select`/`selectOne`/`execute` against a `Db` (the shared Sequelize plus,
 * inside a transaction, its Transaction), and the literals PostgreSQL needs
 * where Sequelize's replacements would expand an array into a list.
 */
import { QueryTypes, type Sequelize, type Transaction } from "sequelize";

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
	// Sequelize answers some statements with the row count itself, others with pg's result.
	if (typeof meta === "number") return meta;
	return (meta as { rowCount?: number } | undefined)?.rowCount ?? 0;
}

/** A uuid[] literal for `ANY(…)` / `unnest(…)`. */
export function uuidArray(ids: readonly string[]): string {
	return `{${ids.map(id => id.toLowerCase()).join(",")}}`;
}

/** A text[] literal with every element quoted. */
export function textArray(values: readonly string[]): string {
	return `{${values.map(v => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;
}

/** BIGINT and NUMERIC columns arrive as strings; amounts and counts stay far below 2^53. */
export function n(value: unknown): number {
	return value === null || value === undefined ? 0 : Number(value);
}
