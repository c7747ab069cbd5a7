/**
 * Periodic clean-up any auth node may run (each statement is idempotent):
 * - delivered auth.otp.requested events leave the outbox at once, because
 *   their envelope holds a code in clear (lib/events/catalogue.ts promises it);
 * - codes, unfinished OAuth sign-ins and refresh tokens of ended sessions are
 *   of no use after they expire.
 */
import type { Sequelize } from "sequelize";

export async function cleanUp(sequelize: Sequelize): Promise<void> {
	await sequelize.query(`DELETE FROM auth.outbox WHERE type = 'auth.otp.requested' AND published_at IS NOT NULL`);
	await sequelize.query(`DELETE FROM auth.oauth_states WHERE expires_at < now()`);
	await sequelize.query(`DELETE FROM auth.otps WHERE expires_at < now() - interval '1 day'`);
	await sequelize.query(
		`DELETE FROM auth.refresh_tokens r USING auth.sessions s
		  WHERE r.session_id = s.id AND (s.revoked_at < now() - interval '1 day' OR s.idle_expires_at < now() - interval '1 day')`
	);
}
