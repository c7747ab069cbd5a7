/**
 * One Sequelize instance per process and database URL.
 *
 * moleculer-db's Sequelize adapter would otherwise open a pool per service;
 * nine services × a pool each exhausts PostgreSQL's connections quickly.
 */
import { Sequelize } from "sequelize";

const pools = new Map<string, { sequelize: Sequelize; users: number }>();

export interface PoolOptions {
	max?: number;
	logging?: false | ((sql: string) => void);
}

export function acquireSequelize(url: string, opts: PoolOptions = {}): Sequelize {
	let entry = pools.get(url);
	if (!entry) {
		const sequelize = new Sequelize(url, {
			dialect: "postgres",
			logging: opts.logging ?? false,
			pool: { max: opts.max ?? 10, min: 0, idle: 10_000, acquire: 30_000 },
			define: { underscored: true, timestamps: true },
			// BIGINT minor units come back as strings by default; parse them where models declare them.
			dialectOptions: { application_name: "nexgate" }
		});
		entry = { sequelize, users: 0 };
		pools.set(url, entry);
	}
	entry.users += 1;
	return entry.sequelize;
}

/** Closes the pool once its last user has released it. */
export async function releaseSequelize(url: string): Promise<void> {
	const entry = pools.get(url);
	if (!entry) return;
	entry.users -= 1;
	if (entry.users <= 0) {
		pools.delete(url);
		await entry.sequelize.close();
	}
}
