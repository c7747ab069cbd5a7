/**
 * Named prepared statements for the hottest statements of a domain.
 *
 * Sequelize sends every query as text through the simple protocol, so
 * PostgreSQL parses, analyses and plans it on every call, and Sequelize
 * itself scans the SQL for replacements each time. A statement declared with
 * `prepared(name, text)` runs through node-postgres's named extended protocol
 * on the pooled connection itself: each connection parses it once, and
 * PostgreSQL may keep a generic plan for it. Parameters are positional
 * (`$1`…); give each an explicit cast where PostgreSQL could not infer its
 * type (e.g. in a SELECT list).
 *
 * Rows come back as from `select` (the same connection, the same type
 * parsers); errors are Sequelize's (`err.parent.code`, `.hint` …), so callers
 * handle them as they do for `select`. Inside a transaction (`db.t`) the
 * statement runs on that transaction's connection.
 */
import type { Sequelize } from "sequelize";
import type { Db } from "./sql";

export interface PreparedStatement {
	/** Unique per process: PostgreSQL keeps the statement per connection under this name. */
	readonly name: string;
	readonly text: string;
}

interface PgResult {
	rows: unknown[];
}

interface PgConnection {
	query(config: { name: string; text: string; values: unknown[] }): Promise<PgResult>;
	_invalid?: boolean;
}

interface ConnectionManager {
	getConnection(options?: { type?: "read" | "write" }): Promise<PgConnection>;
	releaseConnection(connection: PgConnection): void;
}

type QueryClass = new (connection: unknown, sequelize: Sequelize, options: Record<string, unknown>) => { formatError(err: unknown, stack?: string): Error };

const names = new Map<string, string>();

/** Declares a statement once (module level); the same name with other text is a programming error. */
export function prepared(name: string, text: string): PreparedStatement {
	const known = names.get(name);
	if (known !== undefined && known !== text) throw new Error(`prepared statement "${name}" declared twice with different text`);
	names.set(name, text);
	return { name, text };
}

/** Runs a named statement; answers its rows. */
export async function runPrepared<R extends object>(db: Db, statement: PreparedStatement, values: unknown[]): Promise<R[]> {
	const inTransaction = (db.t as unknown as { connection?: PgConnection } | undefined)?.connection;
	const manager = (db.sequelize as unknown as { connectionManager: ConnectionManager }).connectionManager;
	const connection = inTransaction ?? (await manager.getConnection({ type: "write" }));
	// Made before the await, so an error's stack shows the caller rather than the socket's read loop;
	// V8 formats it only when read (in the catch), which is what keeps this cheap.
	const origin = new Error();
	try {
		return (await connection.query({ name: statement.name, text: statement.text, values })).rows as R[];
	} catch (err) {
		throw asSequelizeError(db.sequelize, connection, err, statement, origin.stack);
	} finally {
		if (!inTransaction) manager.releaseConnection(connection);
	}
}

/** The error Sequelize would have raised for the same failure (UniqueConstraintError, DatabaseError … with `.parent`). */
function asSequelizeError(sequelize: Sequelize, connection: PgConnection, err: unknown, statement: PreparedStatement, stack: string | undefined): Error {
	const e = err as { code?: string; message?: string; sql?: string };
	// As Sequelize does: a connection that broke mid-query is not handed out again.
	if (e.code === "ECONNRESET" || e.message === "Query read timeout") connection._invalid = true;
	e.sql = statement.text;
	const Query = (sequelize as unknown as { dialect: { Query: QueryClass } }).dialect.Query;
	return new Query(connection, sequelize, {}).formatError(err, stack);
}
