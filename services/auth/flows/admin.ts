/** Administration: suspending and reinstating accounts. Suspension ends every session at once. */
import { inTransaction } from "../../../lib/db/transaction";
import { AuthError } from "../errors";
import { Account, OAuthLink } from "../models";
import type { AuthRuntime } from "../runtime";
import { accountView, type AccountView } from "./account";
import { announceRevoked, revokeAccountSessions } from "./sessions";

export async function suspend(rt: AuthRuntime, adminId: string, userId: string, reason: string | null): Promise<AccountView> {
	if (adminId === userId) throw AuthError.cannotChangeSelf();
	const { account, revoked } = await inTransaction(rt.sequelize, async t => {
		const account = await Account.findByPk(userId, { transaction: t, lock: t.LOCK.UPDATE });
		if (!account || account.status === "deleted") throw AuthError.accountNotFound();
		if (account.status === "suspended") return { account, revoked: [] as string[] };
		await account.update({ status: "suspended", statusReason: reason, statusChangedAt: new Date(), statusChangedBy: adminId }, { transaction: t });
		const revoked = await revokeAccountSessions(rt, t, account.id, "suspended");
		await rt.raiseEvent(t, "auth.user.suspended", { userId: account.id, reason, by: adminId }, adminId);
		return { account, revoked };
	});
	await announceRevoked(rt, revoked);
	return accountView(account);
}

export async function reinstate(rt: AuthRuntime, adminId: string, userId: string): Promise<AccountView> {
	const account = await inTransaction(rt.sequelize, async t => {
		const account = await Account.findByPk(userId, { transaction: t, lock: t.LOCK.UPDATE });
		if (!account || account.status === "deleted") throw AuthError.accountNotFound();
		if (account.status !== "suspended") return account;
		// Back to where it was: active if it ever proved an identity (code or provider), else still pending.
		const proven = account.phoneVerifiedAt || account.emailVerifiedAt || (await OAuthLink.count({ where: { accountId: account.id }, transaction: t }));
		const status = proven ? "active" : "pending";
		await account.update({ status, statusReason: null, statusChangedAt: new Date(), statusChangedBy: adminId }, { transaction: t });
		await rt.raiseEvent(t, "auth.user.reinstated", { userId: account.id, by: adminId }, adminId);
		return account;
	});
	return accountView(account);
}

/**
 * The REPL acts in the name of an administrator account (operators have one,
 * npm run create-admin), so every suspension names a person in the audit trail.
 */
export async function assertAdministrator(adminId: string): Promise<void> {
	const admin = await Account.findByPk(adminId);
	if (!admin || admin.status !== "active" || !admin.roles.includes("admin")) throw AuthError.notAnAdministrator();
}
