/**
 * Registration: an account in `pending` state and a code to the phone (or,
 * without a phone, the email). The account becomes active when the code comes
 * back through POST /auth/verify.
 *
 * A pending account never verified does not hold its phone or email hostage:
 * registering the same identifier again replaces it (someone typed a wrong
 * number, or squatted someone else's). A verified one answers 409.
 */
import { Op, UniqueConstraintError, type Transaction } from "sequelize";
import { badRequest } from "../../../lib/errors";
import { inTransaction } from "../../../lib/db/transaction";
import type { Language } from "../../../lib/events/catalogue";
import { newId } from "../../../lib/ids";
import { AuthError } from "../errors";
import { Account } from "../models";
import { normalizeEmail, type Identifier } from "../rules/identifier";
import { languageFrom } from "../rules/language";
import { hashPassword } from "../rules/password-hash";
import { checkPassword } from "../rules/password-policy";
import { normalizePhone } from "../rules/phone";
import { usernameBase, usernameCandidate, validUsername } from "../rules/username";
import type { AuthRuntime, ClientInfo } from "../runtime";
import { checkOtpSendLimits, issueOtp, type Verification } from "./otp";

export interface RegisterInput {
	phone?: string;
	email?: string;
	password: string;
	displayName: string;
	username?: string;
	language?: "en" | "sw";
}

/** A free username: the one asked for (409 when taken), else one made from the display name. */
export async function pickUsername(t: Transaction, requested: string | undefined, displayName: string): Promise<string> {
	const taken = async (name: string) => (await Account.count({ where: { username: name }, transaction: t })) > 0;
	if (requested) {
		if (await taken(requested)) throw AuthError.usernameTaken();
		return requested;
	}
	const base = usernameBase(displayName);
	if (base !== "user" && !(await taken(base))) return base;
	for (let i = 0; i < 10; i++) {
		const candidate = usernameCandidate(base);
		if (!(await taken(candidate))) return candidate;
	}
	throw AuthError.usernameTaken();
}

export async function register(rt: AuthRuntime, input: RegisterInput, client: ClientInfo): Promise<{ userId: string; verification: Verification }> {
	let phone: string | null = null;
	if (input.phone) {
		const parsed = normalizePhone(input.phone, rt.cfg.defaultCountry);
		if (!parsed.ok) throw badRequest("Not a supported mobile number", "INVALID_PHONE", { reason: parsed.reason });
		phone = parsed.e164;
	}
	const email = input.email ? normalizeEmail(input.email) : null;
	if (input.email && !email) throw badRequest("Not a valid email address", "INVALID_EMAIL");
	if (!phone && !email) throw badRequest("A phone number or an email address is required", "IDENTIFIER_REQUIRED");
	const username = input.username?.trim().toLowerCase();
	if (username !== undefined && !validUsername(username)) throw AuthError.invalidUsername();
	const displayName = input.displayName.trim();
	const problems = checkPassword(input.password, { phone, email, username, displayName });
	if (problems.length) throw AuthError.weakPassword(problems);

	const destination: Identifier = phone ? { kind: "phone", value: phone } : { kind: "email", value: email! };
	const language = languageFrom(input.language, client.acceptLanguage);
	await checkOtpSendLimits(rt, destination, "verify", client.ip);
	const passwordHash = await hashPassword(input.password, rt.cfg.passwordHash);

	// A derived username can be taken by a registration committing at the same moment (two people called
	// "Asha Juma"): the unique index refuses the second, which then tries again with a suffixed name.
	for (let attempt = 1; ; attempt++) {
		try {
			return await createPending(rt, { phone, email, username, displayName, passwordHash, language, destination });
		} catch (err) {
			const usernameClash = err instanceof UniqueConstraintError && /username/.test(JSON.stringify(err.fields));
			if (usernameClash && username === undefined && attempt < 3) continue;
			// Two registrations racing for the same phone, email or requested username.
			if (err instanceof UniqueConstraintError) throw usernameClash ? AuthError.usernameTaken() : AuthError.accountExists();
			throw err;
		}
	}
}

interface PendingAccount {
	phone: string | null;
	email: string | null;
	username: string | undefined;
	displayName: string;
	passwordHash: string;
	language: Language;
	destination: Identifier;
}

async function createPending(rt: AuthRuntime, input: PendingAccount): Promise<{ userId: string; verification: Verification }> {
	const { phone, email, username, displayName, passwordHash, language, destination } = input;
	return inTransaction(rt.sequelize, async t => {
		const clash = await Account.findAll({
			where: { [Op.or]: [...(phone ? [{ phone }] : []), ...(email ? [{ email }] : [])] },
			lock: t.LOCK.UPDATE,
			transaction: t
		});
		if (clash.some(a => a.status !== "pending")) throw AuthError.accountExists();
		for (const stale of clash) {
			// Its auth.user.registered went out: tell the other domains it is gone.
			await stale.destroy({ transaction: t });
			await rt.raiseEvent(t, "auth.user.deleted", { userId: stale.id }, null);
		}

		const account = await Account.create(
			{
				id: newId(),
				username: await pickUsername(t, username, displayName),
				displayName,
				phone,
				email,
				passwordHash,
				passwordChangedAt: new Date(),
				language,
				roles: ["user"],
				status: "pending"
			},
			{ transaction: t }
		);
		await rt.raiseEvent(
			t,
			"auth.user.registered",
			{ userId: account.id, username: account.username, displayName, phone, email, language },
			account.id
		);
		const verification = await issueOtp(rt, t, { accountId: account.id, destination, purpose: "verify", language });
		return { userId: account.id, verification };
	});
}
