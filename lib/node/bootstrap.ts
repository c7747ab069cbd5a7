/**
 * Starts one Nexgate node: resolves configuration, brings up the embedded
 * defaults where nothing is configured, migrates, starts the broker with the
 * selected services, and opens the node's health port.
 */
import { ServiceBroker } from "moleculer";
import { brokerOptions } from "../../moleculer.config";
import { loadConfig, type ResolvedConfig } from "../config";
import { acquireSequelize, releaseSequelize } from "../db/connections";
import { migrateUp } from "../db/migrator";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../embedded/postgres";
import { startEmbeddedS3, type EmbeddedS3 } from "../embedded/s3";
import { startHealthServer, type HealthServer } from "./health-server";
import { simulatorServiceFiles } from "../../simulators/placement";
import { resolveServiceFiles } from "./services";

export interface NodeHandle {
	broker: ServiceBroker;
	config: ResolvedConfig;
	healthPort: number;
	stop(): Promise<void>;
}

export interface StartNodeOptions {
	env?: Record<string, string | undefined>;
	/** Overrides SERVICES: the domain services this node runs (test harness). */
	services?: string[];
	/** Service files outside services/ (test fixtures). */
	extraServiceFiles?: string[];
	/** Extra migration roots (test fixtures). */
	extraMigrationRoots?: string[];
	log?: (msg: string) => void;
}

export async function runMigrations(cfg: ResolvedConfig, extraRoots: string[] = [], log: (m: string) => void = () => undefined) {
	const applied: string[] = [];
	for (const [database, url] of [["core", cfg.databaseUrl], ["notif", cfg.notifDatabaseUrl]] as const) {
		const sequelize = acquireSequelize(url);
		try {
			applied.push(...(await migrateUp(sequelize, database, { extraRoots, log })).map(n => `${database}:${n}`));
		} finally {
			await releaseSequelize(url);
		}
	}
	return applied;
}

export async function startNode(opts: StartNodeOptions = {}): Promise<NodeHandle> {
	const log = opts.log ?? ((m: string) => process.stdout.write(`${m}\n`));
	const base = loadConfig(opts.env ?? process.env);
	let pg: EmbeddedPostgres | null = null;
	let s3: EmbeddedS3 | null = null;
	const cleanup = async () => {
		await s3?.stop().catch(() => undefined);
		await pg?.stop().catch(() => undefined);
	};
	try {
		let databaseUrl = base.databaseUrl;
		let notifDatabaseUrl = base.notifDatabaseUrl;
		if (!databaseUrl || !notifDatabaseUrl) {
			log(`Starting embedded PostgreSQL on 127.0.0.1:${base.embeddedPgPort} (data in ${base.dataDir}/postgres)`);
			pg = await startEmbeddedPostgres(base.dataDir, base.embeddedPgPort, () => undefined);
			databaseUrl = pg.coreUrl;
			notifDatabaseUrl = pg.notifUrl;
		}
		let s3cfg = base.s3;
		if (!s3cfg) {
			s3 = await startEmbeddedS3(base.dataDir, base.embeddedS3Port);
			log(`Embedded S3 endpoint on ${s3.endpoint} (objects in ${base.dataDir}/s3)`);
			s3cfg = { endpoint: s3.endpoint, accessKey: s3.accessKey, secretKey: s3.secretKey, bucket: s3.bucket, region: s3.region };
		}
		const config: ResolvedConfig = { ...base, databaseUrl, notifDatabaseUrl, s3: s3cfg };

		if (config.migrateOnStart) {
			const applied = await runMigrations(config, opts.extraMigrationRoots, log);
			if (applied.length) log(`Applied ${applied.length} migration(s)`);
		}

		const broker = new ServiceBroker(brokerOptions(config));
		const selection = opts.services ?? config.services;
		for (const file of [...resolveServiceFiles(selection), ...simulatorServiceFiles(config, selection), ...(opts.extraServiceFiles ?? [])]) {
			broker.loadService(file);
		}
		await broker.start();
		let health: HealthServer;
		try {
			health = await startHealthServer(broker, config.host, config.healthPort);
		} catch (err) {
			await broker.stop();
			throw err;
		}
		return {
			broker,
			config,
			healthPort: health.port,
			stop: async () => {
				await health.close();
				await broker.stop();
				await cleanup();
			}
		};
	} catch (err) {
		await cleanup();
		throw err;
	}
}
