/** Small helpers over sequelize.query, so the stores read as SQL. */
import { QueryTypes, type Sequelize, type Transaction } from "sequelize";

export interface Db {
	sequelize: Sequelize;
	t?: Transaction;
}

export function select<R extends object>(db: Db, sql: string, replacements: Record<string, unknown> = {}): Promise<R[]> {
	return db.sequelize.query<R>(sql, { replacements, type: QueryTypes.SELECT, transaction: db.t });
}

/** Runs a statement; returns the number of rows it touched. */
export async function execute(db: Db, sql: string, replacements: Record<string, unknown> = {}): Promise<number> {
	const [, meta] = await db.sequelize.query(sql, { replacements, transaction: db.t });
	if (typeof meta === "number") return meta;
	return (meta as { rowCount?: number } | undefined)?.rowCount ?? 0;
}

/** A uuid[] literal: replacements would expand an array into a list, which ANY()/unnest() cannot take. */
export function uuidArray(ids: readonly string[]): string {
	return `{${ids.map(id => id.toLowerCase()).join(",")}}`;
}

/** A text[] literal with every element quoted. */
export function textArray(values: readonly string[]): string {
	return `{${values.map(v => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;
}

/** Epoch milliseconds of a timestamptz column, as the feed scores are. */
export const ms = (column: string) => `(extract(epoch FROM ${column}) * 1000)::bigint`;
