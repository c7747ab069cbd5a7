/**
 * Passwords: forgot → code → reset (every session ends: whoever knew the old
 * password is out), and change with the current password (the other sessions
 * end; the one making the change stays).
 */
import { inTransaction } from "../../../lib/db/transaction";
import { AuthError } from "../errors";
import { Account } from "../models";
import { hashPassword, verifyPassword } from "../rules/password-hash";
import { checkPassword } from "../rules/password-policy";
import type { AuthRuntime, ClientInfo } from "../runtime";
import { assertNotLocked, clearAccount, recordFailure } from "./lockout";
import { identifierOrThrow, resendCode } from "./login";
import { redeemOtp } from "./otp";
import { announceRevoked, revokeAccountSessions } from "./sessions";

/** Always the same answer (202), whether or not the account exists. */
export function forgotPassword(rt: AuthRuntime, identifier: string, client: ClientInfo): Promise<void> {
	return resendCode(rt, { identifier, purpose: "reset" }, client);
}

function assertStrong(password: string, account: Account): void {
	const problems = checkPassword(password, account);
	if (problems.length) throw AuthError.weakPassword(problems);
}

export async function resetPassword(rt: AuthRuntime, input: { identifier: string; code: string; newPassword: string }): Promise<void> {
	const id = identifierOrThrow(rt, input.identifier);
	// Hash before the transaction (it takes ~0.3 s); the policy is checked against the account inside.
	const hash = await hashPassword(input.newPassword, rt.cfg.passwordHash);
	const revoked = await redeemOtp(rt, id, ["reset"], input.code, async (t, otp) => {
		const account = otp.accountId ? await Account.findByPk(otp.accountId, { transaction: t, lock: t.LOCK.UPDATE }) : null;
		if (!account || account.status !== "active") throw AuthError.invalidCode(0);
		assertStrong(input.newPassword, account);
		await account.update({ passwordHash: hash, passwordChangedAt: new Date() }, { transaction: t });
		await rt.raiseEvent(t, "auth.password.changed", { userId: account.id, via: "reset" }, account.id);
		return revokeAccountSessions(rt, t, account.id, "password_reset");
	});
	// The owner proved control of the phone or mailbox: an attacker's lockout must not keep them out.
	await clearAccount(rt, [id.value]);
	await announceRevoked(rt, revoked);
}

export async function changePassword(
	rt: AuthRuntime,
	user: { userId: string; sessionId: string },
	input: { currentPassword: string; newPassword: string },
	client: ClientInfo
): Promise<void> {
	const account = await Account.findByPk(user.userId);
	if (!account || account.status !== "active") throw AuthError.accountNotFound();
	const lockKey = account.phone ?? account.email ?? account.id;
	// A stolen access token must not become a way to guess the password: same lockout as sign-in.
	await assertNotLocked(rt, lockKey, client.ip);
	if (!account.passwordHash || !(await verifyPassword(input.currentPassword, account.passwordHash))) {
		await recordFailure(rt, lockKey, client.ip);
		throw AuthError.wrongPassword();
	}
	assertStrong(input.newPassword, account);
	const hash = await hashPassword(input.newPassword, rt.cfg.passwordHash);
	const revoked = await inTransaction(rt.sequelize, async t => {
		await account.update({ passwordHash: hash, passwordChangedAt: new Date() }, { transaction: t });
		await rt.raiseEvent(t, "auth.password.changed", { userId: account.id, via: "change" }, account.id);
		return revokeAccountSessions(rt, t, account.id, "password_changed", user.sessionId);
	});
	await announceRevoked(rt, revoked);
}
