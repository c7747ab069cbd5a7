/**
 * moleculer-db on the shared Sequelize of this process (DESIGN.md §8):
 * one pool per database, one PostgreSQL schema per domain, Model classes
 * initialised against that pool, `idField: "id"`, no sync() (schema comes from
 * migrations only). Money, stock and state machines do not use the generic
 * CRUD actions: they use `this.sequelize` with lib/db/transaction.ts.
 */
import type { ServiceSchema } from "moleculer";
import DbService from "moleculer-db";
import type { ModelStatic, Sequelize } from "sequelize";
import { platformConfig } from "../lib/config";
import { acquireSequelize, releaseSequelize } from "../lib/db/connections";
import type { DatabaseName } from "../lib/db/migrator";
import { registerReadinessCheck } from "../lib/node/readiness";
const SequelizeDbAdapter = require("moleculer-db-adapter-sequelize") as new (...a: unknown[]) => StockAdapter;

/** A model class with the function that binds it to a Sequelize instance and schema. */
export interface ModelDefinition {
	name: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	init(sequelize: Sequelize, schema: string): ModelStatic<any>;
}

/** What DbMixin adds to a service's `this`. */
export interface DbVars {
	sequelize: Sequelize;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any
	models: Record<string, ModelStatic<any>>;
}

interface StockAdapter {
	db: Sequelize;
	model: unknown;
	service: { model: unknown; schema: { model: unknown }; broker: never } & Record<string, unknown>;
	broker: never;
	init(broker: unknown, service: unknown): void;
}

export interface DbMixinOptions {
	database: DatabaseName;
	schema: string;
	/** The entity the moleculer-db actions and methods work on. */
	model: ModelDefinition;
	/** Further models of the same schema, reachable as this.models[name]. */
	models?: ModelDefinition[];
}

class SharedSequelizeAdapter extends SequelizeDbAdapter {
	private url = "";
	constructor(private readonly opts: DbMixinOptions) {
		super();
	}

	async connect() {
		const cfg = platformConfig(this.broker as never);
		this.url = this.opts.database === "core" ? cfg.databaseUrl : cfg.notifDatabaseUrl;
		this.db = acquireSequelize(this.url);
		await this.db.authenticate();
		const models: Record<string, unknown> = {};
		for (const def of [this.opts.model, ...(this.opts.models ?? [])]) models[def.name] = def.init(this.db, this.opts.schema);
		this.model = models[this.opts.model.name];
		this.service.model = this.model;
		this.service.models = models;
		this.service.sequelize = this.db;
		const db = this.db;
		registerReadinessCheck(this.broker, `postgres:${this.opts.database}`, async () => {
			await db.query("SELECT 1");
		});
	}

	async disconnect() {
		if (this.url) await releaseSequelize(this.url);
	}
}

export function DbMixin(opts: DbMixinOptions): Partial<ServiceSchema> {
	return {
		mixins: [DbService],
		adapter: new SharedSequelizeAdapter(opts),
		// moleculer-db only checks that a model is present; the adapter binds the real class on connect.
		model: opts.model,
		settings: { idField: "id", pageSize: 20, maxPageSize: 100 },
		// moleculer-db's generic CRUD actions carry REST routes: published, they would expose every row
		// of the table, and a domain action of the same name would inherit their params and cache.
		// Domains declare their own actions instead; this.adapter and this.models stay available.
		actions: { find: false, list: false, count: false, insert: false, create: false, get: false, update: false, remove: false }
	} as Partial<ServiceSchema>;
}
