/** The category tree (seeded by migration 0001; changes only by migration, so the service keeps it in memory briefly). */
import { select, type Db } from "../../../lib/db/sql";
import type { CategoryRow } from "../rules/catalog-tree";

export function allCategories(db: Db): Promise<CategoryRow[]> {
	return select<CategoryRow>(db, `SELECT id, parent_id, slug, name, name_sw, position FROM commerce.categories ORDER BY position, slug`);
}
