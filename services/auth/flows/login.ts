/**
 * Signing in: password (POST /auth/login), and codes (POST /auth/verify) that
 * finish a registration or a new-device sign-in.
 *
 * An unknown identifier and a wrong password give the same 401 after the same
 * work (a dummy hash is verified), and both count towards the lockout.
 */
import { Op } from "sequelize";
import { inTransaction } from "../../../lib/db/transaction";
import { newId } from "../../../lib/ids";
import { AuthError } from "../errors";
import { Account, Otp } from "../models";
import { parseIdentifier, type Identifier } from "../rules/identifier";
import { hashPassword, needsRehash, verifyPassword } from "../rules/password-hash";
import type { AuthRuntime, ClientInfo, DeviceInput } from "../runtime";
import { deviceOf } from "../runtime";
import { assertNotLocked, clearAccount, recordFailure } from "./lockout";
import { checkOtpSendLimits, issueOtp, redeemOtp, type Verification } from "./otp";
import { isKnownDevice, openSession, type TokenPair } from "./sessions";

export function identifierOrThrow(rt: AuthRuntime, raw: string): Identifier {
	const id = parseIdentifier(raw, rt.cfg.defaultCountry);
	if (!id) throw AuthError.invalidIdentifier();
	return id;
}

export function findByIdentifier(id: Identifier): Promise<Account | null> {
	return Account.findOne({ where: { [id.kind]: id.value, status: { [Op.ne]: "deleted" } } });
}

/** The password check every flow shares: lockout first, same cost either way, failures counted. */
export async function checkCredentials(rt: AuthRuntime, id: Identifier, password: string, client: ClientInfo): Promise<Account> {
	await assertNotLocked(rt, id.value, client.ip);
	const account = await findByIdentifier(id);
	const ok = await verifyPassword(password, account?.passwordHash ?? rt.dummyHash);
	if (!account || !account.passwordHash || !ok) {
		await recordFailure(rt, id.value, client.ip);
		throw AuthError.invalidCredentials();
	}
	await clearAccount(rt, [id.value]);
	if (needsRehash(account.passwordHash, rt.cfg.passwordHash)) await account.update({ passwordHash: await hashPassword(password, rt.cfg.passwordHash) });
	return account;
}

export type LoginResult = { kind: "tokens"; pair: TokenPair } | { kind: "challenge"; verification: Verification };

export async function login(rt: AuthRuntime, input: { identifier: string; password: string; device: DeviceInput }, client: ClientInfo): Promise<LoginResult> {
	const id = identifierOrThrow(rt, input.identifier);
	const account = await checkCredentials(rt, id, input.password, client);
	if (account.status === "suspended") throw AuthError.suspended();
	if (account.status === "pending") throw AuthError.notVerified();
	const device = deviceOf(input.device, newId);

	if (account.otpOnNewDevice && !(await isKnownDevice(account.id, device.id))) {
		// The password was right; the code proves the person also holds the phone or mailbox.
		await checkOtpSendLimits(rt, id, "login", client.ip);
		const verification = await inTransaction(rt.sequelize, t =>
			issueOtp(rt, t, { accountId: account.id, destination: id, purpose: "login", language: account.language, context: { device } })
		);
		return { kind: "challenge", verification };
	}
	const pair = await inTransaction(rt.sequelize, t => openSession(rt, t, account, device, client, "password"));
	return { kind: "tokens", pair };
}

/**
 * POST /auth/verify: a `verify` code activates the account (and proves the
 * phone or email); a `login` code finishes a new-device sign-in on the device
 * that started it. Either way the answer is a TokenPair.
 */
export async function verifyCode(
	rt: AuthRuntime,
	input: { identifier: string; code: string; device?: DeviceInput },
	client: ClientInfo
): Promise<TokenPair> {
	const id = identifierOrThrow(rt, input.identifier);
	return redeemOtp(rt, id, ["verify", "login"], input.code, async (t, otp) => {
		const account = otp.accountId ? await Account.findByPk(otp.accountId, { transaction: t, lock: t.LOCK.UPDATE }) : null;
		if (!account || account.status === "deleted") throw AuthError.invalidCode(0);
		if (account.status === "suspended") throw AuthError.suspended();
		if (otp.purpose === "verify") {
			const now = new Date();
			await account.update(
				{ status: "active", ...(id.kind === "phone" ? { phoneVerifiedAt: now } : { emailVerifiedAt: now }) },
				{ transaction: t }
			);
			await rt.raiseEvent(t, "auth.user.verified", { userId: account.id, channel: id.kind === "phone" ? "sms" : "email" }, account.id);
			return openSession(rt, t, account, deviceOf(input.device, newId), client, "register");
		}
		const device = otp.context?.device ?? deviceOf(input.device, newId);
		return openSession(rt, t, account, device, client, "password+otp");
	});
}

/** POST /auth/otp: a new code for a registration, a pending new-device sign-in, or a reset. Always 202. */
export async function resendCode(
	rt: AuthRuntime,
	input: { identifier: string; purpose: "verify" | "login" | "reset" },
	client: ClientInfo
): Promise<void> {
	const id = identifierOrThrow(rt, input.identifier);
	await checkOtpSendLimits(rt, id, input.purpose, client.ip);
	const account = await findByIdentifier(id);
	if (!account) return;
	const verified = id.kind === "phone" ? account.phoneVerifiedAt : account.emailVerifiedAt;
	await inTransaction(rt.sequelize, async t => {
		const base = { accountId: account.id, destination: id, language: account.language };
		if (input.purpose === "verify" && !verified && account.status !== "suspended")
			await issueOtp(rt, t, { ...base, purpose: "verify" });
		else if (input.purpose === "reset" && account.status === "active") await issueOtp(rt, t, { ...base, purpose: "reset" });
		else if (input.purpose === "login" && account.status === "active") {
			// Only a sign-in that already passed the password check has a device waiting for a code.
			const pending = await pendingLoginChallenge(account.id, id.value);
			if (pending) await issueOtp(rt, t, { ...base, purpose: "login", context: pending });
		}
	});
}

async function pendingLoginChallenge(accountId: string, destination: string) {
	const otp = await Otp.findOne({
		where: { accountId, destination, purpose: "login", expiresAt: { [Op.gt]: new Date() } },
		order: [["createdAt", "DESC"]]
	});
	return otp && !otp.consumedAt ? otp.context ?? undefined : undefined;
}
