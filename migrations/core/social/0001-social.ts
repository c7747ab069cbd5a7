/**
 * The social schema: posts (with edit history, media ids, embeds, quotes),
 * likes, reposts, comments, polls, tag and mention indexes, the follow graph
 * projection the feeds read (fed by users' events), and the outbox /
 * processed_events pair every domain carries.
 *
 * Counters on posts are changed in the same transaction as the row they
 * count (a like, a comment, a repost), so they always equal the rows.
 * Timestamps are written with millisecond precision by the service: feed
 * scores are epoch milliseconds, and PostgreSQL fallbacks compare the same values.
 */
import { createEventTables, dropEventTables } from "../../../lib/db/event-tables";
import type { MigrationContext } from "../../../lib/db/migrator";

export async function up(ctx: MigrationContext): Promise<void> {
	const { sequelize, schema: s } = ctx;

	await sequelize.query(`
		CREATE TABLE "${s}".posts (
			id uuid PRIMARY KEY,
			author_id uuid NOT NULL,
			text text NOT NULL DEFAULT '',
			media_file_ids uuid[] NOT NULL DEFAULT '{}',
			embed_type text CHECK (embed_type IN ('product', 'event', 'shop')),
			embed_id uuid,
			visibility text NOT NULL CHECK (visibility IN ('public', 'followers', 'private')),
			quote_of uuid,
			-- [{ id, username }] as resolved when the text was written.
			mentions jsonb NOT NULL DEFAULT '[]',
			hashtags text[] NOT NULL DEFAULT '{}',
			-- user (REST), or the domain whose event made it (commerce, events).
			source text NOT NULL DEFAULT 'user',
			likes_count integer NOT NULL DEFAULT 0 CHECK (likes_count >= 0),
			comments_count integer NOT NULL DEFAULT 0 CHECK (comments_count >= 0),
			reposts_count integer NOT NULL DEFAULT 0 CHECK (reposts_count >= 0),
			quotes_count integer NOT NULL DEFAULT 0 CHECK (quotes_count >= 0),
			created_at timestamptz NOT NULL,
			edited_at timestamptz,
			deleted_at timestamptz,
			CHECK ((embed_type IS NULL) = (embed_id IS NULL))
		)`);
	await sequelize.query(`CREATE INDEX posts_author_idx ON "${s}".posts (author_id, created_at DESC, id DESC) WHERE deleted_at IS NULL`);
	await sequelize.query(`CREATE INDEX posts_public_recent_idx ON "${s}".posts (created_at DESC) WHERE deleted_at IS NULL AND visibility = 'public'`);
	// One post per embedded entity and source: a redelivered "product published" event never posts twice.
	await sequelize.query(`CREATE UNIQUE INDEX posts_domain_embed_key ON "${s}".posts (source, embed_id) WHERE source <> 'user'`);

	await sequelize.query(`
		CREATE TABLE "${s}".post_edits (
			id uuid PRIMARY KEY,
			post_id uuid NOT NULL REFERENCES "${s}".posts (id) ON DELETE CASCADE,
			text text NOT NULL,
			media_file_ids uuid[] NOT NULL,
			visibility text NOT NULL,
			-- When this version stopped being current.
			replaced_at timestamptz NOT NULL
		)`);
	await sequelize.query(`CREATE INDEX post_edits_post_idx ON "${s}".post_edits (post_id, replaced_at DESC)`);

	await sequelize.query(`
		CREATE TABLE "${s}".likes (
			post_id uuid NOT NULL REFERENCES "${s}".posts (id) ON DELETE CASCADE,
			user_id uuid NOT NULL,
			created_at timestamptz NOT NULL DEFAULT now(),
			PRIMARY KEY (post_id, user_id)
		)`);
	await sequelize.query(`CREATE INDEX likes_user_idx ON "${s}".likes (user_id, post_id)`);

	await sequelize.query(`
		CREATE TABLE "${s}".reposts (
			post_id uuid NOT NULL REFERENCES "${s}".posts (id) ON DELETE CASCADE,
			user_id uuid NOT NULL,
			created_at timestamptz NOT NULL,
			PRIMARY KEY (post_id, user_id)
		)`);
	await sequelize.query(`CREATE INDEX reposts_user_idx ON "${s}".reposts (user_id, created_at DESC)`);

	await sequelize.query(`
		CREATE TABLE "${s}".comments (
			id uuid PRIMARY KEY,
			post_id uuid NOT NULL REFERENCES "${s}".posts (id) ON DELETE CASCADE,
			author_id uuid NOT NULL,
			parent_id uuid REFERENCES "${s}".comments (id) ON DELETE CASCADE,
			text text NOT NULL,
			replies_count integer NOT NULL DEFAULT 0 CHECK (replies_count >= 0),
			created_at timestamptz NOT NULL DEFAULT now()
		)`);
	await sequelize.query(`CREATE INDEX comments_post_idx ON "${s}".comments (post_id, parent_id, created_at, id)`);

	await sequelize.query(`
		CREATE TABLE "${s}".polls (
			post_id uuid PRIMARY KEY REFERENCES "${s}".posts (id) ON DELETE CASCADE,
			multiple boolean NOT NULL,
			expires_at timestamptz NOT NULL,
			voters_count integer NOT NULL DEFAULT 0 CHECK (voters_count >= 0)
		)`);
	await sequelize.query(`
		CREATE TABLE "${s}".poll_options (
			id uuid PRIMARY KEY,
			post_id uuid NOT NULL REFERENCES "${s}".polls (post_id) ON DELETE CASCADE,
			position smallint NOT NULL,
			text text NOT NULL,
			votes integer NOT NULL DEFAULT 0 CHECK (votes >= 0),
			UNIQUE (post_id, position)
		)`);
	// One ballot per user and poll; the ballot's choices are in poll_votes.
	await sequelize.query(`
		CREATE TABLE "${s}".poll_voters (
			post_id uuid NOT NULL REFERENCES "${s}".polls (post_id) ON DELETE CASCADE,
			user_id uuid NOT NULL,
			created_at timestamptz NOT NULL DEFAULT now(),
			PRIMARY KEY (post_id, user_id)
		)`);
	await sequelize.query(`
		CREATE TABLE "${s}".poll_votes (
			post_id uuid NOT NULL,
			user_id uuid NOT NULL,
			option_id uuid NOT NULL REFERENCES "${s}".poll_options (id) ON DELETE CASCADE,
			PRIMARY KEY (post_id, user_id, option_id),
			FOREIGN KEY (post_id, user_id) REFERENCES "${s}".poll_voters (post_id, user_id) ON DELETE CASCADE
		)`);

	// A tag's posts and trending tags. is_public: only public posts count towards trends.
	await sequelize.query(`
		CREATE TABLE "${s}".post_tags (
			tag text NOT NULL,
			post_id uuid NOT NULL REFERENCES "${s}".posts (id) ON DELETE CASCADE,
			author_id uuid NOT NULL,
			is_public boolean NOT NULL,
			created_at timestamptz NOT NULL,
			PRIMARY KEY (tag, post_id)
		)`);
	await sequelize.query(`CREATE INDEX post_tags_page_idx ON "${s}".post_tags (tag, created_at DESC, post_id DESC)`);
	await sequelize.query(`CREATE INDEX post_tags_recent_idx ON "${s}".post_tags (created_at) WHERE is_public`);

	await sequelize.query(`
		CREATE TABLE "${s}".post_mentions (
			user_id uuid NOT NULL,
			post_id uuid NOT NULL REFERENCES "${s}".posts (id) ON DELETE CASCADE,
			created_at timestamptz NOT NULL,
			PRIMARY KEY (user_id, post_id)
		)`);
	await sequelize.query(`CREATE INDEX post_mentions_page_idx ON "${s}".post_mentions (user_id, created_at DESC, post_id DESC)`);

	// Who follows whom, projected from users.follow.created/removed: the feeds' candidate authors
	// (rebuilds, authors merged at read). Access decisions still come from users at read time.
	await sequelize.query(`
		CREATE TABLE "${s}".follows (
			follower_id uuid NOT NULL,
			followee_id uuid NOT NULL,
			PRIMARY KEY (follower_id, followee_id)
		)`);
	await sequelize.query(`CREATE INDEX follows_followee_idx ON "${s}".follows (followee_id)`);
	await sequelize.query(`
		CREATE TABLE "${s}".authors (
			author_id uuid PRIMARY KEY,
			followers integer NOT NULL DEFAULT 0 CHECK (followers >= 0)
		)`);
	await sequelize.query(`CREATE INDEX authors_followers_idx ON "${s}".authors (followers DESC)`);

	await createEventTables(ctx);
}

export async function down(ctx: MigrationContext): Promise<void> {
	await dropEventTables(ctx);
	for (const table of [
		"authors",
		"follows",
		"post_mentions",
		"post_tags",
		"poll_votes",
		"poll_voters",
		"poll_options",
		"polls",
		"comments",
		"reposts",
		"likes",
		"post_edits",
		"posts"
	])
		await ctx.sequelize.query(`DROP TABLE IF EXISTS "${ctx.schema}".${table}`);
}
