/** The account itself: what the owner sees, their security settings, and deleting it. */
import { inTransaction } from "../../../lib/db/transaction";
import { AuthError } from "../errors";
import { Account, KnownDevice, OAuthLink, Otp, Session } from "../models";
import { verifyPassword } from "../rules/password-hash";
import type { AuthRuntime, ClientInfo } from "../runtime";
import { assertNotLocked, recordFailure } from "./lockout";
import { announceRevoked, revokeAccountSessions } from "./sessions";

export interface AccountView {
	id: string;
	username: string;
	displayName: string;
	phone: string | null;
	email: string | null;
	phoneVerified: boolean;
	emailVerified: boolean;
	language: "en" | "sw";
	roles: string[];
	status: string;
	hasPassword: boolean;
	otpOnNewDevice: boolean;
	createdAt: string;
}

export function accountView(a: Account): AccountView {
	return {
		id: a.id,
		username: a.username,
		displayName: a.displayName,
		phone: a.phone,
		email: a.email,
		phoneVerified: Boolean(a.phoneVerifiedAt),
		emailVerified: Boolean(a.emailVerifiedAt),
		language: a.language,
		roles: [...a.roles],
		status: a.status,
		hasPassword: Boolean(a.passwordHash),
		otpOnNewDevice: a.otpOnNewDevice,
		createdAt: a.createdAt.toISOString()
	};
}

export async function myAccount(userId: string): Promise<Account> {
	const account = await Account.findByPk(userId);
	if (!account || account.status === "deleted") throw AuthError.accountNotFound();
	return account;
}

export async function updateSettings(userId: string, input: { otpOnNewDevice?: boolean }): Promise<AccountView> {
	const account = await myAccount(userId);
	if (input.otpOnNewDevice !== undefined) await account.update({ otpOnNewDevice: input.otpOnNewDevice });
	return accountView(account);
}

/** A sign-in within this window counts as a fresh confirmation for accounts without a password (OAuth only). */
const RECENT_SIGN_IN_MS = 15 * 60_000;

/**
 * Deletes the account: credentials go (password, OAuth links, codes, devices),
 * personal data is anonymised (the row stays so ids in other domains still
 * resolve to "deleted user"), every session ends, auth.user.deleted tells the
 * other domains to erase what they hold.
 */
export async function deleteAccount(
	rt: AuthRuntime,
	caller: { userId: string; sessionId: string },
	input: { password?: string },
	client: ClientInfo
): Promise<void> {
	const account = await myAccount(caller.userId);
	if (account.passwordHash) {
		const lockKey = account.phone ?? account.email ?? account.id;
		await assertNotLocked(rt, lockKey, client.ip);
		if (!input.password || !(await verifyPassword(input.password, account.passwordHash))) {
			await recordFailure(rt, lockKey, client.ip);
			throw AuthError.wrongPassword();
		}
	} else {
		const session = await Session.findByPk(caller.sessionId);
		if (!session || Date.now() - session.createdAt.getTime() > RECENT_SIGN_IN_MS) throw AuthError.recentSignInRequired();
	}
	const revoked = await inTransaction(rt.sequelize, async t => {
		const locked = await Account.findByPk(account.id, { transaction: t, lock: t.LOCK.UPDATE });
		if (!locked || locked.status === "deleted") throw AuthError.accountNotFound();
		const ids = await revokeAccountSessions(rt, t, account.id, "account_deleted");
		for (const Model of [OAuthLink, Otp, KnownDevice]) await (Model as typeof OAuthLink).destroy({ where: { accountId: account.id }, transaction: t });
		await locked.update(
			{
				username: `deleted_${account.id.replace(/-/g, "").slice(-12)}`,
				displayName: "Deleted user",
				phone: null,
				email: null,
				phoneVerifiedAt: null,
				emailVerifiedAt: null,
				passwordHash: null,
				otpOnNewDevice: false,
				status: "deleted",
				statusChangedAt: new Date(),
				statusChangedBy: account.id,
				statusReason: "deleted_by_user"
			},
			{ transaction: t }
		);
		// Where and on what devices the person signed in is personal data too.
		await Session.update({ ip: null, userAgent: null, deviceName: null }, { where: { accountId: account.id }, transaction: t });
		await rt.raiseEvent(t, "auth.user.deleted", { userId: account.id }, account.id);
		return ids;
	});
	await announceRevoked(rt, revoked);
}
