/**
 * One shop's public listings (docs/commerce.md "Search"): the shop page lists
 * its newest products, and `?shopId=&sort=popular` its best sellers. Without
 * an index that starts with the shop, PostgreSQL walks the catalog-wide index
 * of the sort (products_recent_idx, products_popular_idx) and skips every other
 * shop's products until it has a page — cheap for a shop whose products sit at
 * the top of that order, a walk over most of the catalog for a quiet shop (at
 * 100,000 bench products: 7–12 ms for a shop's best sellers). With these the
 * page is read from the shop's own entries. Partial like their siblings.
 */
import type { MigrationContext } from "../../../lib/db/migrator";

export async function up({ sequelize, schema: s }: MigrationContext): Promise<void> {
	await sequelize.query(`CREATE INDEX products_shop_recent_idx ON "${s}".products (shop_id, published_at DESC, id DESC) WHERE status = 'active' AND deleted_at IS NULL`);
	await sequelize.query(`CREATE INDEX products_shop_popular_idx ON "${s}".products (shop_id, sold_count DESC, id DESC) WHERE status = 'active' AND deleted_at IS NULL`);
}

export async function down({ sequelize, schema: s }: MigrationContext): Promise<void> {
	await sequelize.query(`DROP INDEX IF EXISTS "${s}".products_shop_popular_idx`);
	await sequelize.query(`DROP INDEX IF EXISTS "${s}".products_shop_recent_idx`);
}
