/**
 * The commerce schema, orders half (docs/commerce.md "Cart", "Checkout",
 * "Orders", "Reviews"): carts, checkouts (the idempotency record), orders
 * with their item snapshots and history, stock reservations, disputes,
 * reviews and their reports.
 *
 * Money is integer minor units. An order belongs to one shop; the orders of
 * one checkout share its payment intent (one escrow per order, payments'
 * allocations). Stock is taken out of `product_variants.stock` when reserved;
 * a reservation row remembers it so a release gives back exactly that once.
 */
import type { MigrationContext } from "../../../lib/db/migrator";

export async function up(ctx: MigrationContext): Promise<void> {
	const { sequelize, schema: s } = ctx;

	// The cart row is what checkout locks: one checkout at a time per cart.
	await sequelize.query(`
		CREATE TABLE "${s}".carts (
			user_id uuid PRIMARY KEY,
			updated_at timestamptz NOT NULL DEFAULT now()
		)`);
	await sequelize.query(`
		CREATE TABLE "${s}".cart_items (
			id uuid PRIMARY KEY,
			user_id uuid NOT NULL REFERENCES "${s}".carts (user_id),
			product_id uuid NOT NULL,
			variant_id uuid NOT NULL,
			quantity integer NOT NULL CHECK (quantity > 0),
			-- The unit price the buyer last saw; checkout refuses when the live price differs.
			seen_price bigint NOT NULL CHECK (seen_price > 0),
			created_at timestamptz NOT NULL DEFAULT now(),
			updated_at timestamptz NOT NULL DEFAULT now(),
			UNIQUE (user_id, variant_id)
		)`);
	await sequelize.query(`CREATE INDEX cart_items_user_idx ON "${s}".cart_items (user_id, created_at)`);

	// One row per (buyer, Idempotency-Key). A failed checkout deletes its row, so the key can be retried.
	await sequelize.query(`
		CREATE TABLE "${s}".checkouts (
			id uuid PRIMARY KEY,
			buyer_id uuid NOT NULL,
			idempotency_key text NOT NULL,
			fingerprint text NOT NULL,
			status text NOT NULL CHECK (status IN ('awaiting_payment', 'created')),
			currency char(3) NOT NULL,
			total bigint NOT NULL CHECK (total > 0),
			payment jsonb NOT NULL,
			intent_id uuid,
			created_at timestamptz NOT NULL DEFAULT now(),
			UNIQUE (buyer_id, idempotency_key)
		)`);
	await sequelize.query(`CREATE INDEX checkouts_awaiting_idx ON "${s}".checkouts (created_at) WHERE status = 'awaiting_payment'`);

	await sequelize.query(`CREATE SEQUENCE "${s}".order_number_seq`);
	await sequelize.query(`
		CREATE TABLE "${s}".orders (
			id uuid PRIMARY KEY,
			number text NOT NULL UNIQUE,
			checkout_id uuid NOT NULL REFERENCES "${s}".checkouts (id),
			buyer_id uuid NOT NULL,
			shop_id uuid NOT NULL REFERENCES "${s}".shops (id),
			seller_id uuid NOT NULL,
			status text NOT NULL CHECK (status IN ('pending_payment', 'paid', 'shipped', 'delivered', 'completed', 'cancelled', 'refunded', 'disputed')),
			cancel_reason text CHECK (cancel_reason IN ('payment_failed', 'payment_expired', 'buyer_cancelled', 'seller_cancelled')),
			currency char(3) NOT NULL,
			subtotal bigint NOT NULL CHECK (subtotal > 0),
			delivery_fee bigint NOT NULL CHECK (delivery_fee >= 0),
			total bigint NOT NULL CHECK (total = subtotal + delivery_fee),
			shipping_address jsonb NOT NULL,
			intent_id uuid,
			carrier text,
			tracking_ref text,
			paid_at timestamptz,
			shipped_at timestamptz,
			delivered_at timestamptz,
			-- A delivered order completes by itself (escrow released) at this time unless disputed.
			completes_at timestamptz,
			completed_at timestamptz,
			cancelled_at timestamptz,
			refunded_at timestamptz,
			created_at timestamptz NOT NULL DEFAULT now(),
			updated_at timestamptz NOT NULL DEFAULT now()
		)`);
	await sequelize.query(`CREATE INDEX orders_buyer_idx ON "${s}".orders (buyer_id, created_at DESC, id DESC)`);
	await sequelize.query(`CREATE INDEX orders_shop_idx ON "${s}".orders (shop_id, created_at DESC, id DESC)`);
	await sequelize.query(`CREATE INDEX orders_checkout_idx ON "${s}".orders (checkout_id)`);
	await sequelize.query(`CREATE INDEX orders_intent_idx ON "${s}".orders (intent_id)`);
	// What the completion worker scans.
	await sequelize.query(`CREATE INDEX orders_shipped_idx ON "${s}".orders (shipped_at) WHERE status = 'shipped'`);
	await sequelize.query(`CREATE INDEX orders_completes_idx ON "${s}".orders (completes_at) WHERE status = 'delivered'`);

	await sequelize.query(`
		CREATE TABLE "${s}".order_items (
			id uuid PRIMARY KEY,
			order_id uuid NOT NULL REFERENCES "${s}".orders (id),
			product_id uuid NOT NULL,
			variant_id uuid NOT NULL,
			-- Snapshots: the order shows what was bought even after the listing changes.
			title text NOT NULL,
			sku text,
			options jsonb NOT NULL DEFAULT '{}',
			image_file_id uuid,
			unit_price bigint NOT NULL CHECK (unit_price > 0),
			quantity integer NOT NULL CHECK (quantity > 0),
			line_total bigint NOT NULL CHECK (line_total = unit_price * quantity),
			position smallint NOT NULL
		)`);
	await sequelize.query(`CREATE INDEX order_items_order_idx ON "${s}".order_items (order_id, position)`);
	await sequelize.query(`CREATE INDEX order_items_product_idx ON "${s}".order_items (product_id)`);

	await sequelize.query(`
		CREATE TABLE "${s}".order_history (
			id bigserial PRIMARY KEY,
			order_id uuid NOT NULL REFERENCES "${s}".orders (id),
			from_status text,
			to_status text NOT NULL,
			actor text NOT NULL CHECK (actor IN ('buyer', 'seller', 'system', 'admin')),
			actor_id uuid,
			note text,
			at timestamptz NOT NULL DEFAULT clock_timestamp()
		)`);
	await sequelize.query(`CREATE INDEX order_history_order_idx ON "${s}".order_history (order_id, id)`);

	// held: taken from stock, payment pending · committed: sold · released: given back.
	await sequelize.query(`
		CREATE TABLE "${s}".stock_reservations (
			id uuid PRIMARY KEY,
			order_id uuid NOT NULL REFERENCES "${s}".orders (id),
			variant_id uuid NOT NULL,
			quantity integer NOT NULL CHECK (quantity > 0),
			status text NOT NULL CHECK (status IN ('held', 'committed', 'released')),
			expires_at timestamptz NOT NULL,
			created_at timestamptz NOT NULL DEFAULT now(),
			UNIQUE (order_id, variant_id)
		)`);
	await sequelize.query(`CREATE INDEX stock_reservations_expiry_idx ON "${s}".stock_reservations (expires_at) WHERE status = 'held'`);

	await sequelize.query(`
		CREATE TABLE "${s}".disputes (
			id uuid PRIMARY KEY,
			order_id uuid NOT NULL UNIQUE REFERENCES "${s}".orders (id),
			opened_by uuid NOT NULL,
			reason text NOT NULL,
			-- The order's status when the dispute was opened.
			opened_from text NOT NULL,
			status text NOT NULL CHECK (status IN ('open', 'resolved')),
			resolution text CHECK (resolution IN ('release', 'refund', 'split')),
			refund_amount bigint,
			loser_id uuid,
			resolved_by uuid,
			resolved_at timestamptz,
			created_at timestamptz NOT NULL DEFAULT now()
		)`);
	await sequelize.query(`CREATE INDEX disputes_open_idx ON "${s}".disputes (created_at) WHERE status = 'open'`);

	await sequelize.query(`
		CREATE TABLE "${s}".reviews (
			id uuid PRIMARY KEY,
			product_id uuid NOT NULL REFERENCES "${s}".products (id),
			shop_id uuid NOT NULL REFERENCES "${s}".shops (id),
			seller_id uuid NOT NULL,
			order_id uuid NOT NULL REFERENCES "${s}".orders (id),
			author_id uuid NOT NULL,
			rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
			text text,
			photo_file_ids uuid[] NOT NULL DEFAULT '{}',
			reply_text text,
			replied_at timestamptz,
			report_count integer NOT NULL DEFAULT 0 CHECK (report_count >= 0),
			hidden boolean NOT NULL DEFAULT false,
			created_at timestamptz NOT NULL DEFAULT now(),
			-- One review per buyer and product, whatever the number of orders.
			UNIQUE (author_id, product_id)
		)`);
	await sequelize.query(`CREATE INDEX reviews_product_idx ON "${s}".reviews (product_id, created_at DESC, id DESC) WHERE NOT hidden`);
	await sequelize.query(`
		CREATE TABLE "${s}".review_reports (
			review_id uuid NOT NULL REFERENCES "${s}".reviews (id),
			reporter_id uuid NOT NULL,
			reason text NOT NULL,
			created_at timestamptz NOT NULL DEFAULT now(),
			PRIMARY KEY (review_id, reporter_id)
		)`);
}

export async function down(ctx: MigrationContext): Promise<void> {
	const { sequelize, schema: s } = ctx;
	for (const table of ["review_reports", "reviews", "disputes", "stock_reservations", "order_history", "order_items", "orders", "checkouts", "cart_items", "carts"])
		await sequelize.query(`DROP TABLE IF EXISTS "${s}".${table}`);
	await sequelize.query(`DROP SEQUENCE IF EXISTS "${s}".order_number_seq`);
}
