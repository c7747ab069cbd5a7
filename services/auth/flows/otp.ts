/**
 * Sending and checking one-time codes. A code is delivered by raising
 * auth.otp.requested in the same transaction that stores its hash; the
 * notifications domain sends it. The code itself is never logged or returned.
 */
import { Op, type Transaction } from "sequelize";
import type { Language, OtpPurpose } from "../../../lib/events/catalogue";
import { inTransaction } from "../../../lib/db/transaction";
import { newId } from "../../../lib/ids";
import { AuthError } from "../errors";
import { Otp, type OtpContext } from "../models";
import { channelOf, maskDestination, type Identifier } from "../rules/identifier";
import { retryAfterSeconds } from "../rules/lockout";
import { checkOtp, generateOtp, hashOtp, OTP_LIMITS, OTP_MAX_ATTEMPTS, OTP_TTL_MS } from "../rules/otp";
import type { AuthRuntime } from "../runtime";
import { addressKey } from "../../api/rate-limits";

export interface Verification {
	channel: "sms" | "email";
	destination: string;
	expiresAt: string;
}

/**
 * Refuses (429) when this destination or address has asked for too many codes.
 * Applied before looking the account up, so the answer is the same whether or
 * not an account exists.
 */
export async function checkOtpSendLimits(rt: AuthRuntime, destination: Identifier, purpose: OtpPurpose, ip: string | null): Promise<void> {
	const cooldown = await rt.counters.claim(`otp:cooldown:${purpose}:${destination.value}`, OTP_LIMITS.resendCooldownMs);
	if (!cooldown.claimed) throw AuthError.otpLimited(retryAfterSeconds(cooldown.remainingMs), "destination");
	const perDest = await rt.counters.hit(`otp:dest:${destination.value}`, OTP_LIMITS.perDestination.window);
	if (perDest.count > OTP_LIMITS.perDestination.limit) throw AuthError.otpLimited(retryAfterSeconds(perDest.resetMs), "destination");
	const perIp = await rt.counters.hit(`otp:${addressKey(ip)}`, OTP_LIMITS.perAddress.window);
	const ipLimit = Math.max(1, Math.floor(OTP_LIMITS.perAddress.limit * rt.rateLimitScale));
	if (perIp.count > ipLimit) throw AuthError.otpLimited(retryAfterSeconds(perIp.resetMs), "address");
}

/** Stores a new code for `destination` (earlier unconsumed ones of the purpose die) and raises its delivery. */
export async function issueOtp(
	rt: AuthRuntime,
	t: Transaction,
	opts: { accountId: string | null; destination: Identifier; purpose: OtpPurpose; language: Language; context?: OtpContext }
): Promise<Verification> {
	const id = newId();
	const code = generateOtp();
	const expiresAt = new Date(Date.now() + OTP_TTL_MS);
	// Only the newest code of a purpose is valid: a resend must not leave two codes to guess.
	await Otp.update(
		{ consumedAt: new Date() },
		{ where: { destination: opts.destination.value, purpose: opts.purpose, consumedAt: null }, transaction: t }
	);
	await Otp.create(
		{
			id,
			accountId: opts.accountId,
			purpose: opts.purpose,
			channel: channelOf(opts.destination),
			destination: opts.destination.value,
			codeHash: hashOtp(code, id, rt.otpPepper),
			expiresAt,
			context: opts.context ?? null
		},
		{ transaction: t }
	);
	await rt.raiseEvent(
		t,
		"auth.otp.requested",
		{
			otpId: id,
			userId: opts.accountId,
			channel: channelOf(opts.destination),
			destination: opts.destination.value,
			code,
			purpose: opts.purpose,
			expiresAt: expiresAt.toISOString(),
			language: opts.language
		},
		opts.accountId
	);
	return { channel: channelOf(opts.destination), destination: maskDestination(opts.destination), expiresAt: expiresAt.toISOString() };
}

/**
 * Checks a code against the newest live one for the destination and purposes.
 * A wrong guess is recorded in its own transaction (it must count even though
 * the request fails); a right one is consumed inside `work`'s transaction, so
 * the code and what it unlocks commit together.
 */
export async function redeemOtp<R>(
	rt: AuthRuntime,
	destination: Identifier,
	purposes: OtpPurpose[],
	code: string,
	work: (t: Transaction, otp: Otp) => Promise<R>
): Promise<R> {
	const result = await inTransaction(rt.sequelize, async t => {
		const otp = await Otp.findOne({
			where: { destination: destination.value, purpose: { [Op.in]: purposes }, consumedAt: null },
			order: [["createdAt", "DESC"]],
			lock: t.LOCK.UPDATE,
			transaction: t
		});
		if (!otp) return { ok: false as const, attemptsLeft: 0 };
		const verdict = checkOtp(otp, code, rt.otpPepper);
		if (verdict === "MISMATCH") {
			await otp.update({ attempts: otp.attempts + 1 }, { transaction: t });
			return { ok: false as const, attemptsLeft: Math.max(0, OTP_MAX_ATTEMPTS - otp.attempts) };
		}
		if (verdict !== "OK") return { ok: false as const, attemptsLeft: 0 };
		await otp.update({ consumedAt: new Date() }, { transaction: t });
		return { ok: true as const, value: await work(t, otp) };
	});
	if (!result.ok) throw AuthError.invalidCode(result.attemptsLeft);
	return result.value;
}
