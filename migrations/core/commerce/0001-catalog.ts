/**
 * The commerce schema, catalog half (docs/commerce.md "Shops", "Verification",
 * "Catalog", "Search"): shops with their verification submissions, the
 * category tree (seeded here), products, variants and images, plus the
 * outbox / processed_events pair every domain carries. Orders, carts,
 * reservations and reviews come in 0002-orders.ts.
 *
 * `product_variants.stock` is what can still be sold: checkout reserves by a
 * guarded decrement (`stock >= :q`), so it can never go below zero, and a
 * seller's edit never overwrites it blindly (docs/commerce.md "Catalog").
 *
 * Search: `products.search` is a generated tsvector with the 'simple'
 * configuration (listings mix Swahili and English; no stemmer serves both),
 * title weighted above description; a trigram index on the title answers
 * misspellings when full text finds nothing.
 */
import { createEventTables, dropEventTables } from "../../../lib/db/event-tables";
import type { MigrationContext } from "../../../lib/db/migrator";

/** The category tree: [slug, English name, Swahili name, children]. */
type Seed = [string, string, string, Seed[]?];
export const CATEGORY_TREE: Seed[] = [
	["fashion", "Fashion", "Mitindo", [
		["kitenge-kanga", "Kitenge & Kanga", "Vitenge na Khanga"],
		["womens-clothing", "Women's clothing", "Mavazi ya wanawake"],
		["mens-clothing", "Men's clothing", "Mavazi ya wanaume"],
		["shoes", "Shoes", "Viatu"],
		["bags-accessories", "Bags & accessories", "Mikoba na mapambo"],
		["jewellery-beads", "Jewellery & beadwork", "Vito na shanga"]
	]],
	["electronics", "Electronics", "Vifaa vya elektroniki", [
		["phones-tablets", "Phones & tablets", "Simu na tabiti"],
		["phone-accessories", "Phone accessories", "Vifaa vya simu"],
		["computers", "Computers", "Kompyuta"],
		["tv-audio", "TV & audio", "Televisheni na sauti"],
		["solar-power", "Solar & power", "Sola na umeme"]
	]],
	["home-living", "Home & living", "Nyumbani", [
		["furniture", "Furniture", "Samani"],
		["kitchen", "Kitchen & cookware", "Vyombo vya jikoni"],
		["home-decor", "Home decor & textiles", "Mapambo ya nyumbani"],
		["appliances", "Home appliances", "Vifaa vya nyumbani"]
	]],
	["food-agriculture", "Food & agriculture", "Chakula na kilimo", [
		["fresh-produce", "Fresh produce", "Mazao mabichi"],
		["grains-cereals", "Grains & cereals", "Nafaka"],
		["spices-tea-coffee", "Spices, tea & coffee", "Viungo, chai na kahawa"],
		["farm-inputs", "Seeds & farm inputs", "Mbegu na pembejeo"],
		["livestock-poultry", "Livestock & poultry", "Mifugo na kuku"]
	]],
	["health-beauty", "Health & beauty", "Afya na urembo", [
		["hair-care", "Hair & wigs", "Nywele"],
		["skin-care", "Skin care", "Utunzaji wa ngozi"],
		["perfume", "Perfume", "Manukato"]
	]],
	["arts-crafts", "Arts & crafts", "Sanaa na ufundi", [
		["tingatinga", "Paintings & Tingatinga", "Michoro na Tingatinga"],
		["carvings", "Carvings & sculpture", "Vinyago"],
		["baskets-weaving", "Baskets & weaving", "Vikapu na ususi"]
	]],
	["baby-kids", "Baby & kids", "Watoto", [
		["kids-clothing", "Kids' clothing", "Nguo za watoto"],
		["toys", "Toys", "Vitu vya kuchezea"]
	]],
	["vehicles-parts", "Vehicles & parts", "Magari na vipuri", [
		["motorbikes-bodaboda", "Motorbikes & bodaboda", "Pikipiki na bodaboda"],
		["bicycles", "Bicycles", "Baiskeli"],
		["spare-parts", "Spare parts", "Vipuri"]
	]],
	["building-hardware", "Building & hardware", "Ujenzi na vifaa", [
		["tools", "Tools", "Zana"],
		["building-materials", "Building materials", "Vifaa vya ujenzi"]
	]],
	["books-stationery", "Books & stationery", "Vitabu na vifaa vya shule", [
		["books", "Books", "Vitabu"],
		["school-supplies", "School supplies", "Vifaa vya shule"]
	]],
	["sports-outdoors", "Sports & outdoors", "Michezo", [
		["football", "Football", "Mpira wa miguu"],
		["fitness", "Fitness", "Mazoezi"]
	]],
	["services", "Services", "Huduma", [
		["tailoring", "Tailoring", "Ushonaji"],
		["repairs", "Repairs", "Matengenezo"]
	]]
];

export async function up(ctx: MigrationContext): Promise<void> {
	const { sequelize, schema: s } = ctx;
	await sequelize.query("CREATE EXTENSION IF NOT EXISTS pg_trgm");

	await sequelize.query(`
		CREATE TABLE "${s}".shops (
			id uuid PRIMARY KEY,
			owner_id uuid NOT NULL,
			name text NOT NULL,
			slug text NOT NULL,
			description text NOT NULL DEFAULT '',
			logo_file_id uuid,
			banner_file_id uuid,
			category text,
			region text NOT NULL,
			city text NOT NULL,
			phone text NOT NULL,
			status text NOT NULL DEFAULT 'pending_verification'
				CHECK (status IN ('pending_verification', 'active', 'rejected', 'suspended')),
			rejection_reason text,
			suspension_reason text,
			verified_at timestamptz,
			rating_sum bigint NOT NULL DEFAULT 0 CHECK (rating_sum >= 0),
			rating_count integer NOT NULL DEFAULT 0 CHECK (rating_count >= 0),
			-- Minor units, charged once per order of this shop.
			delivery_fee bigint NOT NULL DEFAULT 0 CHECK (delivery_fee >= 0),
			currency char(3) NOT NULL,
			created_at timestamptz NOT NULL DEFAULT now(),
			updated_at timestamptz NOT NULL DEFAULT now()
		)`);
	await sequelize.query(`CREATE UNIQUE INDEX shops_slug_key ON "${s}".shops (slug)`);
	await sequelize.query(`CREATE INDEX shops_owner_idx ON "${s}".shops (owner_id, created_at)`);
	await sequelize.query(`CREATE INDEX shops_city_idx ON "${s}".shops (lower(city)) WHERE status = 'active'`);
	await sequelize.query(`CREATE INDEX shops_name_trgm ON "${s}".shops USING gin (lower(name) gin_trgm_ops)`);

	// Every submission is kept (a rejected seller submits again); at most one is pending per shop.
	await sequelize.query(`
		CREATE TABLE "${s}".shop_verifications (
			id uuid PRIMARY KEY,
			shop_id uuid NOT NULL REFERENCES "${s}".shops (id) ON DELETE CASCADE,
			submitted_by uuid NOT NULL,
			document_file_ids uuid[] NOT NULL,
			national_id text NOT NULL,
			business_reg_no text,
			status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn')),
			reason text,
			decided_by uuid,
			decided_at timestamptz,
			created_at timestamptz NOT NULL DEFAULT now()
		)`);
	await sequelize.query(`CREATE UNIQUE INDEX shop_verifications_pending_key ON "${s}".shop_verifications (shop_id) WHERE status = 'pending'`);
	await sequelize.query(`CREATE INDEX shop_verifications_queue_idx ON "${s}".shop_verifications (created_at, id) WHERE status = 'pending'`);
	await sequelize.query(`CREATE INDEX shop_verifications_shop_idx ON "${s}".shop_verifications (shop_id, created_at DESC)`);
	await sequelize.query(`CREATE INDEX shop_verifications_docs_idx ON "${s}".shop_verifications USING gin (document_file_ids)`);

	// Administrators who worked the verification queue: they are told about new submissions.
	await sequelize.query(`
		CREATE TABLE "${s}".reviewers (
			user_id uuid PRIMARY KEY,
			last_seen_at timestamptz NOT NULL DEFAULT now()
		)`);

	await sequelize.query(`
		CREATE TABLE "${s}".categories (
			id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
			parent_id uuid REFERENCES "${s}".categories (id),
			slug text NOT NULL UNIQUE,
			name text NOT NULL,
			name_sw text NOT NULL,
			position integer NOT NULL DEFAULT 0
		)`);
	await sequelize.query(`CREATE INDEX categories_parent_idx ON "${s}".categories (parent_id, position)`);

	await sequelize.query(`
		CREATE TABLE "${s}".products (
			id uuid PRIMARY KEY,
			shop_id uuid NOT NULL REFERENCES "${s}".shops (id),
			seller_id uuid NOT NULL,
			title text NOT NULL,
			description text NOT NULL DEFAULT '',
			category_id uuid REFERENCES "${s}".categories (id),
			currency char(3) NOT NULL,
			status text NOT NULL CHECK (status IN ('draft', 'active', 'archived')),
			-- Lowest live variant price (minor units), kept by the catalog with every variant change.
			price_min bigint NOT NULL CHECK (price_min > 0),
			rating_sum bigint NOT NULL DEFAULT 0 CHECK (rating_sum >= 0),
			rating_count integer NOT NULL DEFAULT 0 CHECK (rating_count >= 0),
			sold_count integer NOT NULL DEFAULT 0 CHECK (sold_count >= 0),
			post_to_feed boolean NOT NULL DEFAULT false,
			deleted_at timestamptz,
			published_at timestamptz,
			created_at timestamptz NOT NULL DEFAULT now(),
			updated_at timestamptz NOT NULL DEFAULT now(),
			search tsvector GENERATED ALWAYS AS (
				setweight(to_tsvector('simple', coalesce(title, '')), 'A') || setweight(to_tsvector('simple', coalesce(description, '')), 'B')
			) STORED
		)`);
	await sequelize.query(`CREATE INDEX products_search_idx ON "${s}".products USING gin (search) WHERE status = 'active' AND deleted_at IS NULL`);
	await sequelize.query(`CREATE INDEX products_title_trgm ON "${s}".products USING gin (lower(title) gin_trgm_ops) WHERE status = 'active' AND deleted_at IS NULL`);
	await sequelize.query(`CREATE INDEX products_recent_idx ON "${s}".products (published_at DESC, id DESC) WHERE status = 'active' AND deleted_at IS NULL`);
	await sequelize.query(`CREATE INDEX products_price_idx ON "${s}".products (price_min, id) WHERE status = 'active' AND deleted_at IS NULL`);
	await sequelize.query(`CREATE INDEX products_category_idx ON "${s}".products (category_id, published_at DESC, id DESC) WHERE status = 'active' AND deleted_at IS NULL`);
	await sequelize.query(`CREATE INDEX products_shop_idx ON "${s}".products (shop_id, created_at DESC, id DESC) WHERE deleted_at IS NULL`);

	await sequelize.query(`
		CREATE TABLE "${s}".product_variants (
			id uuid PRIMARY KEY,
			product_id uuid NOT NULL REFERENCES "${s}".products (id),
			sku text,
			options jsonb NOT NULL DEFAULT '{}',
			price bigint NOT NULL CHECK (price > 0),
			stock integer NOT NULL CHECK (stock >= 0),
			position integer NOT NULL DEFAULT 0,
			deleted_at timestamptz,
			created_at timestamptz NOT NULL DEFAULT now()
		)`);
	await sequelize.query(`CREATE INDEX product_variants_product_idx ON "${s}".product_variants (product_id, position) WHERE deleted_at IS NULL`);
	await sequelize.query(`CREATE UNIQUE INDEX product_variants_sku_key ON "${s}".product_variants (product_id, sku) WHERE deleted_at IS NULL AND sku IS NOT NULL`);

	await sequelize.query(`
		CREATE TABLE "${s}".product_images (
			product_id uuid NOT NULL REFERENCES "${s}".products (id),
			file_id uuid NOT NULL,
			position integer NOT NULL,
			PRIMARY KEY (product_id, file_id)
		)`);
	await sequelize.query(`CREATE INDEX product_images_order_idx ON "${s}".product_images (product_id, position)`);

	await seedCategories(ctx, CATEGORY_TREE, null);
	await createEventTables(ctx);
}

async function seedCategories(ctx: MigrationContext, nodes: Seed[], parentId: string | null): Promise<void> {
	for (const [position, [slug, name, nameSw, children]] of nodes.entries()) {
		const [rows] = (await ctx.sequelize.query(
			`INSERT INTO "${ctx.schema}".categories (parent_id, slug, name, name_sw, position) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			{ bind: [parentId, slug, name, nameSw, position] }
		)) as [Array<{ id: string }>, unknown];
		if (children) await seedCategories(ctx, children, rows[0].id);
	}
}

export async function down(ctx: MigrationContext): Promise<void> {
	const { sequelize, schema: s } = ctx;
	await dropEventTables(ctx);
	for (const table of ["product_images", "product_variants", "products", "categories", "reviewers", "shop_verifications", "shops"]) {
		await sequelize.query(`DROP TABLE IF EXISTS "${s}".${table}`);
	}
}
