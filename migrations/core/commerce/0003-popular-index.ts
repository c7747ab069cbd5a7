/**
 * Search by popularity (docs/commerce.md "Search"): `sort=popular` orders the
 * public catalog by units sold, ties by id. Without an index on that key a
 * filtered listing ("popular in Mwanza") read and sorted every product the
 * filter let through (10,000 rows, 16 ms at 100,000 products); with it the
 * listing walks the index and stops after a page (~1 ms), as newest and price
 * already do on theirs. Partial like its siblings: only active, undeleted
 * products are ever listed publicly.
 */
import type { MigrationContext } from "../../../lib/db/migrator";

export async function up({ sequelize, schema: s }: MigrationContext): Promise<void> {
	await sequelize.query(`CREATE INDEX products_popular_idx ON "${s}".products (sold_count DESC, id DESC) WHERE status = 'active' AND deleted_at IS NULL`);
}

export async function down({ sequelize, schema: s }: MigrationContext): Promise<void> {
	await sequelize.query(`DROP INDEX IF EXISTS "${s}".products_popular_idx`);
}
