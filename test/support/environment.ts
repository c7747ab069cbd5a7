/**
 * Where the tests' real infrastructure is, and the per-run isolation: every
 * run gets its own databases and its own namespace (AMQP queues, Redis keys),
 * so parallel or aborted runs never see each other's data.
 */
import crypto from "node:crypto";
import { Client } from "pg";

export type Topology = "single" | "split";
export const TOPOLOGY: Topology = process.env.TEST_TOPOLOGY === "split" ? "split" : "single";
export const RUN_ID = process.env.TEST_RUN_ID ?? `${Date.now().toString(36)}${crypto.randomBytes(3).toString("hex")}`;
export const NAMESPACE = `t${RUN_ID}`;

const PG_BASE = (process.env.TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432").replace(/\/$/, "");
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";
export const AMQP_URL = process.env.TEST_AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";
/** The RabbitMQ node behind AMQP_URL, for `rabbitmqctl -n` (the fault tests restart it); unset: rabbitmqctl's default node. */
export const RABBITMQ_NODE = process.env.TEST_RABBITMQ_NODE ?? null;

export const CORE_DB = `nexgate_test_${RUN_ID}`;
export const NOTIF_DB = `nexgate_test_${RUN_ID}_notif`;
export const CORE_URL = `${PG_BASE}/${CORE_DB}`;
export const NOTIF_URL = `${PG_BASE}/${NOTIF_DB}`;

async function admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
	const c = new Client({ connectionString: `${PG_BASE}/postgres` });
	await c.connect();
	try {
		return await fn(c);
	} finally {
		await c.end();
	}
}

export async function createDatabases(): Promise<void> {
	await admin(async c => {
		for (const db of [CORE_DB, NOTIF_DB]) await c.query(`CREATE DATABASE "${db}"`);
	});
}

export async function dropDatabases(): Promise<void> {
	await admin(async c => {
		for (const db of [CORE_DB, NOTIF_DB]) await c.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
	});
}

/** The environment every node of this run starts with. */
export function nodeEnv(topology: Topology, extra: Record<string, string> = {}): Record<string, string> {
	const base: Record<string, string> = {
		NODE_ENV: "test",
		NAMESPACE,
		DATABASE_URL: CORE_URL,
		NOTIF_DATABASE_URL: NOTIF_URL,
		MIGRATE_ON_START: "false",
		PORT: "0",
		HEALTH_PORT: "0",
		HOST: "127.0.0.1",
		LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn",
		LOG_FORMAT: "pretty",
		DATA_DIR: `${process.cwd()}/.test-data/${RUN_ID}`,
		EMBEDDED_S3_PORT: "0",
		RATE_LIMIT_SCALE: process.env.RATE_LIMIT_SCALE ?? "1"
	};
	if (topology === "split") {
		base.TRANSPORTER = AMQP_URL;
		base.REDIS_URL = REDIS_URL;
		base.CACHER = "redis";
	}
	return { ...base, ...extra };
}
