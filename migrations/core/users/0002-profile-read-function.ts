/**
 * The hot read (GET /users/:id with a viewer) as a PL/pgSQL function: PL/pgSQL
 * keeps the plans of its queries per connection, where a plain query is
 * planned on every call (Sequelize sends no named prepared statements).
 * Measured on a 20,000-profile table: planning 1.9 ms against 0.3 ms of
 * execution for the same statement sent as text.
 */
import type { MigrationContext } from "../../../lib/db/migrator";

const COLUMNS = `p.id, p.username, p.display_name, p.bio, p.avatar_file_id, p.country, p.city, p.website, p.language, p.is_private,
	p.who_can_message, p.show_followers, p.discoverable_by_phone, p.followers_count, p.following_count,
	COALESCE(s.posts, 0), p.registered_at, p.deleted_at,
	EXISTS (SELECT 1 FROM "%s".follows f WHERE f.follower_id = p_viewer AND f.followee_id = p.id),
	EXISTS (SELECT 1 FROM "%s".follows f WHERE f.follower_id = p.id AND f.followee_id = p_viewer),
	EXISTS (SELECT 1 FROM "%s".follow_requests r WHERE r.requester_id = p_viewer AND r.target_id = p.id),
	EXISTS (SELECT 1 FROM "%s".blocks b WHERE b.blocker_id = p_viewer AND b.blocked_id = p.id),
	EXISTS (SELECT 1 FROM "%s".blocks b WHERE b.blocker_id = p.id AND b.blocked_id = p_viewer),
	EXISTS (SELECT 1 FROM "%s".mutes m WHERE m.muter_id = p_viewer AND m.muted_id = p.id)`;

export async function up({ sequelize, schema: s }: MigrationContext): Promise<void> {
	const columns = COLUMNS.replace(/%s/g, s);
	const from = `FROM "${s}".profiles p LEFT JOIN "${s}".stats s ON s.user_id = p.id`;
	await sequelize.query(`
		CREATE FUNCTION "${s}".profile_for(p_id uuid, p_username text, p_viewer uuid)
		RETURNS TABLE (
			id uuid, username text, display_name text, bio text, avatar_file_id uuid, country text, city text, website text,
			language text, is_private boolean, who_can_message text, show_followers boolean, discoverable_by_phone boolean,
			followers_count integer, following_count integer, posts integer, registered_at timestamptz, deleted_at timestamptz,
			r_following boolean, r_followed_by boolean, r_requested boolean, r_blocking boolean, r_blocked_by boolean, r_muting boolean
		)
		LANGUAGE plpgsql STABLE AS $fn$
		BEGIN
			-- Two statements, not one with OR: each keeps an index plan of its own.
			IF p_id IS NOT NULL THEN
				RETURN QUERY SELECT ${columns} ${from} WHERE p.id = p_id AND p.deleted_at IS NULL;
			ELSE
				RETURN QUERY SELECT ${columns} ${from} WHERE p.username = p_username AND p.deleted_at IS NULL;
			END IF;
		END
		$fn$`);
}

export async function down({ sequelize, schema }: MigrationContext): Promise<void> {
	await sequelize.query(`DROP FUNCTION IF EXISTS "${schema}".profile_for(uuid, text, uuid)`);
}
