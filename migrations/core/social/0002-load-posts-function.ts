/**
 * The hot read (a page of posts for a viewer, store/hydrate.ts) as a PL/pgSQL
 * function: PL/pgSQL keeps the plans of its queries per connection, where the
 * same statement sent as text is planned on every call (Sequelize sends no
 * named prepared statements) — for this statement, with its five correlated
 * subqueries, planning cost more than running it.
 */
import type { MigrationContext } from "../../../lib/db/migrator";

function body(s: string, reposters: boolean): string {
	return `
		WITH wanted AS (
			SELECT x.id FROM "${s}".posts x WHERE x.id = ANY(p_ids)
			UNION
			SELECT x.quote_of FROM "${s}".posts x WHERE x.id = ANY(p_ids) AND x.quote_of IS NOT NULL
		)
		SELECT p.id, p.author_id, p.text, p.media_file_ids, p.embed_type, p.embed_id, p.visibility, p.quote_of, p.mentions, p.hashtags, p.source,
		       p.likes_count, p.comments_count, p.reposts_count, p.quotes_count, p.created_at, p.edited_at, p.deleted_at,
		       EXISTS (SELECT 1 FROM "${s}".likes l WHERE l.post_id = p.id AND l.user_id = p_viewer),
		       EXISTS (SELECT 1 FROM "${s}".reposts r WHERE r.post_id = p.id AND r.user_id = p_viewer),
		       (SELECT json_build_object('multiple', pl.multiple, 'expires_at', pl.expires_at, 'voters_count', pl.voters_count,
		               'options', (SELECT json_agg(json_build_object('id', o.id, 'text', o.text, 'votes', o.votes) ORDER BY o.position)
		                             FROM "${s}".poll_options o WHERE o.post_id = pl.post_id))
		          FROM "${s}".polls pl WHERE pl.post_id = p.id),
		       (SELECT array_agg(v.option_id) FROM "${s}".poll_votes v WHERE v.post_id = p.id AND v.user_id = p_viewer),
		       ${
						reposters
							? `(SELECT array_agg(r.user_id ORDER BY r.created_at DESC) FROM "${s}".reposts r
		                   JOIN "${s}".follows f ON f.followee_id = r.user_id AND f.follower_id = p_viewer WHERE r.post_id = p.id)`
							: "NULL::uuid[]"
					}
		  FROM wanted w JOIN "${s}".posts p ON p.id = w.id AND p.deleted_at IS NULL`;
}

export async function up({ sequelize, schema: s }: MigrationContext): Promise<void> {
	await sequelize.query(`
		CREATE FUNCTION "${s}".load_posts(p_ids uuid[], p_viewer uuid, p_reposters boolean)
		RETURNS TABLE (
			id uuid, author_id uuid, text text, media_file_ids uuid[], embed_type text, embed_id uuid, visibility text, quote_of uuid,
			mentions jsonb, hashtags text[], source text, likes_count integer, comments_count integer, reposts_count integer,
			quotes_count integer, created_at timestamptz, edited_at timestamptz, deleted_at timestamptz,
			liked boolean, reposted boolean, poll json, viewer_votes uuid[], reposters uuid[]
		)
		LANGUAGE plpgsql STABLE AS $fn$
		#variable_conflict use_column
		BEGIN
			-- Two statements, not one with a flag: feeds join the follow graph, other lists do not.
			IF p_reposters THEN
				RETURN QUERY ${body(s, true)};
			ELSE
				RETURN QUERY ${body(s, false)};
			END IF;
		END
		$fn$`);
}

export async function down({ sequelize, schema }: MigrationContext): Promise<void> {
	await sequelize.query(`DROP FUNCTION IF EXISTS "${schema}".load_posts(uuid[], uuid, boolean)`);
}
