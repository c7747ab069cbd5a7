/**
 * Sessions and their tokens: opening one (TokenPair), rotating its refresh
 * token, revoking one or many, and telling every gateway about revocations.
 */
import { QueryTypes, type Transaction } from "sequelize";
import { inTransaction } from "../../../lib/db/transaction";
import { newId } from "../../../lib/ids";
import { AuthError } from "../errors";
import { Account, KnownDevice, RefreshToken, Session } from "../models";
import {
	ACCESS_TOKEN_TTL_S,
	looksLikeRefreshToken,
	newRefreshToken,
	newSessionExpiry,
	refreshTokenHash,
	refreshVerdict,
	REVOCATION_TTL_S,
	slideIdleExpiry
} from "../rules/tokens";
import type { AuthRuntime, ClientInfo, Device } from "../runtime";

export interface TokenPair {
	accessToken: string;
	refreshToken: string;
	tokenType: "Bearer";
	expiresIn: number;
	user: { id: string; username: string; roles: string[] };
}

async function tokenPair(rt: AuthRuntime, account: Account, sessionId: string, refreshToken: string): Promise<TokenPair> {
	const accessToken = await rt.keyring.sign({ sub: account.id, sid: sessionId, roles: account.roles }, newId());
	return {
		accessToken,
		refreshToken,
		tokenType: "Bearer",
		expiresIn: ACCESS_TOKEN_TTL_S,
		user: { id: account.id, username: account.username, roles: [...account.roles] }
	};
}

/** Whether the account completed a sign-in on this device before. */
export async function isKnownDevice(accountId: string, deviceId: string, t?: Transaction): Promise<boolean> {
	return (await KnownDevice.count({ where: { accountId, deviceId }, transaction: t })) > 0;
}

/** Opens a session on `device` inside `t`, raises auth.session.created, returns the TokenPair. */
export async function openSession(
	rt: AuthRuntime,
	t: Transaction,
	account: Account,
	device: Device,
	client: ClientInfo,
	method: string
): Promise<TokenPair> {
	const now = new Date();
	// "New sign-in" warns about a device the owner may not know; an account's very first
	// device (the one it registered on) is not news to anyone.
	const knownDevices = await KnownDevice.count({ where: { accountId: account.id }, transaction: t });
	const newDevice = knownDevices > 0 && !(await isKnownDevice(account.id, device.id, t));
	await rt.sequelize.query(
		`INSERT INTO auth.known_devices (account_id, device_id, first_seen_at, last_seen_at) VALUES (:a, :d, :now, :now)
		 ON CONFLICT (account_id, device_id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at`,
		{ replacements: { a: account.id, d: device.id, now }, transaction: t }
	);
	const session = await Session.create(
		{
			id: newId(),
			accountId: account.id,
			deviceId: device.id,
			deviceName: device.name,
			platform: device.platform,
			userAgent: client.userAgent,
			ip: client.ip,
			method,
			lastSeenAt: now,
			...newSessionExpiry(now.getTime())
		},
		{ transaction: t }
	);
	const refreshToken = newRefreshToken();
	await RefreshToken.create({ tokenHash: refreshTokenHash(refreshToken), sessionId: session.id, generation: 1 }, { transaction: t });
	await rt.raiseEvent(
		t,
		"auth.session.created",
		{
			userId: account.id,
			sessionId: session.id,
			deviceId: device.id,
			deviceName: device.name,
			platform: device.platform,
			ip: client.ip,
			userAgent: client.userAgent,
			newDevice
		},
		account.id
	);
	return tokenPair(rt, account, session.id, refreshToken);
}

interface RefreshRow {
	session_id: string;
	used_at: Date | null;
	revoked_at: Date | null;
	idle_expires_at: Date;
	absolute_expires_at: Date;
	status: string;
	generation: number;
}

/**
 * Exchanges a refresh token for a new pair. The session row is locked first,
 * then the token re-read under that lock: of two parallel exchanges of one
 * token, the second sees it spent and revokes the session (reuse).
 */
export async function rotateRefreshToken(rt: AuthRuntime, refreshToken: string, client: ClientInfo): Promise<TokenPair> {
	if (!looksLikeRefreshToken(refreshToken)) throw AuthError.invalidRefreshToken();
	const hash = refreshTokenHash(refreshToken);
	const outcome = await inTransaction(rt.sequelize, async t => {
		const found = await RefreshToken.findByPk(hash, { transaction: t });
		if (!found) return { kind: "unknown" as const };
		await Session.findByPk(found.sessionId, { transaction: t, lock: t.LOCK.UPDATE });
		const [row] = await rt.sequelize.query<RefreshRow>(
			`SELECT r.session_id, r.used_at, r.generation, s.revoked_at, s.idle_expires_at, s.absolute_expires_at, a.status
			   FROM auth.refresh_tokens r JOIN auth.sessions s ON s.id = r.session_id JOIN auth.accounts a ON a.id = s.account_id
			  WHERE r.token_hash = :hash`,
			{ replacements: { hash }, type: QueryTypes.SELECT, transaction: t }
		);
		const verdict = refreshVerdict({
			tokenUsedAt: row.used_at,
			sessionRevokedAt: row.revoked_at,
			idleExpiresAt: new Date(row.idle_expires_at),
			absoluteExpiresAt: new Date(row.absolute_expires_at),
			accountStatus: row.status
		});
		if (verdict === "REUSED") {
			const revoked = await revokeWhere(rt, t, "id = :sid AND revoked_at IS NULL", { sid: row.session_id }, "refresh_token_reuse");
			return { kind: "reused" as const, sessionId: row.session_id, revoked };
		}
		if (verdict !== "ROTATE") return { kind: verdict };
		const now = new Date();
		await RefreshToken.update({ usedAt: now }, { where: { tokenHash: hash }, transaction: t });
		const next = newRefreshToken();
		await RefreshToken.create({ tokenHash: refreshTokenHash(next), sessionId: row.session_id, generation: row.generation + 1 }, { transaction: t });
		const session = (await Session.findByPk(row.session_id, { transaction: t }))!;
		await session.update(
			{ lastSeenAt: now, idleExpiresAt: slideIdleExpiry(session.absoluteExpiresAt, now.getTime()), ip: client.ip ?? session.ip, userAgent: client.userAgent ?? session.userAgent },
			{ transaction: t }
		);
		const account = (await Account.findByPk(session.accountId, { transaction: t }))!;
		return { kind: "rotated" as const, pair: await tokenPair(rt, account, session.id, next) };
	});
	switch (outcome.kind) {
		case "rotated":
			return outcome.pair;
		case "reused":
			// A copied token (or a client that retried a refresh): worth an operator's attention.
			rt.logger.warn(`Refresh token reuse on session ${outcome.sessionId}: session revoked`);
			await announceRevoked(rt, outcome.revoked);
			throw AuthError.refreshTokenReused();
		case "SESSION_REVOKED":
			throw AuthError.sessionRevoked();
		case "SESSION_EXPIRED":
			throw AuthError.sessionExpired();
		case "ACCOUNT_DISABLED":
			throw AuthError.sessionRevoked();
		default:
			throw AuthError.invalidRefreshToken();
	}
}

/** Marks matching live sessions revoked inside `t`; returns their ids (announce them after commit). */
export async function revokeWhere(rt: AuthRuntime, t: Transaction, where: string, replacements: Record<string, unknown>, reason: string): Promise<string[]> {
	const rows = await rt.sequelize.query<{ id: string }>(
		`UPDATE auth.sessions SET revoked_at = now(), revoke_reason = :reason WHERE ${where} AND revoked_at IS NULL RETURNING id`,
		{ replacements: { ...replacements, reason }, type: QueryTypes.SELECT, transaction: t }
	);
	return rows.map(r => r.id);
}

/** Every live session of an account, optionally but one. */
export function revokeAccountSessions(rt: AuthRuntime, t: Transaction, accountId: string, reason: string, except: string | null = null) {
	return except
		? revokeWhere(rt, t, "account_id = :accountId AND id <> :except", { accountId, except }, reason)
		: revokeWhere(rt, t, "account_id = :accountId", { accountId }, reason);
}

/**
 * After the commit: every gateway refuses these sessions' access tokens
 * (shared revocation list) and closes their sockets. Awaited, so a failure to
 * reach Redis surfaces as an error instead of leaving live tokens behind.
 */
export async function announceRevoked(rt: AuthRuntime, sessionIds: string[]): Promise<void> {
	for (const sid of sessionIds) {
		await rt.revocations.revokeSession(sid, REVOCATION_TTL_S);
		rt.broadcast("api.ws.closeSession", { sessionId: sid });
	}
}
